"""Choices and constants of the catalog app (one home).

Credit types, topics, competencies and professions are NOT here: they come from the shared
vocabulary (``cmepath.core.vocabulary``), so catalog and credits speak the same codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from cmepath.catalog.rubric import CHANGE_TARGETS
from cmepath.core.career_goals import load_career_goals
from cmepath.core.vocabulary import COMPETENCIES


class ErrorCode(StrEnum):
    """Codes of the catalog's own domain errors (``DomainError.code``, in API responses)."""

    IMPORT_FILE_UNUSABLE = "import_file_unusable"


class Accreditor(models.TextChoices):
    """Who accredits the provider (standards 2.1, 2.6)."""

    ACCME = "ACCME", "ACCME"
    ANCC = "ANCC", "ANCC"
    ACPE = "ACPE", "ACPE"
    AAPA = "AAPA", "AAPA"
    AANP = "AANP", "AANP"
    AOA = "AOA", "AOA"
    JOINT = "JA", "Joint Accreditation (ACCME, ACPE, ANCC)"
    STATE = "state_society", "State medical society (ACCME recognized)"


def accreditor_name(code: str) -> str:
    """The accreditor's short name (``"JA"`` -> ``"Joint Accreditation"``); blank stays blank."""
    if not code:
        return ""
    return str(Accreditor(code).label).split(" (")[0]


class ActivityFormat(models.TextChoices):
    """PARS activity types plus the AMA PRA formats (standards 2.1)."""

    COURSE = "course", "Course"
    RSS = "rss", "Regularly scheduled series"
    ENDURING = "enduring_material", "Enduring material"
    INTERNET_ENDURING = "internet_enduring", "Internet enduring material"
    JOURNAL = "journal_based", "Journal-based CME"
    PI = "performance_improvement", "Performance improvement (PI CME)"
    POC = "internet_point_of_care", "Internet point-of-care"
    TEACHING = "learning_from_teaching", "Learning from teaching"
    TEST_ITEM = "test_item_writing", "Test-item writing"
    MANUSCRIPT = "manuscript_review", "Manuscript review"
    COMMITTEE = "committee_learning", "Committee learning"
    OTHER = "other", "Other / blended"


class Delivery(models.TextChoices):
    LIVE = "live", "Live, in person"
    ONLINE = "online", "Online"
    HYBRID = "hybrid", "Hybrid"


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", "Draft (only the provider sees it)"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SupportKind(models.TextChoices):
    """PARS commercial support: monetary or in-kind (standards 2.5)."""

    MONETARY = "monetary", "Monetary"
    IN_KIND = "in_kind", "In-kind"


class Rems(models.TextChoices):
    """ER/LA opioid analgesic REMS (standards 2.1)."""

    NONE = "none", "Not REMS"
    COMPLIANT = "compliant", "REMS-compliant"
    RELATED = "related", "REMS-related"


class ChangeTarget(models.TextChoices):
    """PARS "designed to change" targets; the same codes the value rubric takes."""

    COMPETENCE = "competence", "Competence"
    PERFORMANCE = "performance", "Performance"
    PATIENT_OUTCOMES = "patient_outcomes", "Patient outcomes"


assert {c.value for c in ChangeTarget} == set(CHANGE_TARGETS)  # import-time invariant

#: Moore et al. 2009 outcome levels (standards 2.3); 3a and 3b are stored as 3.
MOORE_LEVELS = [
    (1, "1 Participation"),
    (2, "2 Satisfaction"),
    (3, "3 Learning (declarative or procedural knowledge)"),
    (4, "4 Competence"),
    (5, "5 Performance"),
    (6, "6 Patient health"),
    (7, "7 Community health"),
]

