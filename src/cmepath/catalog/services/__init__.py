"""Writes on the catalog, by concern; pages, the API, the CLI and tasks call these, so they
behave the same.

- ``activities.py``: providers, activities, cohort outcomes, wishlists;
- ``importing.py``: activity files (CSV, JSON, PARS) and their batched upsert;
- ``indexing.py``: keeping the search index in step after commit;
- ``scoring.py``: the value rubric's adapter (record -> facts -> score columns).

Reads are in ``selectors.py``; the search documents in ``search_docs.py``.
"""

from cmepath.catalog.choices import accreditor_name
from cmepath.catalog.importers import ImportFileError

from .activities import (
    activity_create,
    activity_update,
    cohort_outcome_record,
    provider_create,
    provider_member_add,
    wishlist_add,
    wishlist_remove,
)
from .importing import IMPORT_BATCH, MAX_REPORTED_ERRORS, ImportReport, RowError, activity_import
from .indexing import INDEX_CHUNK, activity_index_rebuild, activity_index_update
from .scoring import activity_facts, activity_field_values, record_of, score_record

__all__ = [
    "IMPORT_BATCH",
    "INDEX_CHUNK",
    "MAX_REPORTED_ERRORS",
    "ImportFileError",
    "ImportReport",
    "RowError",
    "accreditor_name",
    "activity_create",
    "activity_facts",
    "activity_field_values",
    "activity_import",
    "activity_index_rebuild",
    "activity_index_update",
    "activity_update",
    "cohort_outcome_record",
    "provider_create",
    "provider_member_add",
    "record_of",
    "score_record",
    "wishlist_add",
    "wishlist_remove",
]
