"""The knowledge hub's starter content: articles (``data/articles/*.md``) and their synthetic
expert authors with disclosures (``data/authors.yaml``).

Pure (no Django import): it parses and checks the files and returns dataclasses; a service
turns them into rows. An article file is Markdown with YAML front matter between ``---``
lines; references are numbered by their order and cited in the body as ``[n]``. Every
problem raises ValueError naming the file, so a broken article fails the loader (and its
test) instead of reaching a page.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from cmepath.accounts import taxonomy
from cmepath.core.vocabulary import validate_profession, validate_topic

DATA_DIR = Path(__file__).with_name("data")
ARTICLES_DIR = DATA_DIR / "articles"
AUTHORS_FILE = DATA_DIR / "authors.yaml"

# The values of hub.choices (which imports Django); a test keeps the two in step.
ARTICLE_TYPES = frozenset({"clinical_guide", "research_summary", "career_guide"})
REFERENCE_KINDS = frozenset({"doi", "pmid", "url"})
RELATIONSHIP_NATURES = frozenset(
    {
        "employee",
        "researcher",
        "consultant",
        "advisor",
        "speaker",
        "contractor",
        "royalties",
        "executive",
        "ownership",
    }
)
PAID_TO = frozenset({"author", "institution"})

# Field limits of hub.models (Article, Reference, Expert).
TITLE_MAX = 200
SUMMARY_MAX = 600
SLUG_MAX = 120
REFERENCE_TITLE_MAX = 400
JOURNAL_MAX = 200
IDENTIFIER_MAX = 300
BIO_MAX = 500

ARTICLE_REQUIRED = frozenset(
    {
        "slug",
        "type",
        "title",
        "summary",
        "topics",
        "specialties",
        "professions",
        "last_reviewed_on",
        "authors",
        "references",
    }
)
ARTICLE_OPTIONAL = frozenset({"linked_topics_for_cme"})
REFERENCE_REQUIRED = frozenset({"kind", "identifier", "title", "year"})
REFERENCE_OPTIONAL = frozenset({"journal"})
AUTHORS_FILE_KEYS = frozenset({"source_note", "as_of", "authors"})
AUTHOR_KEYS = frozenset(
    {"key", "first_name", "last_name", "email", "profession", "specialties", "bio", "disclosure"}
)
DISCLOSURE_KEYS = frozenset({"declared_on", "mitigation", "relationships"})
RELATIONSHIP_REQUIRED = frozenset({"company", "nature", "paid_to", "start_date"})
RELATIONSHIP_OPTIONAL = frozenset({"ineligible", "end_date"})

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
AUTHOR_KEY_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# The same shapes hub.references accepts at entry (Crossref's DOI pattern, PMIDs of 1-8 digits).
DOI_RE = re.compile(r"^10\.\d{4,9}/[-._;()/:A-Za-z0-9]+$")
PMID_RE = re.compile(r"^[1-9]\d{0,7}$")
URL_RE = re.compile(r"^https?://[^\s<>\"]+$")
CITATION_RE = re.compile(r"\[(\d+)\]")
RAW_HTML_RE = re.compile(r"<[A-Za-z/!?]")
DEMO_EMAIL_DOMAIN = "@demo.cmepath.invalid"
FRONT_MATTER_FENCE = "---"


@dataclass(frozen=True, slots=True)
class StarterReference:
    """One numbered reference (``position`` is its 1-based place in the list)."""

    position: int
    kind: str
    identifier: str
    title: str
    journal: str
    year: int


@dataclass(frozen=True, slots=True)
class StarterArticle:
    slug: str
    article_type: str
    title: str
    summary: str
    topics: tuple[str, ...]
    specialties: tuple[str, ...]
    professions: tuple[str, ...]
    last_reviewed_on: date
    authors: tuple[str, ...]
    references: tuple[StarterReference, ...]
    linked_topics_for_cme: tuple[str, ...]
    body: str
    source_file: str

    @property
    def cited_positions(self) -> frozenset[int]:
        """The reference numbers the body cites."""
        return frozenset(int(n) for n in CITATION_RE.findall(self.body))


@dataclass(frozen=True, slots=True)
class StarterDisclosure:
    """One financial relationship, dated (``end_date`` None while it lasts)."""

    company: str
    ineligible: bool
    nature: str
    paid_to: str
    start_date: date
    end_date: date | None


@dataclass(frozen=True, slots=True)
class StarterAuthor:
    key: str
    first_name: str
    last_name: str
    email: str
    profession: str
    specialties: tuple[str, ...]
    bio: str
    declared_on: date
    mitigation: str
    disclosures: tuple[StarterDisclosure, ...]

    @property
    def none_to_disclose(self) -> bool:
        return not self.disclosures


# --- small checkers (each raises ValueError with the file name) ---------------------------


def _fail(source: str, message: str) -> ValueError:
    return ValueError(f"{source}: {message}")


def _check_keys(
    raw: Mapping[str, Any],
    *,
    required: frozenset[str],
    optional: frozenset[str] = frozenset(),
    where: str,
    source: str,
) -> None:
    unknown = set(raw) - required - optional
    if unknown:
        raise _fail(source, f"{where}: unknown key(s) {sorted(unknown)}")
    missing = required - set(raw)
    if missing:
        raise _fail(source, f"{where}: missing key(s) {sorted(missing)}")


def _text(value: Any, *, field: str, source: str, limit: int, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise _fail(source, f"{field} must be text")
    text = " ".join(value.split())
    if required and not text:
        raise _fail(source, f"{field} must not be empty")
    if len(text) > limit:
        raise _fail(source, f"{field} is {len(text)} characters (at most {limit})")
    return text


def _date(value: Any, *, field: str, source: str) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _fail(source, f"{field} must be a date (YYYY-MM-DD), got {value!r}")


def _codes(value: Any, *, field: str, source: str, allow_empty: bool) -> tuple[str, ...]:
    if value is None and allow_empty:
        return ()
    if not isinstance(value, list) or not all(isinstance(code, str) for code in value):
        raise _fail(source, f"{field} must be a list of codes")
    if not value and not allow_empty:
        raise _fail(source, f"{field} must not be empty")
    if len(set(value)) != len(value):
        raise _fail(source, f"{field} lists a code twice")
    return tuple(value)


def _topics(value: Any, *, field: str, source: str, allow_empty: bool) -> tuple[str, ...]:
    codes = _codes(value, field=field, source=source, allow_empty=allow_empty)
    for code in codes:
        try:
            validate_topic(code)
        except ValueError as exc:
            raise _fail(source, f"{field}: {exc}") from exc
    return codes


def _professions(value: Any, *, source: str) -> tuple[str, ...]:
    codes = _codes(value, field="professions", source=source, allow_empty=False)
    for code in codes:
        try:
            validate_profession(code)
        except ValueError as exc:
            raise _fail(source, f"professions: {exc}") from exc
    return codes


def _specialties(value: Any, *, source: str, allow_empty: bool) -> tuple[str, ...]:
    codes = _codes(value, field="specialties", source=source, allow_empty=allow_empty)
    for code in codes:
        if taxonomy.get(code) is None:
            raise _fail(source, f"specialties: unknown NUCC taxonomy code {code!r}")
    return codes


# --- references and body ----------------------------------------------------------------


def _identifier(kind: str, value: Any, *, where: str, source: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # YAML reads an unquoted PMID (or a truncated DOI) as a number
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, f"{where}: identifier must be text")
    identifier = value.strip()
    pattern = {"doi": DOI_RE, "pmid": PMID_RE, "url": URL_RE}[kind]
    if len(identifier) > IDENTIFIER_MAX or not pattern.fullmatch(identifier):
        raise _fail(source, f"{where}: malformed {kind} {identifier!r}")
    return identifier


def _reference(raw: Any, position: int, *, source: str) -> StarterReference:
    where = f"references[{position}]"
    if not isinstance(raw, dict):
        raise _fail(source, f"{where} must be a mapping")
    _check_keys(
        raw, required=REFERENCE_REQUIRED, optional=REFERENCE_OPTIONAL, where=where, source=source
    )
    kind = raw["kind"]
    if kind not in REFERENCE_KINDS:
        raise _fail(source, f"{where}: kind {kind!r} is not one of {sorted(REFERENCE_KINDS)}")
    year = raw["year"]
    if not isinstance(year, int) or isinstance(year, bool) or not 1900 <= year <= 2100:
        raise _fail(source, f"{where}: year must be a four-digit year, got {year!r}")
    return StarterReference(
        position=position,
        kind=kind,
        identifier=_identifier(kind, raw["identifier"], where=where, source=source),
        title=_text(raw["title"], field=f"{where}.title", source=source, limit=REFERENCE_TITLE_MAX),
        journal=_text(
            raw.get("journal"),
            field=f"{where}.journal",
            source=source,
            limit=JOURNAL_MAX,
            required=False,
        ),
        year=year,
    )


def _references(value: Any, *, source: str) -> tuple[StarterReference, ...]:
    if not isinstance(value, list) or not value:
        raise _fail(source, "references must be a non-empty list")
    refs = tuple(_reference(raw, n, source=source) for n, raw in enumerate(value, start=1))
    seen: set[tuple[str, str]] = set()
    for ref in refs:
        key = (ref.kind, ref.identifier.lower())
        if key in seen:
            raise _fail(source, f"references[{ref.position}] repeats {ref.kind} {ref.identifier}")
        seen.add(key)
    return refs


def _check_body(body: str, n_references: int, *, source: str) -> None:
    if not body.strip():
        raise _fail(source, "the body is empty")
    if RAW_HTML_RE.search(body):
        raise _fail(source, "the body contains raw HTML (a '<' followed by a letter)")
    if "![" in body:
        raise _fail(source, "the body contains an image")
    for line in body.splitlines():
        if re.match(r"^#(?!#)", line):
            raise _fail(source, f"level-1 heading {line.strip()!r}: use '##' headings")
    cited = {int(n) for n in CITATION_RE.findall(body)}
    outside = sorted(n for n in cited if not 1 <= n <= n_references)
    if outside:
        raise _fail(source, f"citation(s) {outside} outside 1..{n_references}")
    uncited = sorted(set(range(1, n_references + 1)) - cited)
    if uncited:
        raise _fail(source, f"reference(s) {uncited} never cited in the body")


# --- articles ---------------------------------------------------------------------------


def split_front_matter(text: str, *, source: str) -> tuple[dict[str, Any], str]:
    """The YAML front matter (a mapping) and the Markdown body of an article file."""
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != FRONT_MATTER_FENCE:
        raise _fail(source, "must start with a '---' front matter line")
    try:
        end = next(
            i for i, line in enumerate(lines[1:], start=1) if line.strip() == FRONT_MATTER_FENCE
        )
    except StopIteration:
        raise _fail(source, "the front matter has no closing '---' line") from None
    try:
        meta = yaml.safe_load("\n".join(lines[1:end]))
    except yaml.YAMLError as exc:
        raise _fail(source, f"front matter is not valid YAML: {exc}") from exc
    if not isinstance(meta, dict):
        raise _fail(source, "the front matter must be a mapping")
    return meta, "\n".join(lines[end + 1 :]).strip() + "\n"


def parse_article(text: str, *, source: str, author_keys: frozenset[str]) -> StarterArticle:
    """Parse and check one article file's text (``source`` names it in errors)."""
    meta, body = split_front_matter(text, source=source)
    _check_keys(
        meta,
        required=ARTICLE_REQUIRED,
        optional=ARTICLE_OPTIONAL,
        where="front matter",
        source=source,
    )
    slug = meta["slug"]
    if not isinstance(slug, str) or len(slug) > SLUG_MAX or not SLUG_RE.fullmatch(slug):
        raise _fail(source, f"slug {slug!r} must be lowercase words joined by '-'")
    if meta["type"] not in ARTICLE_TYPES:
        raise _fail(source, f"type {meta['type']!r} is not one of {sorted(ARTICLE_TYPES)}")
    authors = _codes(meta["authors"], field="authors", source=source, allow_empty=False)
    unknown_authors = sorted(set(authors) - author_keys)
    if unknown_authors:
        raise _fail(source, f"authors {unknown_authors} are not in {AUTHORS_FILE.name}")
    references = _references(meta["references"], source=source)
    _check_body(body, len(references), source=source)
    return StarterArticle(
        slug=slug,
        article_type=meta["type"],
        title=_text(meta["title"], field="title", source=source, limit=TITLE_MAX),
        summary=_text(meta["summary"], field="summary", source=source, limit=SUMMARY_MAX),
        topics=_topics(meta["topics"], field="topics", source=source, allow_empty=False),
        specialties=_specialties(meta["specialties"], source=source, allow_empty=True),
        professions=_professions(meta["professions"], source=source),
        last_reviewed_on=_date(meta["last_reviewed_on"], field="last_reviewed_on", source=source),
        authors=authors,
        references=references,
        linked_topics_for_cme=_topics(
            meta.get("linked_topics_for_cme"),
            field="linked_topics_for_cme",
            source=source,
            allow_empty=True,
        ),
        body=body,
        source_file=source,
    )


