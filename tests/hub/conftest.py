"""Hub fixtures: a fresh search index per test, verified expert authors, an editor with
TOTP (editors must enrol before any page), and helpers that take an article through the
services from draft to published (the index updated as a real commit would)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import count
from typing import Any

import pytest
from django.test import TestCase
from django.utils import timezone

from cmepath.accounts.choices import NpiStatus
from cmepath.accounts.models import Profile, User
from cmepath.hub import services
from cmepath.hub.models import Article
from tests.factories import UserFactory

#: Runs the after-commit work (the index task) at the end of the block, as a real commit
#: would: ``with committed(): services.article_publish(...)``.
committed = TestCase.captureOnCommitCallbacks
FAMILY_MEDICINE = "207Q00000X"
_npis = count(1_999_100_000)

BODY = """## Why it matters

First-line antibiotics for urinary tract infections rose after case-based CME [1].

## What to do

- Use short courses in older children [1].
"""
REFERENCE = {
    "kind": "doi",
    "identifier": "10.1542/peds.2019-2503",
    "title": "Improving Antibiotic Prescribing for Pediatric Urinary Tract Infections in Outpatient Settings",
    "journal": "Pediatrics",
    "year": 2020,
}


@pytest.fixture(autouse=True)
def search_dir(settings, tmp_path):
    """Each test gets its own index: database ids are reused between tests, index docs are not."""
    from cmepath.search.backends import forget_backends

    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    yield settings.CMEPATH_SEARCH_DIR
    forget_backends()


# ------------------------------------------------------------------ people


def make_clinician(first: str = "Ada", last: str = "Lovelace", *, verified: bool = True) -> User:
    user = UserFactory(role="clinician")
    Profile.objects.filter(user=user).update(
        first_name=first,
        last_name=last,
        profession="MD",
        npi=str(next(_npis)),
        npi_status=NpiStatus.MATCHED if verified else NpiStatus.NONE,
        verified_at=timezone.now() if verified else None,
    )
    return User.objects.select_related("profile").get(pk=user.pk)


def make_editor(first: str = "Grace", last: str = "Hopper") -> User:
    from allauth.mfa.totp.internal.auth import TOTP

    user = UserFactory(role="editor")
    Profile.objects.filter(user=user).update(first_name=first, last_name=last)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    return User.objects.select_related("profile").get(pk=user.pk)


def make_expert(editor: User, first: str = "Ada", last: str = "Lovelace", **kw: Any) -> User:
    """A verified clinician an editor approved as an expert in family medicine."""
    user = make_clinician(first, last)
    services.expert_approve(actor=editor, user=user, specialties=[FAMILY_MEDICINE], **kw)
    return user


def make_writing_admin(editor: User) -> User:
    """An administrator who is also an approved expert (an administrator is an editor too):
    the one account that both writes and reviews, so it must never review its own work."""
    from allauth.mfa.totp.internal.auth import TOTP

    user = make_expert(editor, "Writing", "Administrator")
    User.objects.filter(pk=user.pk).update(is_superuser=True, is_staff=True)
    TOTP.activate(user, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    services.statement_declare(actor=user, none_to_disclose=True)
    return User.objects.select_related("profile").get(pk=user.pk)


@pytest.fixture
def editor(db) -> User:
    return make_editor()


@pytest.fixture
def author(editor) -> User:
    """An approved expert with a current "none" disclosure statement."""
    user = make_expert(editor)
    services.statement_declare(actor=user, none_to_disclose=True)
    return user


# ------------------------------------------------------------------ articles


def draft(
    author: User,
    *,
    title: str = "Antibiotics for pediatric UTIs",
    body: str = BODY,
    references: Sequence[dict[str, Any]] = (REFERENCE,),
    **fields: Any,
) -> Article:
    data = {
        "article_type": "research_summary",
        "title": title,
        "summary": "Case-based CME across 27 clinics and an order set raised first-line prescribing.",
        "body": body,
        "topics": ["infection_control"],
        "specialties": [FAMILY_MEDICINE],
        "professions": ["MD"],
        **fields,
    }
    article = services.article_create(actor=author, data=data)
    if references:
        services.references_set(actor=author, article=article, references=list(references))
    return article


def publish(article: Article, author: User, editor: User, *, on: date | None = None) -> Article:
    """Submit, approve and publish through the services; the index is updated on commit."""
    services.article_submit(actor=author, article=article)
    services.article_approve(actor=editor, article=article)
    with committed(execute=True):
        services.article_publish(actor=editor, article=article, on=on)
    return Article.objects.get(pk=article.pk)


@pytest.fixture
def published(author, editor) -> Article:
    return publish(draft(author), author, editor)
