"""API operations of the knowledge hub: published articles (public search and detail),
authoring for approved experts, the editorial workflow for editors, reading lists,
disclosures and expert approval.

Reading published and retracted articles is public (``auth=None``). Writes need a session
or a token and go through the policies: an article the caller may not see answers 404, one
they see but may not act on 403 (an editor on their own article, an author approving).
Refusals carry their reason (``no_disclosure``, ``no_references``, ``bad_reference``...).

Modules, by concern: ``articles`` (public search and detail, and the article schemas the
other modules answer with), ``authoring``, ``editorial``, ``reading`` (the reading list),
``disclosures`` and ``experts``; all register on the one ``router`` in ``_common``,
imported here in the order the operations were always registered (the OpenAPI document
lists them in that order). Operation ids stay ``cmepath_hub_api_<function>``, the name they
had when this package was one module, since clients generated from the schema use them.
"""

from cmepath.core.api import keep_operation_ids
from cmepath.hub.api._common import router

# isort: off
from cmepath.hub.api import (  # noqa: F401  (importing registers the operations, in this order)
    articles,
    authoring,
    editorial,
    reading,
    disclosures,
    experts,
)

# isort: on

keep_operation_ids(router, __name__)

__all__ = ["router"]
