"""Safe Markdown for article bodies (reference/hub.md section 6). Pure: no Django, no I/O.

Pipeline, in this order:

1. ``MarkdownIt("js-default")``: raw HTML is off, so ``<script>`` comes out as text, and its
   link validation refuses ``javascript:``, ``vbscript:``, ``file:`` and non-image ``data:``
   URLs. Tables and strikethrough are part of that preset already.
2. Two core rules over the token stream (no HTML strings are spliced in):
   headings get ids from their text, slugified, prefixed with ``id_prefix`` (against DOM
   clobbering: a heading named "forms" must not become ``document.forms``) and made
   unique; ``h1`` is demoted to ``h2`` (the page has its own ``h1``) and ``h5``/``h6`` are
   raised to ``h4``. Citation markers ``[1]``, ``[2, 3]``, ``[1-3]`` in paragraph or table
   text (not in code, not inside a link) become superscript links to ``#ref-<n>`` when
   every number is a known reference; otherwise they stay text and are reported.
3. Images are never rendered: ``![alt](src)`` renders as its (escaped) alt text, so no
   remote, tracking or oversized image reaches the page.
4. ``nh3`` (ammonia) with an explicit allow-list as the second layer: if step 1 is ever
   weakened, scripts, handlers, styles and foreign URL schemes are still removed.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from html import unescape
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from cmepath.hub.choices import WORDS_PER_MINUTE

#: The markdown-it preset. ``js-default`` has raw HTML off; never use ``commonmark`` or the
#: bare ``MarkdownIt()`` here: both pass ``<script>`` through (tests/hub/test_rendering.py).
PRESET = "js-default"
#: Ids of the numbered reference list items on the article page: ``ref-1``, ``ref-2``...
REFERENCE_ID_PREFIX = "ref-"

#: Tag -> attributes kept by nh3. ``sup`` keeps only ``class="cite"`` (``ALLOWED_CLASSES``),
#: heading ``id``s must carry the prefix (checked by the attribute filter), ``a`` gets
#: ``rel`` from nh3. ``ol[start]`` keeps a list that starts at 3 numbered from 3, and ``s``
#: keeps struck-out text visibly struck (``~~10 mg~~ 5 mg`` must not read "10 mg 5 mg").
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "p": set(),
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "ul": set(),
    "ol": {"start"},
    "li": set(),
    "strong": set(),
    "em": set(),
    "s": set(),
    "code": set(),
    "pre": set(),
    "blockquote": set(),
    "a": {"href", "title"},
    "sup": set(),
    "table": set(),
    "thead": set(),
    "tbody": set(),
    "tr": set(),
    "th": set(),
    "td": set(),
    "hr": set(),
    "br": set(),
}
ALLOWED_TAGS: frozenset[str] = frozenset(ALLOWED_ATTRIBUTES)
ALLOWED_CLASSES: dict[str, set[str]] = {"sup": {"cite"}}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer nofollow"

_PREFIX_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
_NUMBER = r"\d{1,9}"  # bounded, so int() never meets a 5,000-digit "number"
_PART = rf"{_NUMBER}(?:\s*[-\u2013]\s*{_NUMBER})?"
_MARKER_RE = re.compile(rf"\[\s*({_PART}(?:\s*,\s*{_PART})*)\s*\]")
_RANGE_RE = re.compile(r"[-\u2013]")
_ENV_KEY = "cmepath_hub"
_CONTROL_RE = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME_RE = re.compile(r"[a-z][a-z0-9+.-]*:")
_SCRIPT_SCHEME_RE = re.compile(r"(?:javascript|vbscript|livescript|data|file):")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of the rendered body (for a table of contents); ``text`` is plain text."""

    level: int
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class Rendered:
    """Sanitised HTML plus what the page and the submit checks need to know about it.

    ``cited``: the reference numbers the text links to (sorted, unique).
    ``unknown_citations``: numbers in markers that match no reference (sorted, unique);
    those markers are left as plain text.
    """

    html: str
    headings: tuple[Heading, ...]
    words: int
    cited: tuple[int, ...]
    unknown_citations: tuple[int, ...] = ()


@dataclass(slots=True)
class _Pass:
    """Per-render state carried through markdown-it's ``env``."""

    id_prefix: str
    known: frozenset[int]
    headings: list[Heading] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    words: int = 0
    cited: set[int] = field(default_factory=set)
    unknown: set[int] = field(default_factory=set)


