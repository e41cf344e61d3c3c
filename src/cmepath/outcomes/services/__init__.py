"""Writes on QI projects: create, team, uploads, stages, finish.

Pages, the API, the CLI and tasks call these functions. Each decision that matters lands
in the audit log (security-checks row 22). Privacy rules (security-checks rows 19-21):

- an upload passes the privacy guard before anything else, or is refused whole with
  the list of offending columns;
- the raw upload is deleted after normalization, whatever happens;
- row-level data (the normalized Parquet) is kept only when the project records a data
  use agreement (a HIPAA limited data set); otherwise only the measures' unit x period
  series are kept.
"""

from __future__ import annotations

from .datasets import (
    UPLOADED_SERIES,
    UploadTooLargeError,
    dataset_process,
    dataset_upload,
    dataset_upload_precheck,
    max_extract_bytes,
    outcomes_dir,
    upload_quota_bytes,
)
from .projects import (
    PROJECT_FIELDS,
    invitation_get,
    invitations_open_for,
    project_activity_link,
    project_create,
    project_dua_record,
    project_finish,
    project_invitation_accept,
    project_invite,
    project_measures_set,
    project_update,
)
from .stages import measured_periods, period_span, project_stage_complete

__all__ = [
    "PROJECT_FIELDS",
    "UPLOADED_SERIES",
    "UploadTooLargeError",
    "dataset_process",
    "dataset_upload",
    "dataset_upload_precheck",
    "invitation_get",
    "invitations_open_for",
    "max_extract_bytes",
    "measured_periods",
    "outcomes_dir",
    "period_span",
    "project_activity_link",
    "project_create",
    "project_dua_record",
    "project_finish",
    "project_invitation_accept",
    "project_invite",
    "project_measures_set",
    "project_stage_complete",
    "project_update",
    "upload_quota_bytes",
]
