"""Pages for the CME record: compliance dashboard, completion form with certificate pre-fill,
history, CSV import, transcripts, share links, the public read-only transcript, badges (the
page and the .json), notification preferences, and the public coverage table of the
requirement rules.

Modules, by concern: ``compliance`` (dashboard, coverage), ``completions`` (form, history,
delete, import, provider reporting), ``certificates``, ``badges``, ``transcript`` (the
clinician's own CSV and PDF), ``sharing`` (share links and the public shared pages) and
``preferences`` (notifications). Every view is re-exported here, so ``urls.py`` keeps
naming them ``views.<name>``.
"""

from __future__ import annotations

from cmepath.credits.views.badges import (
    badge_page,
    completion_badge,
)
from cmepath.credits.views.certificates import (
    certificate_download,
    certificate_response,
    certificate_upload,
)
from cmepath.credits.views.completions import (
    completion_delete,
    completion_import,
    completion_new,
    completion_undo,
    history,
    provider_completions,
)
from cmepath.credits.views.compliance import (
    coverage,
    dashboard,
)
from cmepath.credits.views.preferences import notifications
from cmepath.credits.views.sharing import (
    share_link_revoke,
    share_link_undo,
    share_links,
    shared,
    shared_certificate,
    shared_pdf,
)
from cmepath.credits.views.transcript import (
    transcript_csv,
    transcript_pdf,
)

__all__ = [
    "badge_page",
    "certificate_download",
    "certificate_response",
    "certificate_upload",
    "completion_badge",
    "completion_delete",
    "completion_import",
    "completion_new",
    "completion_undo",
    "coverage",
    "dashboard",
    "history",
    "notifications",
    "provider_completions",
    "share_link_revoke",
    "share_link_undo",
    "share_links",
    "shared",
    "shared_certificate",
    "shared_pdf",
    "transcript_csv",
    "transcript_pdf",
]
