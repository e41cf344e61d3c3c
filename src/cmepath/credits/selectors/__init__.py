"""Reads on the CME record, always through the policies; no writes, no services.

``dashboard`` evaluates the clinician live (the engine is fast: about 1 ms for 200
completions) so the page never shows stale numbers; it costs four queries (profile,
licences, certifications, completions with their derived credit summary), pinned by
``tests/credits/test_dashboard.py`` together with the page's own. It reads the engine's
dataclasses directly; transcripts carry the engine's JSON of the regimes (the
``TranscriptData`` contract of ``transcripts``, printed as it stands on the shared page).

Modules, by concern: ``records`` (the querysets, the day the record is judged on, status
words and colours), ``prefill`` (the completion form from a certificate or an activity),
``evaluation`` (the live evaluation, the dashboard, rule coverage), ``findcme`` (the
catalog search that closes a requirement), ``gaps`` (what the requirements accept, for the
catalog) and ``transcript`` (transcript data and what a share link shows). Every public
name is re-exported here: callers import from ``cmepath.credits.selectors``.
"""

from __future__ import annotations

from cmepath.credits.selectors.evaluation import (
    CountedItem,
    CredentialView,
    RegimeView,
    RequirementView,
    coverage,
    dashboard,
    evaluation_and_topics,
    evaluation_compute,
    evaluation_compute_brief,
    page_dates,
)
from cmepath.credits.selectors.findcme import (
    OPEN_STATUSES,
    find_cme_url,
    gap_ends_by,
    gap_find_url,
    gap_key,
    requirement_spec,
)
from cmepath.credits.selectors.gaps import (
    ActivityCredits,
    CountingRegime,
    CountNote,
    GapFocus,
    GapTarget,
    RequirementsAccept,
    count_notes,
    gap_focus,
    requirements_accept,
    why_not_counted,
)
from cmepath.credits.selectors.prefill import (
    LIVE_DELIVERIES,
    activity_prefill,
    certificate_prefill,
)
from cmepath.credits.selectors.records import (
    DUE_SOON_DAYS,
    STATUS_CLASSES,
    STATUS_LABELS,
    TIMED_STATUS,
    certificates_for,
    completions_for,
    most_pressing,
    provider_reported,
    share_links_for,
    snapshot_for,
    timed_status,
    today,
)
from cmepath.credits.selectors.transcript import (
    shared_certificate,
    shared_transcript,
    transcript_csv,
    transcript_data,
    transcript_pdf,
)

__all__ = [
    "most_pressing",
    "page_dates",
    "activity_prefill",
    "ActivityCredits",
    "certificate_prefill",
    "certificates_for",
    "completions_for",
    "count_notes",
    "CountedItem",
    "CountingRegime",
    "CountNote",
    "coverage",
    "CredentialView",
    "dashboard",
    "DUE_SOON_DAYS",
    "evaluation_and_topics",
    "evaluation_compute",
    "evaluation_compute_brief",
    "find_cme_url",
    "gap_ends_by",
    "gap_find_url",
    "gap_focus",
    "gap_key",
    "GapFocus",
    "GapTarget",
    "LIVE_DELIVERIES",
    "OPEN_STATUSES",
    "provider_reported",
    "RegimeView",
    "requirement_spec",
    "requirements_accept",
    "RequirementsAccept",
    "RequirementView",
    "share_links_for",
    "shared_certificate",
    "shared_transcript",
    "snapshot_for",
    "STATUS_CLASSES",
    "STATUS_LABELS",
    "TIMED_STATUS",
    "timed_status",
    "today",
    "transcript_csv",
    "transcript_data",
    "transcript_pdf",
    "why_not_counted",
]