#: Certifying boards that take CME for MOC through ACCME (the PARS MOC block, standards 2.1).
MOC_BOARDS = {
    "ABA": "American Board of Anesthesiology",
    "ABIM": "American Board of Internal Medicine",
    "ABO": "American Board of Ophthalmology",
    "ABOHNS": "American Board of Otolaryngology - Head and Neck Surgery",
    "ABP": "American Board of Pediatrics",
    "ABPath": "American Board of Pathology",
    "ABPMR": "American Board of Physical Medicine and Rehabilitation",
    "ABS": "American Board of Surgery",
    "ABTS": "American Board of Thoracic Surgery",
    "ABFM": "American Board of Family Medicine",
    "NCCPA": "National Commission on Certification of Physician Assistants",
}

#: Credit types whose award needs an interprofessional, team-planned activity (standards 2.6).
IPCE_CREDIT = "ipce"

#: The facets the search page and the API count, in display order.
SEARCH_FACETS = (
    "profession",
    "credit_type",
    "topics",
    "mandated_topic",
    "format",
    "delivery",
    "state",
    "cost_range",
    "accreditor",
    "moore_level",
    "interprofessional",
    "no_commercial_support",
    "moc",
)
#: Facet fields that take filter values from the query string (moore_level is a range).
FILTER_FIELDS = tuple(f for f in SEARCH_FACETS if f != "moore_level") + ("specialty",)
SEARCH_SORTS = ("relevance", "score", "cost", "start_date", "credits_per_dollar")
SORT_LABELS = {
    "relevance": "Best match",
    "score": "Value score",
    "cost": "Lowest cost",
    "start_date": "Soonest",
    "credits_per_dollar": "Credits per dollar",
}
PAGE_SIZE = 20
IMPORT_FORMATS = ("csv", "json", "pars")

#: Search page: ``?ended=show`` lists activities that have ended (labelled "ended"),
#: ``?ended=hide`` leaves them out; without it they are left out (the default).
ENDED_SHOW = "show"
ENDED_HIDE = "hide"
#: The profession code that sets no profession default (activities rarely name it).
OTHER_PROFESSION = "other"
#: The "did you mean" link is offered when a text search finds fewer results than this.
SUGGEST_BELOW = 3


@dataclass(frozen=True, slots=True)
class CareerGoal:
    """A career goal the value score can weigh: its label and the competencies (shared
    vocabulary codes) it needs. ``aliases`` are words a profile's free-text goal may use."""

    key: str
    label: str
    competencies: tuple[str, ...]
    aliases: tuple[str, ...] = ()


#: The career-goal templates of ``core/data/career_goals.yaml`` (the one definition, with
#: sources; the planner reads the same file for its targets), reduced to what the catalog's
#: value score needs: label, core competencies (shared vocabulary codes) and aliases. Order
#: matters: the first template whose alias appears in the text wins, so specific titles
#: ("chief nursing officer") come before general ones ("chief"); the file keeps that order.
CAREER_GOALS: dict[str, CareerGoal] = {
    key: CareerGoal(key, t.label, t.competencies, t.aliases)
    for key, t in load_career_goals().items()
}


def _words(text: str) -> str:
    """Lower-case words separated by single spaces ("Quality-improvement  Lead" -> "quality
    improvement lead"), for whole-word matching."""
    return " ".join(re.findall(r"[a-z0-9]+", text.casefold()))


def career_goal(text: str | None) -> CareerGoal | None:
    """The goal a free-text career goal names: a key or label of :data:`CAREER_GOALS`, else
    the first template one of whose aliases it contains (whole words, any case), else the
    shared competencies it names (``"leadership and finance"``), else None."""
    words = _words(text or "")
    if not words:
        return None
    for goal in CAREER_GOALS.values():
        if words in (_words(goal.key.replace("_", " ")), _words(goal.label)):
            return goal
    padded = f" {words} "
    for goal in CAREER_GOALS.values():
        if any(f" {alias} " in padded for alias in goal.aliases):
            return goal
    named = tuple(
        code
        for code, term in COMPETENCIES.items()
        if f" {_words(code.replace('_', ' '))} " in padded or f" {_words(term.label)} " in padded
    )
    if not named:
        return None
    return CareerGoal(key="", label=" ".join((text or "").split())[:200], competencies=named)