def load_articles(directory: Path = ARTICLES_DIR) -> list[StarterArticle]:
    """Every ``*.md`` article in ``directory``, checked, in file-name order."""
    author_keys = frozenset(author.key for author in load_authors())
    articles: list[StarterArticle] = []
    slugs: dict[str, str] = {}
    for path in sorted(directory.glob("*.md")):
        article = parse_article(
            path.read_text(encoding="utf-8"), source=path.name, author_keys=author_keys
        )
        if path.stem != article.slug:
            raise _fail(path.name, f"the file name must be the slug ({article.slug}.md)")
        if article.slug in slugs:
            raise _fail(path.name, f"slug {article.slug!r} is also used by {slugs[article.slug]}")
        slugs[article.slug] = path.name
        articles.append(article)
    if not articles:
        raise ValueError(f"{directory.name}: no article files (*.md)")
    return articles


# --- authors ----------------------------------------------------------------------------


def _relationship(raw: Any, index: int, *, source: str, where: str) -> StarterDisclosure:
    here = f"{where}.relationships[{index}]"
    if not isinstance(raw, dict):
        raise _fail(source, f"{here} must be a mapping")
    _check_keys(
        raw,
        required=RELATIONSHIP_REQUIRED,
        optional=RELATIONSHIP_OPTIONAL,
        where=here,
        source=source,
    )
    if raw["nature"] not in RELATIONSHIP_NATURES:
        raise _fail(
            source, f"{here}: nature {raw['nature']!r} is not one of {sorted(RELATIONSHIP_NATURES)}"
        )
    if raw["paid_to"] not in PAID_TO:
        raise _fail(source, f"{here}: paid_to {raw['paid_to']!r} is not one of {sorted(PAID_TO)}")
    ineligible = raw.get("ineligible", True)
    if not isinstance(ineligible, bool):
        raise _fail(source, f"{here}: ineligible must be true or false")
    start = _date(raw["start_date"], field=f"{here}.start_date", source=source)
    end_raw = raw.get("end_date")
    end = None if end_raw is None else _date(end_raw, field=f"{here}.end_date", source=source)
    if end is not None and end < start:
        raise _fail(source, f"{here}: end_date is before start_date")
    return StarterDisclosure(
        company=_text(raw["company"], field=f"{here}.company", source=source, limit=200),
        ineligible=ineligible,
        nature=raw["nature"],
        paid_to=raw["paid_to"],
        start_date=start,
        end_date=end,
    )


