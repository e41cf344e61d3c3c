"""Writes of the jobs app, by concern (callers check ``policies.py`` first)."""

from .alerts import (
    AlertReport,
    alert_send_due,
    clean_query,
    saved_search_create,
    saved_search_delete,
    saved_search_unsubscribe,
)
from .applications import application_create, application_move, application_withdraw
from .importing import ImportReport, demo_load, vacancy_import
from .indexing import index_on_commit, vacancy_index_rebuild, vacancy_index_update
from .vacancies import (
    dedupe_key,
    employer_create,
    employer_member_add,
    employer_member_add_by_email,
    employer_verify,
    report_decide,
    vacancy_close,
    vacancy_create,
    vacancy_expire_due,
    vacancy_publish,
    vacancy_report,
    vacancy_return,
    vacancy_submit,
    vacancy_update,
)

__all__ = [
    "AlertReport",
    "ImportReport",
    "alert_send_due",
    "application_create",
    "application_move",
    "application_withdraw",
    "clean_query",
    "dedupe_key",
    "demo_load",
    "employer_create",
    "employer_member_add",
    "employer_member_add_by_email",
    "employer_verify",
    "index_on_commit",
    "report_decide",
    "saved_search_create",
    "saved_search_delete",
    "saved_search_unsubscribe",
    "vacancy_close",
    "vacancy_create",
    "vacancy_expire_due",
    "vacancy_import",
    "vacancy_index_rebuild",
    "vacancy_index_update",
    "vacancy_publish",
    "vacancy_report",
    "vacancy_return",
    "vacancy_submit",
    "vacancy_update",
]
