"""Permission policies of the knowledge hub (core.policy): one per model.

- Published and retracted articles are public (a retracted one keeps its page, with a
  banner). Drafts and articles in the editorial workflow are seen by their authors, the
  editors and the admins.
- Authors change the text while it is a draft or has changes requested, and correct it
  after publication (a listed, versioned correction).
- Editors review, request changes, approve, publish and retract, but never an article they
  wrote or co-wrote. Only editors (and admins) approve experts.
- Disclosures and reading lists are personal.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q

from cmepath.core.policy import OwnerPolicy, Policy, is_admin, role_of
from cmepath.core.roles import Role

from .choices import ArticleStatus
from .models import Article, Disclosure, DisclosureStatement, ReadingListItem

PUBLIC = (ArticleStatus.PUBLISHED, ArticleStatus.RETRACTED)
#: Statuses in which the authors may change the text.
EDITABLE = (ArticleStatus.DRAFT, ArticleStatus.CHANGES)
#: Statuses an editor works on.
EDITORIAL = (ArticleStatus.REVIEW, ArticleStatus.APPROVED, ArticleStatus.PUBLISHED)


def is_editor(user: Any) -> bool:
    return role_of(user) in (Role.EDITOR, Role.ADMIN)


class ArticlePolicy(Policy[Article]):
    model = Article
    actions = frozenset({"view", "change", "submit", "correct", "review", "publish", "retract"})

    def _authored(self, user: Any) -> Q:
        return Q(bylines__user_id=user.pk)

    def visible(self, user: Any, action: str = "view") -> models.QuerySet[Article]:
        qs = Article.objects.all()
        public = Q(status__in=PUBLIC)
        if role_of(user) is None:
            return qs.filter(public) if action == "view" else qs.none()
        mine = Article.objects.filter(bylines__user_id=user.pk).values("pk")
        if action == "view":
            if is_editor(user):
                return qs.filter(public | ~Q(status=ArticleStatus.DRAFT) | Q(pk__in=mine))
            return qs.filter(public | Q(pk__in=mine))
        if action in ("change", "submit"):
            return qs.filter(pk__in=mine, status__in=EDITABLE)
        if action == "correct":
            return qs.filter(pk__in=mine, status=ArticleStatus.PUBLISHED)
        if action in ("review", "publish", "retract"):
            return qs.exclude(pk__in=mine) if is_editor(user) else qs.none()
        raise ValueError(f"unknown action {action!r} for {type(self).__name__}")

    def allows(self, user: Any, action: str, obj: Article) -> bool:
        if action not in self.actions:
            raise ValueError(f"unknown action {action!r} for {type(self).__name__}")
        if action == "view" and obj.status in PUBLIC:
            return True
        return self.visible(user, action).filter(pk=obj.pk).exists()


class DisclosurePolicy(OwnerPolicy[Disclosure]):
    model = Disclosure


class StatementPolicy(OwnerPolicy[DisclosureStatement]):
    model = DisclosureStatement


class ReadingListPolicy(OwnerPolicy[ReadingListItem]):
    model = ReadingListItem


def can_approve_experts(user: Any) -> bool:
    return is_editor(user) or is_admin(user)