def _author(raw: Any, index: int, *, source: str) -> StarterAuthor:
    where = f"authors[{index}]"
    if not isinstance(raw, dict):
        raise _fail(source, f"{where} must be a mapping")
    _check_keys(raw, required=AUTHOR_KEYS, where=where, source=source)
    key = raw["key"]
    if not isinstance(key, str) or not AUTHOR_KEY_RE.fullmatch(key):
        raise _fail(source, f"{where}: key {key!r} must be lowercase words joined by '-'")
    last_name = _text(raw["last_name"], field=f"{where}.last_name", source=source, limit=150)
    if "Demo" not in last_name:
        raise _fail(source, f"{where}: a synthetic author's last name contains 'Demo'")
    email = _text(raw["email"], field=f"{where}.email", source=source, limit=254)
    if not email.endswith(DEMO_EMAIL_DOMAIN) or email.count("@") != 1:
        raise _fail(source, f"{where}: email must end in {DEMO_EMAIL_DOMAIN}")
    try:
        profession = validate_profession(raw["profession"])
    except ValueError as exc:
        raise _fail(source, f"{where}.profession: {exc}") from exc
    disclosure = raw["disclosure"]
    if not isinstance(disclosure, dict):
        raise _fail(source, f"{where}.disclosure must be a mapping")
    _check_keys(disclosure, required=DISCLOSURE_KEYS, where=f"{where}.disclosure", source=source)
    relationships = disclosure["relationships"] or []
    if not isinstance(relationships, list):
        raise _fail(source, f"{where}.disclosure.relationships must be a list")
    disclosures = tuple(
        _relationship(rel, n, source=source, where=f"{where}.disclosure")
        for n, rel in enumerate(relationships)
    )
    mitigation = _text(
        disclosure["mitigation"],
        field=f"{where}.disclosure.mitigation",
        source=source,
        limit=1000,
        required=False,
    )
    if disclosures and not mitigation:
        raise _fail(source, f"{where}: relationships need a mitigation statement")
    return StarterAuthor(
        key=key,
        first_name=_text(raw["first_name"], field=f"{where}.first_name", source=source, limit=150),
        last_name=last_name,
        email=email,
        profession=profession,
        specialties=_specialties(raw["specialties"], source=source, allow_empty=False),
        bio=_text(raw["bio"], field=f"{where}.bio", source=source, limit=BIO_MAX),
        declared_on=_date(
            disclosure["declared_on"], field=f"{where}.disclosure.declared_on", source=source
        ),
        mitigation=mitigation,
        disclosures=disclosures,
    )


