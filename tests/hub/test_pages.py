"""Knowledge hub pages: search (full page and htmx partial), the article page (sanitized
body, references with anchors, disclosures without amounts, review overdue, retraction),
authoring and its refusals, the editorial decisions and who may take them, the disclosure
page, the reading list, topic pages, the Atom feeds, diffs of corrections, the catalog's
"Related reading" card and the article page's pinned query count."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmepath.hub import services
from cmepath.hub.choices import ArticleStatus
from cmepath.hub.disclosures import ACCME_NONE, MITIGATED
from cmepath.hub.models import Article, Disclosure, ReadingListItem, ReviewComment
from tests.catalog.factories import make_activity
from tests.hub.conftest import (
    committed,
    draft,
    make_clinician,
    make_expert,
    make_writing_admin,
    publish,
)

pytestmark = pytest.mark.django_db
HX = {"HX-Request": "true"}
ATOM = "{http://www.w3.org/2005/Atom}"


def url(article: Article, action: str = "") -> str:
    return f"/hub/articles/{article.slug}/{action + '/' if action else ''}"


def assert_no_inline_style_or_script(html: str) -> None:
    assert " style=" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)


def references(n: int) -> list[dict]:
    return [
        {"kind": "pmid", "identifier": str(26246674 + i), "title": f"Study {i}", "year": 2014}
        for i in range(n)
    ]


# ------------------------------------------------------------------ search and topics


def test_index_lists_published_articles_with_facets_and_cards(client, published, author, editor):
    in_draft = draft(author, title="Unpublished draft on sepsis")
    html = client.get("/hub/").content.decode()
    assert published.title in html and in_draft.title not in html
    assert "Research summary" in html and "Ada Lovelace" in html
    assert "min read" in html and "Published " in html
    assert 'hx-get="/hub/"' in html and 'aria-live="polite"' in html
    assert 'name="article_type"' in html and 'name="topics"' in html
    assert '<option value="date"' in html
    assert_no_inline_style_or_script(html)

    none = client.get("/hub/", {"article_type": "career_guide"}).content.decode()
    assert published.title not in none and "No articles match" in none


def test_index_partial_for_htmx_and_bad_input_never_errors(client, published):
    r = client.get("/hub/", {"q": "antibiotics"}, headers=HX)
    body = r.content.decode()
    assert r.status_code == 200 and "<html" not in body
    assert body.lstrip().startswith('<div id="hub-results"')
    assert published.title in body
    bad = client.get("/hub/", {"q": '"(((', "sort": "nope", "page": "x"})
    assert bad.status_code == 200 and "Unknown sort" in bad.content.decode()


def test_old_clinical_guide_card_and_page_say_review_overdue(client, author, editor):
    old = timezone.localdate() - timedelta(days=800)
    guide = publish(
        draft(author, title="Opioid prescribing guide", article_type="clinical_guide"),
        author,
        editor,
        on=old,
    )
    assert "Clinical guide: review overdue" in client.get("/hub/").content.decode()
    page = client.get(url(guide)).content.decode()
    assert "Review overdue since" in page
    fresh = publish(
        draft(author, title="Fresh guide", article_type="clinical_guide"), author, editor
    )
    assert "Review overdue" not in client.get(url(fresh)).content.decode()


def test_topic_page_links_catalog_and_feed_and_404s_unknown_topics(client, published):
    r = client.get("/hub/topics/infection_control/")
    html = r.content.decode()
    assert r.status_code == 200
    assert "<h1>Infection control</h1>" in html and published.title in html
    assert 'href="/catalog/?topics=infection_control"' in html
    assert re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="http://testserver/hub/topics/infection_control/feed.atom"',
        html,
    )
    assert client.get("/hub/topics/no_such_topic/").status_code == 404
    assert client.get("/hub/topics/no_such_topic/feed.atom").status_code == 404


@pytest.mark.parametrize("feed", ["/hub/feed.atom", "/hub/topics/infection_control/feed.atom"])
def test_feeds_are_valid_atom_with_absolute_links_and_summaries(client, published, feed):
    r = client.get(feed)
    assert r.status_code == 200 and r["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(r.content)  # noqa: S314 - our own feed, not untrusted input
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text and root.find(f"{ATOM}updated").text
    assert root.find(f"{ATOM}id").text and root.find(f"{ATOM}author/{ATOM}name").text
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    link = entry.find(f"{ATOM}link").get("href")
    assert urlsplit(link).scheme == "http" and urlsplit(link).netloc == "testserver"
    assert link.endswith(f"/hub/articles/{published.slug}/")
    assert entry.find(f"{ATOM}summary").text == published.summary
    assert entry.find(f"{ATOM}content") is None  # summary only
    for tag in ("id", "title", "updated"):
        assert entry.find(f"{ATOM}{tag}").text


def test_topic_feed_leaves_out_other_topics(client, published, author, editor):
    publish(draft(author, title="Implicit bias guide", topics=["implicit_bias"]), author, editor)
    feed = client.get("/hub/topics/implicit_bias/feed.atom").content
    root = ET.fromstring(feed)  # noqa: S314 - our own feed, not untrusted input
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Implicit bias guide"]


# ------------------------------------------------------------------ the article page


def test_article_page_shows_body_references_byline_reviewer_and_dates(client, published):
    r = client.get(url(published))
    assert r.status_code == 200
    html = r.content.decode()
    assert html.count("<h1") == 1 and f">{published.title}</h1>" in html
    assert '<h2 id="h-why-it-matters">Why it matters</h2>' in html
    assert 'href="#ref-1"' in html  # the in-text marker
    assert '<li id="ref-1"><a href="https://doi.org/10.1542/peds.2019-2503" rel="noopener' in html
    assert "Pediatrics. 2020. doi:10.1542/peds.2019-2503" in html
    assert "Ada Lovelace" in html and "Verified clinician" in html and "Family Medicine" in html
    assert "Reviewed by</dt><dd>Grace Hopper, editor; approved" in html
    assert "Published</dt>" in html and "Last reviewed</dt>" in html and "min</dd>" in html
    assert "Review due" not in html  # research summaries have no review cycle
    assert 'href="/hub/topics/infection_control/"' in html
    assert "Sign in to keep it on a reading list" in html
    assert_no_inline_style_or_script(html)


def test_a_body_with_script_tags_renders_inert(client, author, editor):
    body = (
        "Intro [1].\n\n<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n"
        "[click](javascript:alert(1))\n"
    )
    article = publish(draft(author, body=body), author, editor)
    html = client.get(url(article)).content.decode()
    main = html.split('<div class="card article-body">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in main
    assert "<img" not in main
    assert 'href="javascript' not in main and ">click</a>" not in main  # the link stays text
    assert "&lt;script&gt;" in main  # shown as text, never run
    assert_no_inline_style_or_script(html)


def test_disclosures_show_companies_without_amounts_and_the_none_sentence(client, editor):
    conflicted = make_expert(editor, "Carl", "Gauss")
    services.disclosure_add(
        actor=conflicted,
        company="Acme Pharma",
        nature="consultant",
        start_date=timezone.localdate() - timedelta(days=200),
    )
    services.disclosure_add(
        actor=conflicted,
        company="Old Devices Inc",
        nature="speaker",
        start_date=timezone.localdate() - timedelta(days=1500),
        end_date=timezone.localdate() - timedelta(days=1200),
    )
    services.statement_declare(
        actor=conflicted,
        none_to_disclose=False,
        mitigation="An editor without relationships reviewed the content.",
    )
    clean = make_expert(editor, "Emmy", "Noether")
    services.statement_declare(actor=clean, none_to_disclose=True)
    article = draft(conflicted)
    services.coauthor_add(actor=conflicted, article=article, user=clean)
    article = publish(article, conflicted, editor)

    html = client.get(url(article)).content.decode()
    section = html.split('id="disclosures-h"', 1)[1]
    assert "Acme Pharma: Consultant" in section
    assert MITIGATED in section and "An editor without relationships reviewed" in section
    assert "Old Devices" not in section  # ended more than 36 months before publication
    assert ACCME_NONE in section  # Emmy Noether's explicit "none"
    assert "ICMJE view (36 months)" in section and "<details>" in section
    assert "$" not in section and "amount" not in section.replace("no amounts", "")


def test_retracted_article_keeps_its_page_with_a_banner(client, published, editor):
    with committed(execute=True):
        services.article_retract(actor=editor, article=published, reason="The data were wrong.")
    r = client.get(url(published))
    html = r.content.decode()
    assert r.status_code == 200
    assert "This article was retracted on" in html and "The data were wrong." in html
    assert published.title not in client.get("/hub/").content.decode()  # left search


def test_drafts_are_for_their_authors_and_editors(client, client_for, author, editor):
    article = draft(author)
    assert client.get(url(article)).status_code == 404
    assert client_for(make_clinician("Someone", "Else")).get(url(article)).status_code == 404
    mine = client_for(author).get(url(article))
    assert mine.status_code == 200 and "Not public" in mine.content.decode()
    # editors see articles once submitted, never drafts
    assert client_for(editor).get(url(article)).status_code == 404
    services.article_submit(actor=author, article=article)
    assert client_for(editor).get(url(article)).status_code == 200


# ------------------------------------------------------------------ authoring


ARTICLE_POST = {
    "article_type": "research_summary",
    "title": "Practice-improvement CME and diabetes outcomes",
    "summary": "What a PI-CME project changed.",
    "body": "PI-CME improved care [1].",
    "topics": ["patient_safety"],
    "specialties": ["207Q00000X"],
    "professions": ["MD", "NP"],
    "references": "pmid | 26246674 | Performance improvement CME and outcomes | Clin Diabetes | 2014",
}


def test_expert_creates_a_draft_with_references_and_edits_it(client_for, author):
    c = client_for(author)
    assert "New article" in c.get("/hub/write/").content.decode()
    assert c.get("/hub/write/new/").status_code == 200
    r = c.post("/hub/write/new/", ARTICLE_POST)
    article = Article.objects.get(title=ARTICLE_POST["title"])
    assert r.status_code == 302 and r["Location"] == url(article)
    assert article.status == ArticleStatus.DRAFT and article.professions == ["MD", "NP"]
    assert [(x.kind, x.identifier) for x in article.references.all()] == [("pmid", "26246674")]

    edit = c.get(url(article, "edit")).content.decode()
    assert "pmid | 26246674 | Performance improvement CME and outcomes" in edit
    r = c.post(url(article, "edit"), {**ARTICLE_POST, "body": "Changed [1].", "note": "Shorter"})
    assert r.status_code == 302
    assert list(article.revisions.values_list("number", "note")) == [
        (1, "First draft"),
        (2, "Shorter"),
    ]


def test_a_malformed_reference_is_refused_with_its_line(client_for, author):
    r = client_for(author).post(
        "/hub/write/new/",
        {**ARTICLE_POST, "references": "pmid | 26246674 | Fine\n\ndoi | 11.1/x | Bad DOI"},
    )
    html = r.content.decode()
    assert r.status_code == 422
    assert "Line 3:" in html and "is not a DOI" in html
    assert not Article.objects.exists()  # the text is not saved without its references
    unreadable = client_for(author).post(
        "/hub/write/new/", {**ARTICLE_POST, "references": "isbn | 123 | Book"}
    )
    assert unreadable.status_code == 422 and "Line 1: kind" in unreadable.content.decode()


@pytest.mark.parametrize("who", ["unverified", "unapproved", "editor"])
def test_non_experts_are_refused_and_told_what_to_do(client_for, editor, who):
    user = {
        "unverified": lambda: make_clinician("Un", "Verified", verified=False),
        "unapproved": lambda: make_clinician("Not", "Approved"),
        "editor": lambda: editor,
    }[who]()
    c = client_for(user)
    write = c.get("/hub/write/").content.decode()
    assert "You cannot write articles yet" in write and "Ask an editor" in write
    assert c.get("/hub/write/new/").status_code == 403
    assert c.post("/hub/write/new/", ARTICLE_POST).status_code == 403
    assert not Article.objects.exists()


def test_revoked_expert_cannot_post_a_new_article(client_for, author, editor):
    services.expert_revoke(actor=editor, expert=author.hub_expert)
    assert client_for(author).post("/hub/write/new/", ARTICLE_POST).status_code == 403


def test_submit_without_references_is_refused_with_the_reason(client_for, author):
    article = draft(author, references=())
    r = client_for(author).post(url(article, "submit"))
    assert r.status_code == 422
    assert "at least one reference" in r.content.decode()
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.DRAFT


def test_submit_without_a_disclosure_statement_is_refused_with_the_reason(client_for, editor):
    undisclosed = make_expert(editor, "No", "Statement")
    article = draft(undisclosed)
    r = client_for(undisclosed).post(url(article, "submit"))
    assert r.status_code == 422
    assert "has no current disclosure statement" in r.content.decode()
    ok = client_for(undisclosed)
    services.statement_declare(actor=undisclosed, none_to_disclose=True)
    assert ok.post(url(article, "submit")).status_code == 302
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.REVIEW


def test_authors_correct_a_published_article_and_readers_see_the_diff(
    client, client_for, author, editor
):
    article = draft(author)
    services.article_update(actor=author, article=article, data={"title": "Antibiotics for UTIs"})
    published = publish(article, author, editor)  # revision 2 is the published text
    c = client_for(author)
    assert c.post(url(published, "correct"), {"body": "x", "note": ""}).status_code == 422
    with committed(execute=True):
        r = c.post(
            url(published, "correct"),
            {"body": published.body.replace("rose", "increased"), "note": "Wording"},
        )
    assert r.status_code == 302
    page = client.get(url(published)).content.decode()
    assert "Corrections" in page and "Wording" in page and "increased" in page
    assert 'href="/hub/articles/antibiotics-for-pediatric-utis/diff/2/3/"' in page
    diff = client.get(url(published, "diff/2/3"))
    html = diff.content.decode()
    assert diff.status_code == 200 and "<del>rose</del>" in html and "<ins>increased</ins>" in html
    # drafts before publication stay with the authors and the editors
    assert client.get(url(published, "diff/1/2")).status_code == 404
    assert client.get(url(published, "diff/1/3")).status_code == 404
    assert c.get(url(published, "diff/1/2")).status_code == 200
    assert client_for(editor).get(url(published, "diff/1/3")).status_code == 200
    assert client.get(url(published, "revisions")).status_code == 302  # sign in first
    reader = client_for(make_clinician("A", "Reader"))
    assert reader.get(url(published, "revisions")).status_code == 403
    revisions = c.get(url(published, "revisions")).content.decode()
    assert "Published text" in revisions and "Correction" in revisions


# ------------------------------------------------------------------ editorial decisions


def test_editor_comments_requests_changes_approves_and_publishes(client_for, author, editor):
    article = draft(author)
    services.article_submit(actor=author, article=article)
    e = client_for(editor)
    page = e.get(url(article)).content.decode()
    assert "Editorial review" in page and "Approve" in page
    assert e.post(url(article, "comment"), {"body": ""}).status_code == 422
    assert (
        e.post(url(article, "comment"), {"quote": "rose", "body": "Cite the rate."}).status_code
        == 302
    )
    assert ReviewComment.objects.filter(article=article).count() == 1
    assert "Cite the rate." in client_for(author).get(url(article)).content.decode()

    assert (
        e.post(
            url(article, "request_changes").replace("request_changes", "request-changes"),
            {"note": "Add the rate."},
        ).status_code
        == 302
    )
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.CHANGES
    services.article_submit(actor=author, article=article)
    assert e.post(url(article, "approve")).status_code == 302
    # publishing twice: the second is refused with the reason, not a 500
    with committed(execute=True):
        assert e.post(url(article, "publish")).status_code == 302
    again = e.post(url(article, "publish"))
    assert again.status_code == 409 and "Cannot publish" in again.content.decode()
    assert Article.objects.get(pk=article.pk).status == ArticleStatus.PUBLISHED


def test_editor_cannot_approve_their_own_or_a_coauthors_article(client_for, author, editor):
    boss = make_writing_admin(editor)
    own = draft(boss, title="Written by an administrator")
    services.article_submit(actor=boss, article=own)
    c = client_for(boss)
    page = c.get(url(own)).content.decode()
    assert "Editorial review" not in page  # no decision forms on one's own article
    r = c.post(url(own, "approve"))
    assert r.status_code == 403 and "never one they wrote or co-wrote" in r.content.decode()
    co = draft(author, title="Co-written")
    services.coauthor_add(actor=author, article=co, user=boss)
    services.article_submit(actor=author, article=co)
    assert c.post(url(co, "approve")).status_code == 403
    assert c.post(url(co, "comment"), {"body": "Fine by me."}).status_code == 403
    assert {a.status for a in Article.objects.all()} == {ArticleStatus.REVIEW}
    assert client_for(editor).post(url(co, "approve")).status_code == 302


def test_editor_on_the_byline_gets_403_and_others_404_for_hidden_articles(
    client_for, author, editor
):
    article = draft(author)
    # a draft is invisible to editors: 404, not 403
    assert client_for(editor).post(url(article, "approve")).status_code == 404
    assert client_for(author).post(url(article, "publish")).status_code == 403


def test_retract_needs_a_reason(client_for, published, editor):
    e = client_for(editor)
    r = e.post(url(published, "retract"), {"reason": ""})
    assert r.status_code == 422 and "This field is required" in r.content.decode()
    with committed(execute=True):
        assert e.post(url(published, "retract"), {"reason": "Superseded"}).status_code == 302
    assert Article.objects.get(pk=published.pk).status == ArticleStatus.RETRACTED


def test_review_queue_and_experts_are_for_editors(client_for, author, editor):
    article = draft(author)
    services.article_submit(actor=author, article=article)
    e = client_for(editor)
    assert article.title in e.get("/hub/review/").content.decode()
    assert client_for(author).get("/hub/review/").status_code == 403
    assert client_for(author).get("/hub/experts/").status_code == 403

    newcomer = make_clinician("New", "Comer")
    r = e.post("/hub/experts/approve/", {"email": newcomer.email, "specialties": ["207R00000X"]})
    assert r.status_code == 302 and newcomer.hub_expert.specialties == ["207R00000X"]
    unverified = make_clinician("Not", "Yet", verified=False)
    refused = e.post(
        "/hub/experts/approve/", {"email": unverified.email, "specialties": ["207R00000X"]}
    )
    assert refused.status_code == 422 and "not verified yet" in refused.content.decode()
    missing = e.post(
        "/hub/experts/approve/", {"email": "nobody@example.test", "specialties": ["207R00000X"]}
    )
    assert missing.status_code == 422
    assert e.post(f"/hub/experts/{newcomer.hub_expert.pk}/revoke/").status_code == 302
    table = e.get("/hub/experts/").content.decode().split('id="experts-h"', 1)[1]
    assert newcomer.email not in table


# ------------------------------------------------------------------ disclosures, reading list


def test_disclosure_page_adds_ends_and_declares_and_shows_both_views(client_for, editor):
    user = make_expert(editor, "Mary", "Somerville")
    c = client_for(user)
    page = c.get("/hub/disclosures/").content.decode()
    assert "None yet" in page and ACCME_NONE in page
    start = (timezone.localdate() - timedelta(days=100)).isoformat()
    r = c.post(
        "/hub/disclosures/add/",
        {
            "company": "Acme Devices",
            "ineligible": "on",
            "nature": "advisor",
            "paid_to": "institution",
            "start_date": start,
        },
    )
    assert r.status_code == 302
    refused = c.post("/hub/disclosures/statement/", {"none_to_disclose": "yes"})
    assert refused.status_code == 422 and "would contradict them" in refused.content.decode()
    no_mitigation = c.post("/hub/disclosures/statement/", {"none_to_disclose": "no"})
    assert no_mitigation.status_code == 422 and "mitigated" in no_mitigation.content.decode()
    assert (
        c.post(
            "/hub/disclosures/statement/",
            {"none_to_disclose": "no", "mitigation": "Reviewed by an editor."},
        ).status_code
        == 302
    )
    page = c.get("/hub/disclosures/").content.decode()
    assert "Acme Devices: Advisor" in page  # ACCME view: names and nature only
    assert "Acme Devices: Advisor (Paid to the institution)" in page  # ICMJE view
    assert "Current" in page

    row = Disclosure.objects.get(user=user)
    bad_end = c.post(f"/hub/disclosures/{row.pk}/end/", {"end_date": "2000-01-01"})
    assert bad_end.status_code == 422
    assert (
        c.post(
            f"/hub/disclosures/{row.pk}/end/", {"end_date": timezone.localdate().isoformat()}
        ).status_code
        == 302
    )
    other = client_for(make_clinician("Other", "Person"))
    assert (
        other.post(f"/hub/disclosures/{row.pk}/end/", {"end_date": "2030-01-01"}).status_code == 404
    )
    assert client_for(editor).get("/hub/disclosures/").status_code == 403


def test_reading_list_add_show_remove(client, client_for, published):
    reader = make_clinician("Lise", "Meitner")
    c = client_for(reader)
    assert (
        c.post(
            url(published, "reading-list"), {"action": "add", "next": url(published)}
        ).status_code
        == 302
    )
    assert "Remove from reading list" in c.get(url(published)).content.decode()
    listing = c.get("/hub/reading-list/").content.decode()
    assert published.title in listing
    assert c.post(url(published, "reading-list"), {"action": "remove"}).status_code == 302
    assert not ReadingListItem.objects.filter(user=reader).exists()
    assert (
        client.post(url(published, "reading-list"), {"action": "add"}).status_code == 302
    )  # sign in
    assert client.get("/hub/reading-list/").status_code == 302


# ------------------------------------------------------------------ the catalog's activity page


def test_catalog_activity_shows_related_reading_and_the_article_related_cme(client, published):
    with committed(execute=True):
        activity = make_activity(title="Infection control update", topics=["infection_control"])
        other = make_activity(title="Bias training", topics=["implicit_bias"])
    html = client.get(f"/catalog/activities/{activity.pk}/").content.decode()
    assert "Related reading" in html and f'href="/hub/articles/{published.slug}/"' in html
    assert "Related reading" not in client.get(f"/catalog/activities/{other.pk}/").content.decode()

    page = client.get(url(published)).content.decode()
    cme = page.split('id="related-cme-h"', 1)[1]
    assert f'href="/catalog/activities/{activity.pk}/"' in cme and "Value score" in cme
    assert "Bias training" not in cme


# ------------------------------------------------------------------ queries


#: Queries of the article page: the article, bylines with profiles, references, history,
#: the authors' disclosure rows, statements and expert records, corrections, linked CME;
#: signed in adds the session, the user, the policy checks, the reading list and comments.
ARTICLE_ANONYMOUS_MAX = 9
ARTICLE_SIGNED_IN_MAX = 15


def _count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    assert response.status_code == 200, response.content[:300]
    return len(ctx.captured_queries)


def test_article_page_queries_do_not_grow_with_the_references(client, client_for, author, editor):
    """Pinned: the same count for 2 references as for 10 (no query per reference)."""
    few = publish(draft(author, title="Two refs", references=references(2)), author, editor)
    many = publish(draft(author, title="Ten refs", references=references(10)), author, editor)
    client.get(url(few))  # warm caches
    assert _count(client, url(few)) == _count(client, url(many))
    reader = client_for(make_clinician("Count", "Queries"))
    reader.get(url(few))
    assert _count(reader, url(few)) == _count(reader, url(many))
    assert _count(client, url(many)) <= ARTICLE_ANONYMOUS_MAX
    assert _count(reader, url(many)) <= ARTICLE_SIGNED_IN_MAX