def reference_anchor(position: int) -> str:
    """The id of reference ``position`` in the list the page renders (``ref-3``)."""
    return f"{REFERENCE_ID_PREFIX}{position}"


def reading_minutes(words: int) -> int:
    """Whole minutes to read ``words`` at ``WORDS_PER_MINUTE``, rounded up, at least 1."""
    return max(1, math.ceil(max(words, 0) / WORDS_PER_MINUTE))


@functools.cache
def parser() -> MarkdownIt:
    """The shared markdown-it instance: the ``js-default`` preset plus three core rules
    (heading ids, citations, word count) and the image renderer. Per-render parameters
    travel in ``env``, so one instance serves every render."""
    md = MarkdownIt(PRESET)
    md.core.ruler.push("cmepath_headings", _headings_rule)
    md.core.ruler.push("cmepath_citations", _citations_rule)
    md.core.ruler.push("cmepath_words", _words_rule)
    md.add_render_rule("image", _render_image_as_alt)
    return md


def render_markdown(
    body: str, *, id_prefix: str = "h-", references: Sequence[int] | int = 0
) -> Rendered:
    """Render an article body to sanitised HTML.

    ``references``: the number of references (markers 1..n are valid) or the positions
    that exist. ``id_prefix`` must start with a letter and hold only letters, digits,
    ``-`` and ``_``; an empty prefix would reopen DOM clobbering, so it is refused.
    """
    if not _PREFIX_RE.match(id_prefix):
        raise ValueError(f"id_prefix {id_prefix!r} must start with a letter (letters, digits, - _)")
    known = (
        frozenset(range(1, references + 1))
        if isinstance(references, int)
        else frozenset(n for n in references if n >= 1)
    )
    state = _Pass(id_prefix=id_prefix, known=known)
    env: EnvType = {_ENV_KEY: state}
    md = parser()
    tokens = md.parse(body, env)
    raw = md.renderer.render(tokens, md.options, env)
    return Rendered(
        html=_cleaner(id_prefix).clean(raw),
        headings=tuple(state.headings),
        words=state.words,
        cited=tuple(sorted(state.cited)),
        unknown_citations=tuple(sorted(state.unknown)),
    )


@functools.lru_cache(maxsize=16)
def _cleaner(id_prefix: str) -> nh3.Cleaner:
    def keep_prefixed_ids(tag: str, attribute: str, value: str) -> str | None:
        if attribute == "id":
            return value if value.startswith(id_prefix) else None
        return value

    return nh3.Cleaner(
        tags=set(ALLOWED_TAGS),
        clean_content_tags={"script", "style"},
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        attribute_filter=keep_prefixed_ids,
        strip_comments=True,
        link_rel=LINK_REL,
        url_schemes=set(URL_SCHEMES),
        allowed_classes={tag: set(classes) for tag, classes in ALLOWED_CLASSES.items()},
        url_relative=_relative_url,
        id_prefix=id_prefix,
    )


def _relative_url(url: str) -> str | None:
    """Keep a relative link (``#ref-2``, ``/catalog/``) unless, decoded, it spells a scheme
    or names a script scheme anywhere: ``jav%09ascript:`` and ``%5Cjavascript:`` are inert in
    today's browsers, but we do not bet on every URL parser."""
    decoded = _CONTROL_RE.sub("", unquote(unescape(url))).lower()
    if _SCHEME_RE.match(decoded.lstrip("/\\")) or _SCRIPT_SCHEME_RE.search(decoded):
        return None
    return url


def _state(env: EnvType) -> _Pass | None:
    state = env.get(_ENV_KEY)
    # Someone calling parser().render() directly gets plain markdown-it behaviour.
    return state if isinstance(state, _Pass) else None


def _plain_text(children: Sequence[Token] | None) -> str:
    out: list[str] = []
    for token in children or ():
        if token.type in ("text", "code_inline", "text_special"):
            out.append(token.content)
        elif token.type == "image":
            out.append(_plain_text(token.children))
        elif token.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:60].rstrip("-") or "section"


