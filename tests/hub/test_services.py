"""Hub services: only verified, approved experts author; a submission needs a current
disclosure statement and references that every citation resolves to; editors never review
their own or a co-author's article; corrections are listed revisions; retraction keeps the
page; malformed DOIs and PMIDs are refused at entry."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.test import TestCase
from django.utils import timezone

from cmepath.accounts.choices import NpiStatus
from cmepath.core.errors import ConflictError, PermissionDeniedError, ValidationError
from cmepath.hub import selectors, services
from cmepath.hub.choices import ArticleStatus
from cmepath.hub.models import ArticleRevision
from cmepath.hub.search_docs import ARTICLE
from cmepath.search.backends import search_backend
from cmepath.search.base import SearchQuery
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
_npis = itertools.count(1)
BODY = "## Why\n\nFirst-line antibiotic use rose [1].\n\n## How\n\nCase-based CME [2]."
REFS = [
    {"kind": "doi", "identifier": "doi:10.1542/peds.2019-2503", "title": "Daley", "year": 2020},
    {"kind": "url", "identifier": "https://accme.org/x", "title": "ACCME profile", "year": 2026},
]


def verified(name: str = "Elena") -> object:
    user = UserFactory(role="clinician")
    user.profile.first_name, user.profile.last_name = name, "Demo"
    user.profile.npi = f"1{next(_npis):09d}"
    user.profile.npi_status = NpiStatus.MATCHED
    user.profile.verified_at = timezone.now()
    user.profile.save()
    return user


@pytest.fixture
def editor():
    return UserFactory(role="editor")


@pytest.fixture
def expert(editor):
    user = verified()
    services.expert_approve(actor=editor, user=user, specialties=["208000000X"])
    services.statement_declare(actor=user, none_to_disclose=True)
    return user


def draft(author, body: str = BODY, refs=REFS):
    article = services.article_create(
        actor=author,
        data={
            "article_type": "research_summary",
            "title": "Pediatric UTI prescribing",
            "summary": "What one CME program changed.",
            "body": body,
        },
    )
    if refs:
        services.references_set(actor=author, article=article, references=refs)
    return article


def published(author, editor):
    article = draft(author)
    services.article_submit(actor=author, article=article)
    services.article_approve(actor=editor, article=article)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.article_publish(actor=editor, article=article)


def test_only_verified_approved_experts_author(editor):
    plain = UserFactory(role="clinician")
    with pytest.raises(PermissionDeniedError, match="approved by an editor"):
        draft(plain)
    with pytest.raises(ValidationError, match="not verified"):
        services.expert_approve(actor=editor, user=plain, specialties=["208000000X"])
    user = verified()
    with pytest.raises(PermissionDeniedError):
        services.expert_approve(actor=UserFactory(role="clinician"), user=user, specialties=[])
    with pytest.raises(ValidationError, match="unknown"):
        services.expert_approve(actor=editor, user=user, specialties=["NOPE"])


def test_submission_needs_a_current_disclosure(editor):
    user = verified()
    services.expert_approve(actor=editor, user=user, specialties=["208000000X"])
    article = draft(user)
    with pytest.raises(ValidationError, match="disclosure") as caught:
        services.article_submit(actor=user, article=article)
    assert caught.value.code == "no_disclosure"
    old = timezone.localdate() - timedelta(days=400)
    services.statement_declare(actor=user, none_to_disclose=True, on=old)
    with pytest.raises(ValidationError, match="disclosure"):
        services.article_submit(actor=user, article=article)
    services.statement_declare(actor=user, none_to_disclose=True)
    assert services.article_submit(actor=user, article=article).status == ArticleStatus.REVIEW


def test_none_statement_cannot_contradict_a_relationship_on_file(editor):
    user = verified()
    services.disclosure_add(
        actor=user,
        company="Example Devices Inc. (synthetic)",
        nature="advisor",
        start_date=timezone.localdate() - timedelta(days=100),
    )
    with pytest.raises(ValidationError, match="contradict"):
        services.statement_declare(actor=user, none_to_disclose=True)
    with pytest.raises(ValidationError, match="mitigated"):
        services.statement_declare(actor=user, none_to_disclose=False)
    services.statement_declare(
        actor=user, none_to_disclose=False, mitigation="Reviewed by an editor with none."
    )


def test_submission_needs_references_and_citations_that_resolve(expert):
    with pytest.raises(ValidationError, match="at least one reference"):
        services.article_submit(actor=expert, article=draft(expert, refs=[]))
    article = draft(expert, body=BODY + "\n\nAnd more [3].")
    with pytest.raises(ValidationError, match=r"cites \[3\]"):
        services.article_submit(actor=expert, article=article)


@pytest.mark.parametrize(
    ("kind", "identifier"),
    [("doi", "10.15/x"), ("pmid", "123456789"), ("url", "javascript:alert(1)"), ("doi", "")],
)
def test_malformed_reference_ids_are_refused_at_entry(expert, kind, identifier):
    article = draft(expert)
    with pytest.raises(ValidationError) as caught:
        services.references_set(
            actor=expert,
            article=article,
            references=[{"kind": kind, "identifier": identifier, "title": "x", "year": 2020}],
        )
    assert caught.value.code == "bad_reference"
    assert article.references.count() == 2  # nothing half-written


def test_editors_never_review_their_own_or_a_coauthors_article(editor, expert):
    editor_author = verified("Ines")
    services.expert_approve(actor=editor, user=editor_author, specialties=["208000000X"])
    services.statement_declare(actor=editor_author, none_to_disclose=True)
    article = draft(expert)
    services.coauthor_add(actor=expert, article=article, user=editor_author)
    services.article_submit(actor=expert, article=article)
    with pytest.raises(PermissionDeniedError, match="own or a co-author"):
        services.article_approve(actor=editor_author, article=article)
    assert article not in selectors.review_queue(actor=editor_author)
    assert article in selectors.review_queue(actor=editor)


def test_workflow_revisions_corrections_and_retraction(editor, expert):
    article = draft(expert)
    services.article_submit(actor=expert, article=article)
    services.comment_add(actor=editor, article=article, body="Cite the abstract.", quote="rose")
    services.article_request_changes(actor=editor, article=article, note="See the comment.")
    services.article_update(actor=expert, article=article, data={"body": BODY + "\n\nMore [2]."})
    with pytest.raises(ConflictError, match="Cannot publish"):
        services.article_publish(actor=editor, article=article)
    services.article_submit(actor=expert, article=article)
    services.article_approve(actor=editor, article=article)
    with TestCase.captureOnCommitCallbacks(execute=True):
        article = services.article_publish(actor=editor, article=article)
    assert article.reviewer == editor and article.published_revision.number == 2
    found = search_backend(ARTICLE).search(SearchQuery(text="antibiotic"))
    assert [h.id for h in found.hits] == [str(article.pk)]
    with TestCase.captureOnCommitCallbacks(execute=True):
        fix = services.article_correct(
            actor=expert, article=article, body=BODY + "\n\nFixed [2].", note="Typo in a figure"
        )
    assert fix.is_correction and list(selectors.corrections(article)) == [fix]
    assert ArticleRevision.objects.filter(article=article).count() == 3  # append-only
    with TestCase.captureOnCommitCallbacks(execute=True):
        article = services.article_retract(actor=editor, article=article, reason="Data error")
    assert article.status == ArticleStatus.RETRACTED and article.retracted_on
    assert search_backend(ARTICLE).search(SearchQuery(text="antibiotic")).total == 0
    assert selectors.article_detail(actor=None, slug=article.slug) == article  # page stays


def test_clinical_guides_fall_due_for_review_after_24_months(editor, expert):
    article = published(expert, editor)
    article.article_type = "clinical_guide"
    article.last_reviewed_on = date(2024, 1, 15)
    due, overdue = selectors.review_due(article, on=date(2026, 2, 1))
    assert due == date(2026, 1, 15) and overdue
    article.article_type = "career_guide"
    assert selectors.review_due(article, on=date(2030, 1, 1)) == (None, False)


def test_author_disclosures_render_both_views(editor, expert):
    services.disclosure_add(
        actor=expert,
        company="Sample Diagnostics LLC (synthetic)",
        nature="speaker",
        start_date=timezone.localdate() - timedelta(days=1000),
        end_date=timezone.localdate() - timedelta(days=800),
    )
    # a row recorded after the statement makes it out of date: declare again
    with pytest.raises(ValidationError, match="disclosure"):
        services.article_submit(actor=expert, article=draft(expert))
    services.statement_declare(actor=expert, none_to_disclose=True)
    article = published(expert, editor)
    (view,) = selectors.authors_of(article)
    assert view.verified and not view.accme.companies  # ended more than 24 months ago
    assert [c.company for c in view.icmje.companies] == ["Sample Diagnostics LLC (synthetic)"]


def test_coauthors_and_linked_cme_through_the_api(client_for, editor, expert):
    import json

    from tests.catalog.factories import make_activity

    other = verified("Tomas")
    services.expert_approve(actor=editor, user=other, specialties=["208000000X"])
    activity = make_activity(title="Linked opioid course")
    article = draft(expert)
    c = client_for(expert)
    url = f"/api/v1/articles/{article.slug}"
    ok = c.patch(
        url,
        json.dumps({"activity_ids": [activity.pk], "coauthor_emails": [other.email]}),
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.content
    assert list(article.linked_activities.all()) == [activity]
    assert article.bylines.count() == 2
    bad = c.patch(url, json.dumps({"activity_ids": [999999]}), content_type="application/json")
    assert bad.status_code == 422 and list(article.linked_activities.all()) == [activity]
    plain = UserFactory(role="clinician")
    refused = c.patch(
        url, json.dumps({"coauthor_emails": [plain.email]}), content_type="application/json"
    )
    assert refused.status_code == 403  # only experts co-author
