"""API operations of the jobs app: vacancies (public read, employer write), search,
matches, applications, saved searches, employers and moderation.

Reading published vacancies and employers is public (``auth=None``). Writes need a session
or a token and go through the policies: another employer's vacancy answers 404, a row the
caller may see but not change 403. Every field is checked by ``validation.clean_vacancy``,
which names each wrong field and the accepted values.

Modules, by concern: ``vacancies`` (search, read, write, lifecycle, reports), ``matches``,
``applications``, ``saved`` (saved searches) and ``employers``; all register on the one
``router`` in ``_common`` (with what they share), imported here in the order the operations
were always registered (the OpenAPI document lists them in that order). Operation ids stay
``cmepath_jobs_api_<function>``, the name they had when this package was one module, since
clients generated from the schema use them.
"""

from cmepath.core.api import keep_operation_ids
from cmepath.jobs.api._common import router

# isort: off
from cmepath.jobs.api import (  # noqa: F401  (importing registers the operations, in this order)
    vacancies,
    matches,
    applications,
    saved,
    employers,
)

# isort: on

keep_operation_ids(router, __name__)

__all__ = ["router"]
