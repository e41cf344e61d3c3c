"""Writes of the knowledge hub, by concern (callers check ``policies.py`` first)."""

from .articles import (
    article_approve,
    article_correct,
    article_create,
    article_link_activities,
    article_publish,
    article_request_changes,
    article_retract,
    article_submit,
    article_update,
    coauthor_add,
    coauthor_add_by_email,
    comment_add,
    reading_list_add,
    reading_list_remove,
    references_set,
)
from .experts import (
    disclosure_add,
    disclosure_end,
    expert_approve,
    expert_revoke,
    statement_declare,
)
from .indexing import article_index_rebuild, article_index_update, index_on_commit

__all__ = [
    "article_approve",
    "article_correct",
    "article_create",
    "article_index_rebuild",
    "article_index_update",
    "article_link_activities",
    "article_publish",
    "article_request_changes",
    "article_retract",
    "article_submit",
    "article_update",
    "coauthor_add",
    "coauthor_add_by_email",
    "comment_add",
    "disclosure_add",
    "disclosure_end",
    "expert_approve",
    "expert_revoke",
    "index_on_commit",
    "reading_list_add",
    "reading_list_remove",
    "references_set",
    "statement_declare",
]