def _headings_rule(state: StateCore) -> None:
    run = _state(state.env)
    if run is None:
        return
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        level = min(max(int(token.tag[1:]), 2), 4)
        token.tag = f"h{level}"
        inline = tokens[i + 1] if i + 1 < len(tokens) else None
        text = _plain_text(inline.children).strip() if inline is not None else ""
        for closing in tokens[i + 1 :]:
            if closing.type == "heading_close":
                closing.tag = token.tag
                break
        base = f"{run.id_prefix}{_slug(text)}"
        anchor, n = base, 1
        while anchor in run.ids:
            n += 1
            anchor = f"{base}-{n}"
        run.ids.add(anchor)
        token.attrSet("id", anchor)
        run.headings.append(Heading(level=level, id=anchor, text=text))


def _citations_rule(state: StateCore) -> None:
    run = _state(state.env)
    if run is None:
        return
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children or i == 0:
            continue
        # Paragraphs (also inside lists and quotes) and table cells; not headings.
        if tokens[i - 1].type not in ("paragraph_open", "td_open", "th_open"):
            continue
        token.children = _link_citations(token.children, run)


def _link_citations(children: list[Token], run: _Pass) -> list[Token]:
    out: list[Token] = []
    link_depth = 0
    for child in children:
        if child.type == "link_open":
            link_depth += 1
        elif child.type == "link_close":
            link_depth -= 1
        if child.type != "text" or link_depth > 0 or "[" not in child.content:
            out.append(child)
            continue
        out.extend(_split_text(child, run))
    return out


def _split_text(token: Token, run: _Pass) -> list[Token]:
    out: list[Token] = []
    text = token.content
    pos = 0
    for match in _MARKER_RE.finditer(text):
        parts = _parse_marker(match.group(1))
        unknown = _unknown(parts, run.known)
        if unknown:
            run.unknown.update(unknown)
            continue  # stays text
        if match.start() > pos:
            out.append(_text(text[pos : match.start()], token))
        out.extend(_citation_tokens(parts, token))
        for lo, hi in parts:
            run.cited.update(range(lo, hi + 1))
        pos = match.end()
    if not out:
        return [token]
    if pos < len(text):
        out.append(_text(text[pos:], token))
    return out


def _parse_marker(inner: str) -> list[tuple[int, int]]:
    """``"1, 3-5"`` -> ``[(1, 1), (3, 5)]``; a reversed range is read ascending."""
    parts: list[tuple[int, int]] = []
    for piece in inner.split(","):
        ends = [int(x) for x in _RANGE_RE.split(piece)]
        parts.append((min(ends), max(ends)))
    return parts


def _unknown(parts: list[tuple[int, int]], known: frozenset[int]) -> set[int]:
    """Numbers of a marker that match no reference. A range is expanded only once both
    its ends are known, so ``[1-999999999]`` costs nothing."""
    unknown: set[int] = set()
    for lo, hi in parts:
        ends = {lo, hi} - known
        unknown |= ends or {n for n in range(lo, hi + 1) if n not in known}
    return unknown


def _text(content: str, like: Token) -> Token:
    return Token("text", "", 0, content=content, level=like.level)


def _citation_tokens(parts: list[tuple[int, int]], like: Token) -> list[Token]:
    level = like.level
    out = [Token("cite_open", "sup", 1, attrs={"class": "cite"}, level=level)]
    for index, (lo, hi) in enumerate(parts):
        if index:
            out.append(Token("text", "", 0, content=", ", level=level + 1))
        out.extend(_citation_link(lo, level + 1))
        if hi != lo:
            out.append(Token("text", "", 0, content="\u2013", level=level + 1))
            out.extend(_citation_link(hi, level + 1))
    out.append(Token("cite_close", "sup", -1, level=level))
    return out


def _citation_link(number: int, level: int) -> list[Token]:
    return [
        Token("link_open", "a", 1, attrs={"href": f"#{reference_anchor(number)}"}, level=level),
        Token("text", "", 0, content=str(number), level=level + 1),
        Token("link_close", "a", -1, level=level),
    ]


def _words_rule(state: StateCore) -> None:
    run = _state(state.env)
    if run is None:
        return
    count = 0
    for token in state.tokens:
        if token.type == "inline":
            count += len(_plain_text(token.children).split())
        elif token.type in ("fence", "code_block"):
            count += len(token.content.split())
    run.words = count


def _render_image_as_alt(
    self: object, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType
) -> str:
    """Images are refused: the alt text stands in for them, escaped."""
    return escapeHtml(_plain_text(tokens[idx].children))
