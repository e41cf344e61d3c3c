"""API operations on the signed-in clinician's CME record (``/api/v1/me/completions...``,
``/me/certificates``, ``/me/evaluation``, ``/me/share-links``, ``/me/notifications``) and
badge verification.

Each operation has its own input and output schema; input schemas forbid unknown fields
(``extra="forbid"``), so provenance, owner and timestamps cannot be written. Another
user's completion, certificate or share link answers 404.

Modules, by concern: ``completions`` (with badges), ``certificates``, ``evaluation``,
``sharing`` and ``notifications``; all register on the one ``router`` in ``_common``,
imported here in the order the operations were always registered (the OpenAPI document
lists them in that order). Operation ids stay ``cmepath_credits_api_<function>``, the name
they had when this package was one module, since clients generated from the schema use them.
"""

from cmepath.core.api import keep_operation_ids
from cmepath.credits.api._common import router

# isort: off
from cmepath.credits.api import (  # noqa: F401  (importing registers the operations, in this order)
    completions,
    certificates,
    evaluation,
    sharing,
    notifications,
)

# isort: on

keep_operation_ids(router, __name__)

__all__ = ["router"]
