"""Reads of the jobs app: vacancy search, detail pages, the facts matching reads, "jobs for
you", employer pages, applications and the moderation queue.

Search runs in the index (``search_docs.VACANCY``); rows of a page are loaded by id through
the policy, in the index's order, in one query. Matching (``matching.py``) is pure: this
package turns rows and the requirement engine's results into its plain inputs.

Modules, by concern: ``search`` (the search page, ranking by fit, one vacancy's match,
"jobs for you"), ``facts`` (what matching reads of a vacancy and of a clinician) and
``pages`` (detail pages, employers, applications, saved searches, moderation, exports).
Every public name is re-exported here: callers import from ``cmepath.jobs.selectors``.
"""

from __future__ import annotations

from cmepath.jobs.selectors.facts import (
    GOAL_TRACKS,
    clinician_facts,
    mandated_topics_for,
    vacancy_facts,
)
from cmepath.jobs.selectors.pages import (
    Applicant,
    EmployerOverview,
    applicants_for,
    application_detail,
    application_share_link,
    applications_for,
    cme_benefit_summary,
    employer_all_vacancies,
    employer_detail,
    employer_members,
    employer_open_vacancies,
    employer_overview,
    employers_for,
    export_rows,
    moderation_queue,
    posting_for,
    saved_search_by_token,
    saved_searches_for,
    vacancy_detail,
    vacancy_events,
    vacancy_for_change,
)
from cmepath.jobs.selectors.search import (
    FILTER_FIELDS,
    KM_PER_MILE,
    PAGE_SIZE,
    SEARCH_FACETS,
    SEARCH_RANGES,
    SORTS,
    JobPage,
    JobSearch,
    jobs_for_you,
    today,
    vacancy_match,
    vacancy_query,
    vacancy_search,
)

__all__ = [
    "Applicant",
    "applicants_for",
    "application_detail",
    "application_share_link",
    "applications_for",
    "clinician_facts",
    "cme_benefit_summary",
    "employer_all_vacancies",
    "employer_detail",
    "employer_members",
    "employer_open_vacancies",
    "employer_overview",
    "EmployerOverview",
    "employers_for",
    "export_rows",
    "FILTER_FIELDS",
    "GOAL_TRACKS",
    "JobPage",
    "jobs_for_you",
    "JobSearch",
    "KM_PER_MILE",
    "mandated_topics_for",
    "moderation_queue",
    "PAGE_SIZE",
    "posting_for",
    "saved_search_by_token",
    "saved_searches_for",
    "SEARCH_FACETS",
    "SEARCH_RANGES",
    "SORTS",
    "today",
    "vacancy_detail",
    "vacancy_events",
    "vacancy_facts",
    "vacancy_for_change",
    "vacancy_match",
    "vacancy_query",
    "vacancy_search",
]
