"""The hub's starter content: every article and author loads, every citation resolves, the
numbers the articles quote are the checked ones, and broken files are refused by name."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from cmepath.hub import starter
from cmepath.hub.choices import ArticleType, PaidTo, ReferenceKind, Relationship
from cmepath.hub.references import parse_reference

SYNTHETIC_LINE = "_Synthetic demo author; the text was written for the cmepath project._"

EXPECTED = {
    "pediatric-uti-prescribing-cme": "research_summary",
    "pi-cme-diabetes-outcomes": "research_summary",
    "hip-fracture-pathway-length-of-stay": "research_summary",
    "choosing-cme-for-leadership": "career_guide",
    "reading-cme-disclosures": "career_guide",
    "running-a-pi-cme-project": "career_guide",
    "opioid-prescribing-mandated-training": "clinical_guide",
    "implicit-bias-mandated-training": "clinical_guide",
}

VALID = """---
slug: sample-article
type: clinical_guide
title: A sample article
summary: A short summary.
topics: [ethics]
specialties: [207Q00000X]
professions: [MD]
last_reviewed_on: 2026-12-01
authors: [elena-demo-vasquez]
references:
  - {kind: doi, identifier: 10.1542/peds.2019-2503, title: A title, journal: Pediatrics, year: 2020}
---
## A heading