def parse_authors(raw: Any, *, source: str) -> list[StarterAuthor]:
    """Check the parsed authors file (``source_note``, ``as_of``, ``authors``)."""
    if not isinstance(raw, dict):
        raise _fail(source, "must be a mapping with source_note, as_of and authors")
    _check_keys(raw, required=AUTHORS_FILE_KEYS, where="top level", source=source)
    _text(raw["source_note"], field="source_note", source=source, limit=2000)
    _date(raw["as_of"], field="as_of", source=source)
    entries = raw["authors"]
    if not isinstance(entries, list) or not entries:
        raise _fail(source, "authors must be a non-empty list")
    authors = [_author(entry, n, source=source) for n, entry in enumerate(entries)]
    keys = [author.key for author in authors]
    emails = [author.email for author in authors]
    if len(set(keys)) != len(keys) or len(set(emails)) != len(emails):
        raise _fail(source, "author keys and emails must be unique")
    return authors


@functools.cache
def _authors_cached(path: Path) -> tuple[StarterAuthor, ...]:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise _fail(path.name, f"not valid YAML: {exc}") from exc
    return tuple(parse_authors(raw, source=path.name))


def load_authors(path: Path = AUTHORS_FILE) -> list[StarterAuthor]:
    """The synthetic expert authors with their disclosures (the file is read once)."""
    return list(_authors_cached(path))


def authors_by_key(authors: Sequence[StarterAuthor] | None = None) -> dict[str, StarterAuthor]:
    return {author.key: author for author in (authors if authors is not None else load_authors())}
