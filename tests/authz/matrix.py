"""The authorization matrix: every page route and API operation, who may use it.

Each URL name in the project must appear here (``test_matrix_covers_every_route`` fails
otherwise), so a new route is born inside the matrix. ``scope`` says how to test it:

- ``public``: anyone, including anonymous visitors, may GET it.
- ``self``: it acts only on the signed-in user's own record; anonymous is refused.
- ``object``: it takes the id of an object; ``builder`` makes one owned by ``owner``
  and every other role except ``allowed`` must be refused (302 to login, 401, 403, 404
  or 405) and must not change it.
- ``role``: only the roles in ``allowed`` may use it (no object of someone else's).
- ``token``: a capability URL (a share link): anyone holding a valid token may read,
  a wrong token gets 404 for everyone.
- ``unused``: a name a library registers that serves nothing (documented per entry).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = (
    "anonymous",
    "clinician_a",
    "clinician_b",
    "employer",
    "provider",
    "provider_b",
    "editor",
    "admin",
)


@dataclass(frozen=True)
class Entry:
    name: str
    scope: str
    methods: tuple[str, ...] = ("GET",)
    builder: str | None = None
    owner: str = "clinician_a"
    allowed: frozenset[str] = field(default_factory=frozenset)
    body: dict[str, Any] | None = None


def E(
    name: str,
    scope: str,
    *methods: str,
    builder: str | None = None,
    owner: str = "clinician_a",  # noqa: N802
    allowed: tuple[str, ...] = (),
    body: dict[str, Any] | None = None,
) -> Entry:
    return Entry(name, scope, methods or ("GET",), builder, owner, frozenset(allowed), body)


#: Public pages that take an object's id: every role may read them.
EVERYONE_BUT_EMPLOYER = tuple(r for r in ROLES if r != "employer")

ENTRIES: list[Entry] = [
    # core
    E("core:home", "public"),
    E("healthz", "public"),
    E("readyz", "public"),
    E("security_txt", "public"),
    # accounts pages
    E("accounts:profile", "self", "GET", "POST"),
    E("accounts:npi_submit", "self", "POST"),
    E("accounts:licences", "self", "GET", "POST"),
    E("accounts:board_cert_create", "self", "POST"),
    E("accounts:tokens", "self", "GET", "POST"),
    E("accounts:licence_delete", "object", "POST", builder="licence"),
    E("accounts:proof_upload", "object", "POST", builder="licence"),
    E("accounts:board_cert_delete", "object", "POST", builder="board_cert"),
    E("accounts:proof_download", "object", "GET", builder="proof", allowed=("admin",)),
    E(
        "accounts:proof_decide",
        "object",
        "POST",
        builder="proof",
        allowed=("admin",),
        body={"decision": "approve", "reason": "matrix"},
    ),
    E("accounts:token_revoke", "object", "POST", builder="token"),
    E("accounts:verification_queue", "role", "GET", allowed=("admin",)),
    E("accounts:npi_dispute", "self", "POST"),
    # only admins decide a dispute: the claimant ("owner" here is the deciding admin) does not
    E(
        "accounts:npi_dispute_decide",
        "object",
        "POST",
        builder="npi_dispute",
        owner="admin",
        body={"decision": "dismiss", "reason": "matrix"},
    ),
    # identity API
    E("api:me", "self"),
    E("api:profile_get", "self"),
    E("api:profile_patch", "self", "PATCH"),
    E("api:npi_submit", "self", "POST"),
    E("api:npi_dispute_open", "self", "POST"),
    E("api:licence_list", "self"),
    E("api:licence_create", "self", "POST"),
    E("api:licence_get", "object", "GET", builder="licence_api"),
    E("api:licence_patch", "object", "PATCH", builder="licence_api", body={"number": "changed"}),
    E("api:licence_delete", "object", "DELETE", builder="licence_api"),
    E("api:cert_list", "self"),
    E("api:cert_create", "self", "POST"),
    E("api:cert_get", "object", "GET", builder="board_cert_api"),
    E("api:cert_patch", "object", "PATCH", builder="board_cert_api", body={"specialty": "changed"}),
    E("api:cert_delete", "object", "DELETE", builder="board_cert_api"),
    E("api:token_list", "self"),
    # catalog pages (drafts are visible only to the provider's members and admins)
    E("catalog:search", "public"),
    E(
        "catalog:activity",
        "object",
        "GET",
        builder="activity",
        owner="provider",
        allowed=("admin",),
    ),
    E(
        "catalog:activity_edit",
        "object",
        "GET",
        "POST",
        builder="activity",
        owner="provider",
        allowed=("admin",),
        body={"title": "changed"},
    ),
    E(
        "catalog:outcome_create",
        "object",
        "POST",
        builder="activity",
        owner="provider",
        allowed=("admin",),
    ),
    E(
        "catalog:wishlist_toggle",
        "object",
        "POST",
        builder="activity",
        owner="provider",
        allowed=("admin",),
    ),
    E("catalog:wishlist", "self"),
    E("catalog:provider_home", "self"),
    E(
        "catalog:activity_create",
        "object",
        "GET",
        "POST",
        builder="provider_org",
        owner="provider",
        allowed=("admin",),
    ),
    E(
        "catalog:import",
        "object",
        "GET",
        "POST",
        builder="provider_org",
        owner="provider",
        allowed=("admin",),
    ),
    # catalog API
    E("api:activity_list", "public"),
    E(
        "api:activity_get",
        "object",
        "GET",
        builder="activity_api",
        owner="provider",
        allowed=("admin",),
    ),
    E("api:activity_create", "self", "POST"),
    E(
        "api:activity_patch",
        "object",
        "PATCH",
        builder="activity_api",
        owner="provider",
        allowed=("admin",),
        body={"title": "changed"},
    ),
    E("api:wishlist_list", "self"),
    E(
        "api:wishlist_put",
        "object",
        "PUT",
        builder="activity_api",
        owner="provider",
        allowed=("admin",),
    ),
    # Removing from one's own wishlist is idempotent (204 whether or not it was there): no leak.
    E("api:wishlist_delete", "self", "DELETE", builder="activity_api"),
    # outcomes (QI projects): members only; non-members, employers and others get 404
    E("outcomes:project_list", "self", "GET", "POST"),
    E("outcomes:project_detail", "object", "GET", builder="qi_project"),
    E(
        "outcomes:member_add",
        "object",
        "POST",
        builder="qi_project",
        body={"email": "x@example.test"},
    ),
    E("outcomes:stage_complete", "object", "POST", builder="qi_project", body={"stage": "A"}),
    E("outcomes:project_finish", "object", "POST", builder="qi_project", body={"moore_level": "5"}),
    E("outcomes:dua_record", "object", "POST", builder="qi_project", body={"reference": "DUA-1"}),
    E(
        "outcomes:intervention_set",
        "object",
        "POST",
        builder="qi_project",
        body={"intervention_date": "2024-01-01"},
    ),
    E("outcomes:dataset_upload", "object", "GET", "POST", builder="qi_project"),
    E("outcomes:dataset_upload_status", "object", "GET", builder="qi_dataset"),
    E("outcomes:report_pdf", "object", "GET", builder="qi_project"),
    # an invitation's page: only the clinician signed in with the invited email (404 for the
    # lead who sent it and everyone else)
    E(
        "outcomes:invitation",
        "object",
        "GET",
        "POST",
        builder="qi_invitation",
        owner="clinician_b",
    ),
    E("outcomes:plotly_js", "public"),
    E("api:outcomes_project_list", "self"),
    E("api:outcomes_project_create", "self", "POST"),
    E("api:outcomes_project_get", "object", "GET", builder="qi_project"),
    E(
        "api:outcomes_project_patch",
        "object",
        "PATCH",
        builder="qi_project",
        body={"title": "changed"},
    ),
    E("api:outcomes_dataset_upload", "object", "POST", builder="qi_project"),
    E("api:outcomes_dataset_status", "object", "GET", builder="qi_dataset"),
    E("api:outcomes_series", "object", "GET", builder="qi_project"),
    E("api:outcomes_analysis", "object", "GET", builder="qi_project"),
    E("api:outcomes_stage_complete", "object", "POST", builder="qi_stage"),
    # credits pages
    E("credits:dashboard", "self"),
    E("credits:coverage", "public"),
    E("credits:history", "self"),
    E("credits:completion_new", "self", "GET", "POST"),
    E("credits:completion_import", "self", "POST"),
    E("credits:certificate_upload", "self", "POST"),
    E("credits:transcript_csv", "self"),
    E("credits:transcript_pdf", "self"),
    E("credits:share_links", "self", "GET", "POST"),
    E("credits:completion_delete", "object", "POST", builder="completion"),
    E("credits:completion_badge", "object", "GET", builder="completion"),
    E("credits:certificate_download", "object", "GET", builder="certificate"),
    E("credits:share_link_revoke", "object", "POST", builder="share_link"),
    # reporting a learner's completion is the provider members' alone (admins too are refused)
    E(
        "credits:provider_completions",
        "object",
        "GET",
        "POST",
        builder="activity",
        owner="provider",
        body={
            "learner_email": "a@example.test",
            "completed_on": "2026-01-05",
            "credit_type": "ama_pra_1",
            "amount": "1",
        },
    ),
    E("credits:shared", "token", builder="shared_token"),
    E("credits:shared_pdf", "token", builder="shared_token"),
    E("credits:shared_certificate", "token", builder="shared_certificate"),
    # credits API
    E("api:completion_list", "self"),
    E("api:completion_create", "self", "POST"),
    E("api:completion_import", "self", "POST"),
    E("api:completion_get", "object", "GET", builder="completion_api"),
    E(
        "api:completion_patch",
        "object",
        "PATCH",
        builder="completion_api",
        body={"title": "changed"},
    ),
    E("api:completion_delete", "object", "DELETE", builder="completion_api"),
    E("api:completion_badge", "object", "GET", builder="completion_api"),
    E(
        "api:provider_completion_create",
        "object",
        "POST",
        builder="provider_activity_for_completion",
        owner="provider",
        allowed=("admin",),
        body={
            "learner_email": "<clinician_a>",
            "completed_on": "2026-01-01",
            "credits": {"ama_pra_1": 1},
        },
    ),
    E("api:badge_verify", "public", "POST"),
    E("api:badge_status_list", "public"),
    E("api:certificate_list", "self"),
    E("api:certificate_upload", "self", "POST"),
    E("api:certificate_get", "object", "GET", builder="certificate_api"),
    E("api:certificate_file", "object", "GET", builder="certificate_api"),
    E("api:certificate_delete", "object", "DELETE", builder="certificate_api"),
    E("api:evaluation_get", "self"),
    E("api:evaluation_run", "self", "POST"),
    E("api:evaluation_snapshot", "self"),
    E("api:share_link_list", "self"),
    E("api:share_link_create", "self", "POST"),
    E("api:share_link_revoke", "object", "DELETE", builder="share_link_api"),
    E("api:openapi-json", "public"),
    E("api:openapi-view", "public"),
    # ninja's own root name; GET answers 404 by design (nothing lives at /api/v1/ itself).
    E("api:api-root", "unused"),
    # careers (jobs) pages: public search and vacancies; drafts to the employer's members
    # and admins; applications to the applicant and the employer; moderation to admins
    E("jobs:search", "public"),
    E("jobs:for_you", "role", allowed=("clinician_a", "clinician_b")),
    E(
        "jobs:vacancy",
        "object",
        "GET",
        builder="draft_vacancy",
        owner="employer",
        allowed=("admin",),
    ),
    E("jobs:apply", "object", "POST", builder="open_vacancy", allowed=("clinician_b",)),
    E(
        "jobs:report",
        "object",
        "POST",
        builder="open_vacancy",
        allowed=("clinician_b",),
        body={"reason": "filled"},
    ),
    E("jobs:applications", "self"),
    E("jobs:application", "object", "GET", builder="job_application", allowed=("employer",)),
    E("jobs:application_withdraw", "object", "POST", builder="job_application"),
    # the attached transcript: the employer's members only (the applicant has the link)
    E(
        "jobs:application_transcript",
        "object",
        "GET",
        builder="job_application_with_transcript",
        owner="employer",
    ),
    E(
        "jobs:application_move",
        "object",
        "POST",
        builder="job_application",
        owner="employer",
        body={"status": "reviewed"},
    ),
    E("jobs:saved", "self"),
    E("jobs:saved_create", "self", "POST"),
    E("jobs:saved_delete", "object", "POST", builder="saved_search"),
    E("jobs:unsubscribe", "token", builder="unsubscribe_token"),
    E(
        "jobs:employer",
        "object",
        "GET",
        builder="employer_org",
        owner="employer",
        allowed=EVERYONE_BUT_EMPLOYER,
    ),
    E("jobs:employer_home", "role", allowed=("employer",)),
    E(
        "jobs:employer_member_add",
        "object",
        "POST",
        builder="employer_org",
        owner="employer",
        body={"email": "<provider>", "role": "recruiter"},
    ),
    E("jobs:employer_create", "role", allowed=("employer",)),
    E(
        "jobs:vacancy_create",
        "object",
        "GET",
        "POST",
        builder="employer_posting",
        owner="employer",
    ),
    E(
        "jobs:vacancy_edit",
        "object",
        "GET",
        "POST",
        builder="draft_vacancy",
        owner="employer",
        body={"title": "changed"},
    ),
    E("jobs:vacancy_submit", "object", "POST", builder="draft_vacancy", owner="employer"),
    E(
        "jobs:vacancy_close",
        "object",
        "POST",
        builder="draft_vacancy",
        owner="employer",
        allowed=("admin",),
    ),
    E("jobs:vacancy_applicants", "object", "GET", builder="draft_vacancy", owner="employer"),
    E("jobs:moderation", "role", allowed=("admin",)),
    E("jobs:vacancy_publish", "object", "POST", builder="review_vacancy", owner="admin"),
    E(
        "jobs:vacancy_return",
        "object",
        "POST",
        builder="review_vacancy",
        owner="admin",
        body={"reason": "Add the call schedule."},
    ),
    E(
        "jobs:report_decide",
        "object",
        "POST",
        builder="vacancy_report",
        owner="admin",
        body={"decision": "dismiss"},
    ),
    E("jobs:employer_verify", "object", "POST", builder="unverified_employer", owner="admin"),
    # careers API
    E("api:vacancy_list", "public"),
    E(
        "api:vacancy_get",
        "object",
        "GET",
        builder="draft_vacancy_api",
        owner="employer",
        allowed=("admin",),
    ),
    E("api:vacancy_create", "self", "POST"),
    E(
        "api:vacancy_patch",
        "object",
        "PATCH",
        builder="draft_vacancy_api",
        owner="employer",
        body={"title": "changed"},
    ),
    E("api:vacancy_submit", "object", "POST", builder="draft_vacancy_api", owner="employer"),
    E(
        "api:vacancy_close",
        "object",
        "POST",
        builder="draft_vacancy_api",
        owner="employer",
        allowed=("admin",),
    ),
    E("api:vacancy_publish", "object", "POST", builder="review_vacancy_api", owner="admin"),
    E(
        "api:vacancy_return",
        "object",
        "POST",
        builder="review_vacancy_api",
        owner="admin",
        body={"reason": "Add the call schedule."},
    ),
    E(
        "api:vacancy_report",
        "object",
        "POST",
        builder="open_vacancy_api",
        allowed=("clinician_b",),
        body={"reason": "filled"},
    ),
    E("api:vacancy_match", "object", "GET", builder="open_vacancy_api", allowed=("clinician_b",)),
    E("api:jobs_for_me", "self"),
    E(
        "api:application_create",
        "object",
        "POST",
        builder="open_vacancy_api",
        allowed=("clinician_b",),
    ),
    E("api:application_list", "self"),
    E(
        "api:application_get",
        "object",
        "GET",
        builder="job_application_api",
        allowed=("employer",),
    ),
    E("api:application_withdraw", "object", "POST", builder="job_application_api"),
    E(
        "api:application_move",
        "object",
        "POST",
        builder="job_application_api",
        owner="employer",
        body={"status": "reviewed"},
    ),
    E("api:applicant_list", "object", "GET", builder="draft_vacancy_api", owner="employer"),
    E("api:saved_list", "self"),
    E("api:saved_create", "self", "POST"),
    E("api:saved_delete", "object", "DELETE", builder="saved_search_api"),
    E(
        "api:employer_get",
        "object",
        "GET",
        builder="employer_org_api",
        owner="employer",
        allowed=EVERYONE_BUT_EMPLOYER,
    ),
    E("api:employer_create", "self", "POST"),
    E(
        "api:employer_member_add",
        "object",
        "POST",
        builder="employer_org_api",
        owner="employer",
        body={"email": "<provider>", "role": "recruiter"},
    ),
    E("api:employer_verify", "object", "POST", builder="unverified_employer_api", owner="admin"),
]

# Third-party route families, tested as groups (see test_matrix.py).
ALLAUTH_PREFIXES = ("account_", "mfa_")
ADMIN_NAMESPACE = "admin"

BuilderFn = Callable[[dict[str, Any]], tuple[Any, dict[str, Any]]]