Some text citing the study [1].
"""


@pytest.fixture(scope="module")
def articles() -> dict[str, starter.StarterArticle]:
    return {article.slug: article for article in starter.load_articles()}


def _file_text(slug: str) -> str:
    return (starter.ARTICLES_DIR / f"{slug}.md").read_text(encoding="utf-8")


def _author_keys() -> frozenset[str]:
    return frozenset(author.key for author in starter.load_authors())


# --- the shipped content -----------------------------------------------------------------


def test_all_required_articles_load_with_their_types(articles) -> None:
    # given the shipped article files / when loaded / then the eight required ones are there
    assert len(articles) >= 8
    assert {slug: articles[slug].article_type for slug in EXPECTED} == EXPECTED


def test_types_and_kinds_match_the_hub_choices() -> None:
    assert set(ArticleType.values) == starter.ARTICLE_TYPES
    assert set(ReferenceKind.values) == starter.REFERENCE_KINDS
    assert set(Relationship.values) == starter.RELATIONSHIP_NATURES
    assert set(PaidTo.values) == starter.PAID_TO


def test_every_reference_has_a_title_and_a_year_and_passes_entry_validation(articles) -> None:
    for article in articles.values():
        for ref in article.references:
            assert ref.title, (article.slug, ref.position)
            assert 1900 <= ref.year <= 2100, (article.slug, ref.position)
            # the identifier is one the hub's own entry check accepts (no network)
            parse_reference(ref.kind, ref.identifier)


def test_every_citation_resolves_and_every_reference_is_cited(articles) -> None:
    for article in articles.values():
        positions = {ref.position for ref in article.references}
        assert positions == set(range(1, len(article.references) + 1))
        assert article.cited_positions == positions, article.slug


def test_the_daley_summary_cites_the_doi_and_quotes_the_checked_numbers(articles) -> None:
    article = articles["pediatric-uti-prescribing-cme"]
    assert ("doi", "10.1542/peds.2019-2503") in {
        (ref.kind, ref.identifier) for ref in article.references
    }
    for number in ("43.4", "62.4", "27"):
        assert number in article.body
    assert "all 27 outpatient clinics" in article.body


@pytest.mark.parametrize(
    ("slug", "numbers"),
    [
        ("hip-fracture-pathway-length-of-stay", ("7.44", "5.03", "30.0%", "9.95%")),
        ("choosing-cme-for-leadership", ("185", "78", "150 hours", "32")),
        ("opioid-prescribing-mandated-training", ("eight hours", "June 27, 2023", "2-hour")),
    ],
)
def test_articles_quote_the_figures_of_their_sources(articles, slug, numbers) -> None:
    for number in numbers:
        assert number in articles[slug].body, (slug, number)


def test_the_hip_fracture_article_cites_wallace(articles) -> None:
    refs = {ref.identifier for ref in articles["hip-fracture-pathway-length-of-stay"].references}
    assert "10.1007/s40520-018-0952-7" in refs


def test_no_article_quotes_the_unverified_chicago_outcomes() -> None:
    # reference/hub.md section 7: the University of Chicago outcome numbers were not verified
    for path in starter.ARTICLES_DIR.glob("*.md"):
        text = path.read_text(encoding="utf-8").casefold()
        for phrase in ("university of chicago", "uchicago"):
            assert phrase not in text, (path.name, phrase)


def test_no_raw_html_and_no_images_in_bodies(articles) -> None:
    for article in articles.values():
        assert not re.search(r"<[A-Za-z]", article.body), article.slug
        assert "![" not in article.body, article.slug


def test_each_article_ends_with_the_synthetic_line(articles) -> None:
    for article in articles.values():
        assert article.body.rstrip().endswith(SYNTHETIC_LINE), article.slug


def test_articles_are_500_to_1200_words_with_short_summaries(articles) -> None:
    for article in articles.values():
        words = len(article.body.split())
        assert 500 <= words <= 1200, (article.slug, words)
        assert len(article.summary) <= 600
        assert article.last_reviewed_on == date(2026, 12, 1)
        assert article.body.lstrip().startswith("## ")


def test_the_opioid_guide_cites_the_cdc_guideline_and_the_dea(articles) -> None:
    refs = {ref.identifier for ref in articles["opioid-prescribing-mandated-training"].references}
    assert "10.15585/mmwr.rr7103a1" in refs
    assert "https://deadiversion.usdoj.gov/faq/MATE_Act_faq.html" in refs


def test_authors_are_synthetic_and_one_discloses_fictional_relationships() -> None:
    authors = starter.load_authors()
    assert 3 <= len(authors) <= 4
    for author in authors:
        assert "Demo" in author.last_name
        assert author.email.endswith("@demo.cmepath.invalid")
        assert author.specialties
    disclosing = [author for author in authors if not author.none_to_disclose]
    assert len(disclosing) == 1
    (author,) = disclosing
    assert 1 <= len(author.disclosures) <= 2
    assert author.mitigation
    assert all(d.company.endswith("(synthetic)") for d in author.disclosures)
    ended = [d for d in author.disclosures if d.end_date is not None]
    assert all(d.end_date >= d.start_date for d in ended)


def test_every_article_author_is_a_known_author(articles) -> None:
    keys = _author_keys()
    for article in articles.values():
        assert set(article.authors) <= keys


# --- refusals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("slug: sample-article\n", "slug: sample-article\ncolour: red\n", "unknown key"),
        ("topics: [ethics]", "topics: [ethicks]", "unknown topic 'ethicks'"),
        ("professions: [MD]", "professions: [Doctor]", "unknown profession"),
        ("specialties: [207Q00000X]", "specialties: [999Q00000X]", "unknown NUCC"),
        ("kind: doi", "kind: isbn", "kind 'isbn'"),
        ("identifier: 10.1542/peds.2019-2503", "identifier: 10.1542", "malformed doi"),
        ("type: clinical_guide", "type: opinion", "type 'opinion'"),
        ("authors: [elena-demo-vasquez]", "authors: [nobody]", "not in authors.yaml"),
        ("citing the study [1].", "citing the study [2].", r"outside 1\.\.1"),
        ("citing the study [1].", "citing nothing.", r"never cited"),
        ("Some text", "Some <b>bold</b> text", "raw HTML"),
        ("## A heading", "# A heading", "level-1 heading"),
        (", year: 2020}", "}", "missing key"),
    ],
)
def test_a_broken_article_is_refused_with_the_file_name(old, new, message) -> None:
    assert old in VALID
    text = VALID.replace(old, new)
    with pytest.raises(ValueError, match="broken.md") as info:
        starter.parse_article(text, source="broken.md", author_keys=_author_keys())
    assert re.search(message, str(info.value)), str(info.value)


def test_the_valid_template_parses() -> None:
    article = starter.parse_article(VALID, source="sample.md", author_keys=_author_keys())
    assert article.slug == "sample-article"
    assert article.references[0].journal == "Pediatrics"
    assert article.cited_positions == {1}


def test_missing_front_matter_is_refused() -> None:
    with pytest.raises(ValueError, match="broken.md: must start with a '---'"):
        starter.parse_article("## Just a body\n", source="broken.md", author_keys=frozenset())


def test_the_file_name_must_match_the_slug(tmp_path: Path) -> None:
    (tmp_path / "other-name.md").write_text(VALID, encoding="utf-8")
    with pytest.raises(ValueError, match=r"other-name\.md: the file name must be the slug"):
        starter.load_articles(tmp_path)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("    profession: NP\n", "    profession: NP\n    pager: 123\n", "unknown key"),
        ("last_name: Demo-Okoro", "last_name: Okoro", "contains 'Demo'"),
        (
            "email: ines.demo-okoro@demo.cmepath.invalid",
            "email: ines@example.com",
            "demo.cmepath.invalid",
        ),
        ("nature: advisor", "nature: friend", "nature 'friend'"),
        ("specialties: [363LF0000X]", "specialties: [363LF0000Y]", "unknown NUCC"),
        ("end_date: 2024-09-30", "end_date: 2022-09-30", "end_date is before start_date"),
    ],
)
def test_a_broken_authors_file_is_refused_with_the_file_name(old, new, message) -> None:
    text = starter.AUTHORS_FILE.read_text(encoding="utf-8")
    assert old in text
    with pytest.raises(ValueError, match="authors.yaml") as info:
        starter.parse_authors(yaml.safe_load(text.replace(old, new)), source="authors.yaml")
    assert message in str(info.value), str(info.value)


def test_relationships_without_a_mitigation_statement_are_refused() -> None:
    raw = yaml.safe_load(starter.AUTHORS_FILE.read_text(encoding="utf-8"))
    (author,) = [a for a in raw["authors"] if a["disclosure"]["relationships"]]
    author["disclosure"]["mitigation"] = ""
    with pytest.raises(ValueError, match="authors.yaml: .*need a mitigation statement"):
        starter.parse_authors(raw, source="authors.yaml")
