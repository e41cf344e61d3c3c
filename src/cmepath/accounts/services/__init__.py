"""Writes on identity: profiles, NPI, licences, certifications, proofs, the badge, tokens.

Pages, the API, the CLI and tasks all call these functions, so they behave the same.
Each is keyword-only and atomic; each decision that matters lands in the audit log.
The package splits them by subject; import them from here.
"""

from .badge import badge_refresh, profile_ensure
from .licences import (
    BOARD_CERT_FIELDS,
    LICENCE_FIELDS,
    board_cert_create,
    board_cert_delete,
    board_cert_update,
    licence_create,
    licence_delete,
    licence_update,
    proof_decide,
    proof_upload,
)
from .profile import (
    PROFILE_FIELDS,
    npi_dispute_decide,
    npi_dispute_open,
    npi_submit,
    profile_update,
    user_set_role,
)
from .tokens import (
    token_authenticate,
    token_create,
    token_revoke,
    tokens_allowed,
    user_allow_api_tokens,
)

__all__ = [
    "BOARD_CERT_FIELDS",
    "LICENCE_FIELDS",
    "PROFILE_FIELDS",
    "badge_refresh",
    "board_cert_create",
    "board_cert_delete",
    "board_cert_update",
    "licence_create",
    "licence_delete",
    "licence_update",
    "npi_dispute_decide",
    "npi_dispute_open",
    "npi_submit",
    "profile_ensure",
    "profile_update",
    "proof_decide",
    "proof_upload",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "tokens_allowed",
    "user_allow_api_tokens",
    "user_set_role",
]
