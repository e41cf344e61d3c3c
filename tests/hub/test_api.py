"""``/api/v1/articles`` and friends: public search and detail (sanitized HTML, references,
authors with the ACCME view), authoring by experts only, the editorial workflow with its
refusals (no disclosure, no references, own article), corrections, reading lists,
disclosures and expert approval."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from cmepath.hub import services
from cmepath.hub.choices import ArticleStatus
from cmepath.hub.models import Article, ReadingListItem
from tests.hub.conftest import (
    FAMILY_MEDICINE,
    REFERENCE,
    committed,
    draft,
    make_clinician,
    make_expert,
    make_writing_admin,
    publish,
)

pytestmark = pytest.mark.django_db

NEW = {
    "article_type": "clinical_guide",
    "title": "Implicit bias in clinical decisions",
    "summary": "What the evidence says and what to do.",
    "body": "## Evidence\n\nBias shapes decisions [1].",
    "topics": ["implicit_bias"],
    "specialties": [FAMILY_MEDICINE],
    "professions": ["MD"],
    "references": [REFERENCE],
}


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _send(c: Client, url: str, body: dict | None = None, method: str = "post"):
    return getattr(c, method)(url, json.dumps(body or {}), content_type="application/json")


# ------------------------------------------------------------------ reading


def test_public_search_with_facets_and_sorts(published, author, editor):
    publish(
        draft(author, title="Opioid prescribing guide", article_type="clinical_guide"),
        author,
        editor,
    )
    draft(author, title="Still a draft")
    c = _client()
    everything = c.get("/api/v1/articles").json()
    assert everything["total"] == 2
    assert {f["value"] for f in everything["facets"]["article_type"]} == {
        "clinical_guide",
        "research_summary",
    }
    guides = c.get("/api/v1/articles?article_type=clinical_guide").json()
    assert [r["title"] for r in guides["results"]] == ["Opioid prescribing guide"]
    result = guides["results"][0]
    assert result["authors"] == ["Ada Lovelace"] and result["reading_minutes"] >= 1
    assert result["url"].startswith("/hub/articles/")
    assert c.get("/api/v1/articles?q=opioid").json()["total"] == 1
    assert c.get("/api/v1/articles?sort=date").status_code == 200
    assert c.get("/api/v1/articles?sort=cheapest").status_code == 422
    assert c.get("/api/v1/articles?page=0").status_code == 422


def test_articles_of_the_same_day_keep_one_order(author, editor):
    """Browsing (no words) and "Newest" list articles published on the same day newest
    first by their number, the same on every run (the index had no tie-break)."""
    made = [publish(draft(author, title=f"Guide number {n}"), author, editor) for n in range(4)]
    assert len({a.first_published_on for a in made}) == 1
    expected = [a.title for a in sorted(made, key=lambda a: -a.pk)]
    c = _client()
    for url in ("/api/v1/articles", "/api/v1/articles?sort=date"):
        assert [r["title"] for r in c.get(url).json()["results"]] == expected


def test_public_detail_has_sanitized_html_references_authors_and_dates(published):
    r = _client().get(f"/api/v1/articles/{published.slug}")
    assert r.status_code == 200
    data = r.json()
    assert data["status"] == "published" and data["title"] == published.title
    assert 'href="#ref-1"' in data["html"] and "<script" not in data["html"]
    assert data["references"][0]["anchor"] == "ref-1"
    assert data["references"][0]["url"] == "https://doi.org/10.1542/peds.2019-2503"
    author = data["authors"][0]
    assert author["name"] == "Ada Lovelace" and author["verified"] is True
    assert author["specialties"] == ["Family Medicine"]
    assert (
        author["accme"]["companies"] == []
        and "No relevant financial" in author["accme"]["none_statement"]
    )
    assert author["icmje"]["months"] == 36
    assert data["reviewer"] == "Grace Hopper"
    assert data["first_published_on"] == timezone.localdate().isoformat()
    assert data["review_due"] is None and data["corrections"] == []


def test_drafts_are_hidden_from_the_public(author):
    article = draft(author)
    assert _client().get(f"/api/v1/articles/{article.slug}").status_code == 404
    assert _client(author).get(f"/api/v1/articles/{article.slug}").status_code == 200


def test_script_in_a_body_comes_back_inert(author, editor):
    article = publish(draft(author, body="Text [1].\n\n<script>alert(1)</script>"), author, editor)
    html = _client().get(f"/api/v1/articles/{article.slug}").json()["html"]
    assert "<script" not in html and "&lt;script&gt;" in html


# ------------------------------------------------------------------ authoring


def test_expert_creates_patches_and_replaces_references(author):
    c = _client(author)
    r = _send(c, "/api/v1/articles", NEW)
    assert r.status_code == 201, r.content
    slug = r.json()["slug"]
    assert r.json()["status"] == "draft" and len(r.json()["references"]) == 1
    patched = _send(c, f"/api/v1/articles/{slug}", {"summary": "Shorter.", "note": "Trim"}, "patch")
    assert patched.status_code == 200 and patched.json()["summary"] == "Shorter."
    refs = _send(
        c,
        f"/api/v1/articles/{slug}/references",
        {
            "references": [
                REFERENCE,
                {"kind": "pmid", "identifier": "PMID: 26246674", "title": "PI-CME"},
            ]
        },
        "put",
    )
    assert refs.status_code == 200
    assert [x["identifier"] for x in refs.json()] == ["10.1542/peds.2019-2503", "26246674"]


def test_malformed_doi_is_refused_at_entry_and_nothing_is_saved(author):
    bad = {**NEW, "references": [{**REFERENCE, "identifier": "doi:12.34/x"}]}
    r = _send(_client(author), "/api/v1/articles", bad)
    assert r.status_code == 422
    assert r.json()["code"] == "bad_reference" and "is not a DOI" in r.json()["message"]
    assert not Article.objects.exists()


@pytest.mark.parametrize("who", ["unverified", "unapproved", "editor"])
def test_non_experts_cannot_author(editor, who):
    user = {
        "unverified": lambda: make_clinician("Un", "Verified", verified=False),
        "unapproved": lambda: make_clinician("Not", "Approved"),
        "editor": lambda: editor,
    }[who]()
    r = _send(_client(user), "/api/v1/articles", NEW)
    assert r.status_code == 403 and r.json()["code"] == "not_an_author"
    assert not Article.objects.exists()


def test_unknown_fields_are_refused_and_writes_need_sign_in(author):
    smuggled = _send(_client(author), "/api/v1/articles", {**NEW, "status": "published"})
    assert smuggled.status_code == 422 and "status" in smuggled.json()["message"]
    assert _send(_client(), "/api/v1/articles", NEW).status_code == 401
    assert not Article.objects.exists()


def test_submit_is_refused_without_references_or_disclosure(author, editor):
    c = _client(author)
    bare = draft(author, references=())
    r = _send(c, f"/api/v1/articles/{bare.slug}/submit")
    assert r.status_code == 422 and r.json()["code"] == "no_references"
    assert "at least one reference" in r.json()["message"]

    silent = make_expert(editor, "No", "Statement")
    article = draft(silent)
    r = _send(_client(silent), f"/api/v1/articles/{article.slug}/submit")
    assert r.status_code == 422 and r.json()["code"] == "no_disclosure"
    assert "no current disclosure statement" in r.json()["message"]


# ------------------------------------------------------------------ editorial workflow


def test_workflow_through_the_api(author, editor):
    article = draft(author)
    a, e = _client(author), _client(editor)
    assert _send(a, f"/api/v1/articles/{article.slug}/submit").json()["status"] == "review"
    comment = _send(
        e, f"/api/v1/articles/{article.slug}/comments", {"body": "Cite it.", "quote": "rose"}
    )
    assert comment.status_code == 201 and comment.json()["revision"] == 1
    sent_back = _send(
        e, f"/api/v1/articles/{article.slug}/request-changes", {"note": "Add the rate."}
    )
    assert sent_back.json()["status"] == "changes"
    _send(a, f"/api/v1/articles/{article.slug}/submit")
    assert _send(a, f"/api/v1/articles/{article.slug}/approve").status_code == 403
    assert _send(e, f"/api/v1/articles/{article.slug}/approve").json()["status"] == "approved"
    with committed(execute=True):
        published = _send(e, f"/api/v1/articles/{article.slug}/publish")
    assert published.json()["status"] == "published"
    assert _client().get("/api/v1/articles").json()["total"] == 1
    again = _send(e, f"/api/v1/articles/{article.slug}/publish")
    assert again.status_code == 409 and again.json()["code"] == "bad_transition"

    with committed(execute=True):
        fixed = _send(
            a,
            f"/api/v1/articles/{article.slug}/corrections",
            {"body": article.body.replace("rose", "increased"), "note": "Wording"},
        )
    assert fixed.status_code == 201 and fixed.json()["note"] == "Wording"
    detail = _client().get(f"/api/v1/articles/{article.slug}").json()
    assert detail["corrections"][0]["note"] == "Wording" and "increased" in detail["html"]

    assert _send(e, f"/api/v1/articles/{article.slug}/retract", {"reason": ""}).status_code == 422
    with committed(execute=True):
        retracted = _send(e, f"/api/v1/articles/{article.slug}/retract", {"reason": "Superseded."})
    assert (
        retracted.json()["status"] == "retracted"
        and retracted.json()["retraction_reason"] == "Superseded."
    )
    assert _client().get("/api/v1/articles").json()["total"] == 0
    assert _client().get(f"/api/v1/articles/{article.slug}").status_code == 200


def test_editor_cannot_approve_own_or_coauthored_article(author, editor):
    boss = make_writing_admin(editor)
    own = draft(boss, title="Written by an administrator")
    services.article_submit(actor=boss, article=own)
    r = _send(_client(boss), f"/api/v1/articles/{own.slug}/approve")
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    co = draft(author, title="Co-written")
    services.coauthor_add(actor=author, article=co, user=boss)
    services.article_submit(actor=author, article=co)
    assert _send(_client(boss), f"/api/v1/articles/{co.slug}/approve").status_code == 403
    assert _send(_client(author), f"/api/v1/articles/{co.slug}/approve").status_code == 403
    assert _send(_client(editor), f"/api/v1/articles/{co.slug}/approve").status_code == 200


def test_editors_cannot_see_drafts_and_authors_cannot_publish(author, editor):
    article = draft(author)
    assert _send(_client(editor), f"/api/v1/articles/{article.slug}/approve").status_code == 404
    assert _send(_client(author), f"/api/v1/articles/{article.slug}/publish").status_code == 403
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


# ------------------------------------------------------------------ reading list, disclosures, experts


def test_reading_list_put_get_delete(published):
    reader = make_clinician("Lise", "Meitner")
    c = _client(reader)
    assert c.put(f"/api/v1/me/reading-list/{published.slug}").status_code == 200
    assert c.put(f"/api/v1/me/reading-list/{published.slug}").status_code == 200  # again: fine
    assert [i["slug"] for i in c.get("/api/v1/me/reading-list").json()] == [published.slug]
    assert c.delete(f"/api/v1/me/reading-list/{published.slug}").status_code == 204
    assert not ReadingListItem.objects.exists()
    assert c.put("/api/v1/me/reading-list/no-such-article").status_code == 404
    assert _client().get("/api/v1/me/reading-list").status_code == 401


def test_disclosures_and_statement(editor):
    user = make_expert(editor, "Mary", "Somerville")
    c = _client(user)
    start = (timezone.localdate() - timedelta(days=60)).isoformat()
    row = _send(
        c,
        "/api/v1/me/disclosures",
        {
            "company": "Acme Pharma",
            "nature": "speaker",
            "start_date": start,
            "paid_to": "institution",
        },
    )
    assert row.status_code == 201 and row.json()["company"] == "Acme Pharma"
    assert (
        _send(
            c, "/api/v1/me/disclosures", {"company": "X", "nature": "friend", "start_date": start}
        ).status_code
        == 422
    )
    none = _send(c, "/api/v1/me/disclosure-statements", {"none_to_disclose": True})
    assert none.status_code == 422 and "contradict" in none.json()["message"]
    ok = _send(
        c,
        "/api/v1/me/disclosure-statements",
        {"none_to_disclose": False, "mitigation": "Reviewed by an editor without relationships."},
    )
    assert ok.status_code == 201
    mine = c.get("/api/v1/me/disclosures").json()
    assert mine["statement_current"] is True
    assert mine["accme"]["companies"] == [{"company": "Acme Pharma", "natures": ["Speaker"]}]
    assert mine["icmje"]["companies"][0]["natures"] == ["Speaker (Paid to the institution)"]
    assert mine["accme"]["mitigated"] and not mine["accme"]["none_statement"]


def test_only_editors_approve_experts(editor):
    clinician = make_clinician("New", "Expert")
    body = {"email": clinician.email, "specialties": [FAMILY_MEDICINE]}
    assert _send(_client(clinician), "/api/v1/hub/experts", body).status_code == 403
    r = _send(_client(editor), "/api/v1/hub/experts", body)
    assert r.status_code == 201 and r.json()["specialties"] == [FAMILY_MEDICINE]
    unverified = make_clinician("Not", "Verified", verified=False)
    refused = _send(_client(editor), "/api/v1/hub/experts", {**body, "email": unverified.email})
    assert refused.status_code == 422 and "not verified" in refused.json()["message"]
    nobody = _send(_client(editor), "/api/v1/hub/experts", {**body, "email": "nobody@example.test"})
    assert nobody.status_code == 422
