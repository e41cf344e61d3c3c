"""Writes on the CME record, one module per concern:

- ``completions``: record (self- or provider-reported), update, delete, import a CSV;
- ``certificates``: upload a certificate PDF, delete it;
- ``evaluation``: store one clinician's snapshot, run ``check-all`` over everyone;
- ``sharing``: transcript share links (create, revoke, resolve a token);
- ``badging``: Open Badges 3.0 export and verification (the engine is ``credits.badges``);
- ``reminders``: deadline reminder emails and the weekly digest;
- ``notifications``: which reminders a clinician gets, and what was sent.

Pages, the API, the CLI and tasks call these functions, so they behave the same. Each is
keyword-only; writes are atomic and land in the audit log. Bad input raises a
``core.errors.ValidationError`` with a message that says how to fix it, and stores nothing.
Reads (live evaluation, transcripts, certificate pre-fill) are in ``credits.selectors``.

``from cmepath.credits import services; services.completion_record(...)`` keeps working:
the public names are re-exported here.
"""

from __future__ import annotations

# Reads that used to live here, still importable from here for older callers (the
# transcript tests, bench/bench_dashboard.py); new code imports them from credits.selectors.
from cmepath.credits.selectors import (
    today,
    transcript_csv,
    transcript_data,
    transcript_pdf,
)
from cmepath.credits.services.badging import BadgePage, badge_issue, badge_page, badge_verify
from cmepath.credits.services.certificates import certificate_delete, certificate_upload
from cmepath.credits.services.completions import (
    ImportReport,
    completion_delete,
    completion_import_csv,
    completion_record,
    completion_restored,
    completion_update,
    credit_summary,
)
from cmepath.credits.services.evaluation import evaluation_run, evaluation_run_all
from cmepath.credits.services.notifications import (
    notification_preferences_for,
    notification_preferences_update,
    notifications_sent,
)
from cmepath.credits.services.reminders import digest_send_weekly, reminder_send_due
from cmepath.credits.services.sharing import (
    share_link_create,
    share_link_for_transcript,
    share_link_resolve,
    share_link_revoke,
    share_token_hash,
)

__all__ = [
    "BadgePage",
    "ImportReport",
    "badge_issue",
    "badge_page",
    "badge_verify",
    "certificate_delete",
    "certificate_upload",
    "completion_delete",
    "completion_restored",
    "completion_import_csv",
    "completion_record",
    "completion_update",
    "credit_summary",
    "digest_send_weekly",
    "evaluation_run",
    "evaluation_run_all",
    "notification_preferences_for",
    "notification_preferences_update",
    "notifications_sent",
    "reminder_send_due",
    "share_link_create",
    "share_link_for_transcript",
    "share_link_resolve",
    "share_link_revoke",
    "share_token_hash",
    "today",
    "transcript_csv",
    "transcript_data",
    "transcript_pdf",
]
