"""Safe Markdown: an XSS corpus renders inert, the preset guard, heading ids, citations,
images and reading time."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import unquote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from cmepath.hub.choices import WORDS_PER_MINUTE
from cmepath.hub.rendering import (
    PRESET,
    Heading,
    parser,
    reading_minutes,
    reference_anchor,
    render_markdown,
)

#: What the page may contain: tag -> attributes (``rel`` is nh3's, on links only).
ALLOW: dict[str, set[str]] = {
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
    "a": {"href", "title", "rel"},
    "sup": {"class"},
    "table": set(),
    "thead": set(),
    "tbody": set(),
    "tr": set(),
    "th": set(),
    "td": set(),
    "hr": set(),
    "br": set(),
}
SAFE_SCHEMES = {"http", "https", "mailto"}

# OWASP XSS filter evasion cheat sheet style, as Markdown bodies. Grouped by how each one
# would get through: raw HTML, link URLs, Markdown constructs that emit attributes, mXSS.
XSS = [
    # raw HTML
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script\x20type="text/javascript">alert(1);</script>',
    "text <script>alert(1)</script> inline",
    "<img src=x onerror=alert(1)>",
    '<IMG SRC="jav&#x09;ascript:alert(1);">',
    "<img src=`javascript:alert(1)`>",
    "<svg onload=alert(1)>",
    "<svg/onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="width: expression(alert(1));">x</div>',
    '<p style="background-image: url(javascript:alert(1))">x</p>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="#" onclick="alert(1)">x</a>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>x</button></form>',
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    "<!-- --><script>alert(1)</script>",
    "<!--<img src=x onerror=alert(1)>-->",
    "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    # mXSS and namespace confusion
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<svg><p><style><img src=x onerror=alert(1)></style>",
    "<math href=javascript:alert(1)>x</math>",
    # links whose URL is the payload
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x]( javascript:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](jav&#x09;ascript:alert(1))",
    "[x](jav&#x0A;ascript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;&#x61;&#x76;&#x61;script:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](javascript%3Aalert(1))",
    "[x](java%0ascript:alert(1))",
    "[x](\\javascript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](VBScript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](data:image/png;base64,iVBORw0KGgo=)",
    "[x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "[x](file:///etc/passwd)",
    "[x][evil]\n\n[evil]: javascript:alert(1)",
    '[x][evil]\n\n[evil]: <javascript:alert(1)> "t"',
    "[x][evil]\n\n[evil]: data:text/html,<script>alert(1)</script>",
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
    "[1](javascript:alert(1)) cites [1]",
    # Markdown constructs that emit attributes or become HTML only after rendering
    '[x](https://example.org "a\\" onmouseover=\\"alert(1)")',
    "[x](https://example.org 'a\" onmouseover=\"alert(1)')",
    '[x](https://example.org "><script>alert(1)</script>")',
    '[x](https://example.org/" onmouseover="alert(1))',
    '![x" onerror="alert(1)](https://example.org/x.png)',
    '![x](https://example.org/x.png "t\\" onerror=\\"alert(1)")',
    "![x](javascript:alert(1))",
    "![x](data:image/png;base64,iVBORw0KGgo=)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![huge](https://example.org/40000x40000.png)",
    "[![x](https://example.org/x.png)](javascript:alert(1))",
    "# <img src=x onerror=alert(1)> heading",
    "# Heading {onclick=alert(1)}",
    '## x" onmouseover="alert(1)',
    "# forms\n\n# __proto__\n\n# cookie",
    "*<scr*ipt>alert(1)</scr*ipt>*",
    "**<img src=x **onerror=alert(1)>",
    "_<svg_ onload=alert(1)>",
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    '```"><script>alert(1)</script>\nx\n```',
    "    <iframe src=javascript:alert(1)>",
    "> <script>alert(1)</script>",
    "- <img src=x onerror=alert(1)>\n- [x](javascript:alert(1))",
    "| a | b |\n|---|---|\n| <script>alert(1)</script> | [x](javascript:alert(1)) |",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    "\\<script>alert(1)\\</script>",
    "<a href=\"https://example.org\" style='color:expression(alert(1))'>x</a>",
]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def tags_of(html: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return collector.tags


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see, after decoding and dropping control characters."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", unquote(url)).lower()
    match = re.match(r"([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else None


def assert_inert(html: str, *, id_prefix: str = "h-") -> None:
    lowered = html.lower()
    for needle in ("<script", "<iframe", "<svg", "<style", "<img", "<object", "<embed", "<math"):
        assert needle not in lowered, needle
    for tag, attrs in tags_of(html):
        assert tag in ALLOW, f"tag {tag!r} not allowed"
        for name, value in attrs:
            assert name in ALLOW[tag], f"{tag}[{name}] not allowed"
            assert not re.fullmatch(r"on\w+", name)
            assert name != "style"
            if name in ("href", "src"):
                assert value is not None
                assert url_scheme(value) in SAFE_SCHEMES | {None}, value
                assert not re.search(r"(javascript|vbscript|data):", url_scheme_text(value))
            if name == "class":
                assert (tag, value) == ("sup", "cite")
            if name == "id":
                assert value is not None and value.startswith(id_prefix)
            if name == "rel":
                assert value == "noopener noreferrer nofollow"
    # The same on the raw text, with quoted attribute values (escaped, inert) blanked out.
    unquoted = re.sub(r'"[^"]*"', '""', html)
    assert not re.search(r"<[^>]*\son\w+\s*=", unquoted, flags=re.IGNORECASE)
    assert not re.search(r"<[^>]*\sstyle\s*=", unquoted, flags=re.IGNORECASE)


def url_scheme_text(url: str) -> str:
    return re.sub(r"[\x00-\x20\x7f]+", "", unquote(url)).lower()


def test_the_corpus_is_big_enough() -> None:
    assert len(XSS) >= 40
    assert len(set(XSS)) == len(XSS)


@pytest.mark.parametrize("payload", XSS)
def test_xss_payload_renders_inert(payload: str) -> None:
    # When a payload is rendered with every marker treated as a known reference
    rendered = render_markdown(payload, references=3)

    # Then nothing in it can run, load or restyle anything
    assert_inert(rendered.html)


@pytest.mark.parametrize(
    "payload",
    ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>"],
)
def test_raw_html_is_shown_as_text_not_dropped(payload: str) -> None:
    # The author sees what they typed (escaped) rather than a silent hole in the text.
    html = render_markdown(payload).html

    assert payload.replace("<", "&lt;").replace(">", "&gt;") in html


def test_guard_parser_uses_js_default_preset() -> None:
    md = parser()

    assert PRESET == "js-default"
    assert md.options["html"] is False
    reference = MarkdownIt("js-default").get_active_rules()
    assert md.get_active_rules()["block"] == reference["block"]
    assert md.get_active_rules()["inline"] == reference["inline"]


def test_guard_markdown_layer_alone_blocks_script_unlike_commonmark() -> None:
    # This is the test that fails if someone switches the preset: it looks at the
    # Markdown layer alone, without nh3, which would hide the regression.
    script = "<script>alert(1)</script>"

    ours = parser().render(script)
    commonmark = MarkdownIt("commonmark").render(script)

    assert "<script" not in ours
    assert "&lt;script&gt;" in ours
    assert "<script>alert(1)</script>" in commonmark  # the preset we must not use
    assert "<script" not in render_markdown(script).html


def test_links_keep_allowed_schemes_and_get_rel() -> None:
    html = render_markdown(
        "[a](https://example.org/x?y=1) [b](http://example.org) [c](mailto:ed@example.org)"
    ).html

    hrefs = [dict(attrs)["href"] for tag, attrs in tags_of(html) if tag == "a"]
    assert hrefs == ["https://example.org/x?y=1", "http://example.org", "mailto:ed@example.org"]
    assert html.count('rel="noopener noreferrer nofollow"') == 3


def test_link_title_is_kept_escaped() -> None:
    html = render_markdown('[a](https://example.org "Say \\"hi\\"")').html

    assert dict(tags_of(html)[1][1])["title"] == 'Say "hi"'


@pytest.mark.parametrize(
    "url", ["ftp://example.org/x", "file:///etc/passwd", "data:image/png;base64,iVBORw0KGgo="]
)
def test_other_schemes_never_become_an_href(url: str) -> None:
    # markdown-it refuses file: (the link stays text); nh3 drops ftp: and data: hrefs
    html = render_markdown(f"[x]({url})").html

    assert "href" not in html
    assert "x" in html


def test_headings_get_prefixed_unique_ids_and_h1_is_demoted() -> None:
    body = "# Dosing\n\n## Dosing\n\n### Dosing 2\n\n#### Naïve café\n\n###### Deep\n\n# ***\n"

    rendered = render_markdown(body)

    assert rendered.headings == (
        Heading(level=2, id="h-dosing", text="Dosing"),
        Heading(level=2, id="h-dosing-2", text="Dosing"),
        Heading(level=3, id="h-dosing-2-2", text="Dosing 2"),
        Heading(level=4, id="h-naive-cafe", text="Naïve café"),
        Heading(level=4, id="h-deep", text="Deep"),
        Heading(level=2, id="h-section", text="***"),
    )
    assert "<h1" not in rendered.html and "<h5" not in rendered.html
    for heading in rendered.headings:
        assert f'<h{heading.level} id="{heading.id}">' in rendered.html


def test_heading_named_like_a_dom_property_cannot_clobber() -> None:
    rendered = render_markdown("# forms\n\n# cookie", id_prefix="art-7-")

    assert [h.id for h in rendered.headings] == ["art-7-forms", "art-7-cookie"]
    assert 'id="forms"' not in rendered.html
    assert_inert(rendered.html, id_prefix="art-7-")


@pytest.mark.parametrize("prefix", ["", "1-", "a b", 'x"', "-x"])
def test_unsafe_id_prefix_is_refused(prefix: str) -> None:
    with pytest.raises(ValueError, match="id_prefix"):
        render_markdown("# x", id_prefix=prefix)


def test_heading_markup_is_plain_text_in_the_outline() -> None:
    rendered = render_markdown("# The *PI-CME* `cycle` [1]", references=1)

    assert rendered.headings[0].text == "The PI-CME cycle [1]"
    assert rendered.headings[0].id == "h-the-pi-cme-cycle-1"


def test_citation_markers_become_links_to_the_reference_list() -> None:
    rendered = render_markdown("First-line use rose [1]. Others [2, 3] and [1-3].", references=3)

    assert (
        '<sup class="cite"><a href="#ref-1" rel="noopener noreferrer nofollow">1</a></sup>'
        in rendered.html
    )
    assert (
        '<sup class="cite"><a href="#ref-2" rel="noopener noreferrer nofollow">2</a>, '
        '<a href="#ref-3" rel="noopener noreferrer nofollow">3</a></sup>'
    ) in rendered.html
    assert "\u2013" in rendered.html
    assert "[1]" not in rendered.html
    assert rendered.cited == (1, 2, 3)
    assert rendered.unknown_citations == ()
    assert reference_anchor(2) == "ref-2"


def test_unknown_citation_stays_text_and_is_reported() -> None:
    rendered = render_markdown("Claim [4]. Range [2-6]. Mixed [1, 9]. Zero [0].", references=3)

    assert "[4]" in rendered.html and "[2-6]" in rendered.html and "[1, 9]" in rendered.html
    assert "<sup" not in rendered.html
    assert rendered.cited == ()
    assert rendered.unknown_citations == (0, 4, 6, 9)


def test_citations_with_no_references_are_all_unknown() -> None:
    rendered = render_markdown("A claim [1].")

    assert rendered.cited == ()
    assert rendered.unknown_citations == (1,)


def test_huge_range_is_reported_without_expanding_it() -> None:
    rendered = render_markdown("[1-999999999]", references=2)

    assert rendered.unknown_citations == (999999999,)


def test_references_as_positions_checks_gaps() -> None:
    rendered = render_markdown("See [1-3] and [2].", references=[1, 2, 4])

    assert rendered.unknown_citations == (3,)
    assert rendered.cited == (2,)


def test_markers_in_code_links_headings_and_alt_text_are_not_citations() -> None:
    body = "# Heading [1]\n\n`x[1]` [see [1]](https://example.org) ![fig [1]](https://e.org/f.png)\n\n```\ny[1]\n```"

    rendered = render_markdown(body, references=1)

    assert "<sup" not in rendered.html
    assert rendered.cited == ()


def test_citations_in_lists_quotes_and_tables() -> None:
    body = "- item [1]\n\n> quote [2]\n\n| a |\n|---|\n| cell [1] |\n"

    rendered = render_markdown(body, references=2)

    assert rendered.html.count('<sup class="cite">') == 3
    assert rendered.cited == (1, 2)


def test_reference_definition_keeps_a_link_and_is_not_a_citation() -> None:
    rendered = render_markdown("See [1].\n\n[1]: https://example.org", references=1)

    assert '<a href="https://example.org"' in rendered.html
    assert "<sup" not in rendered.html


@pytest.mark.parametrize(
    "body",
    [
        "![Figure 1: flow](https://example.org/figure.png)",
        "![Figure 1: flow](data:image/png;base64,iVBORw0KGgo=)",
        '![Figure 1: flow](https://example.org/figure.png "t")',
        "![Figure 1: flow][fig]\n\n[fig]: https://example.org/figure.png",
    ],
)
def test_images_are_refused_and_shown_as_alt_text(body: str) -> None:
    html = render_markdown(body).html

    assert "<img" not in html
    assert "figure.png" not in html and "base64" not in html
    assert "Figure 1: flow" in html


def test_image_alt_text_is_escaped() -> None:
    html = render_markdown("![<b>bold</b> & co](https://example.org/x.png)").html

    assert "&lt;b&gt;bold&lt;/b&gt; &amp; co" in html


def test_tables_render_without_style_attributes() -> None:
    html = render_markdown("| a | b |\n|--:|:--|\n| 1 | 2 |").html

    assert "<table>" in html and "<td>1</td>" in html
    assert "style" not in html


def test_struck_text_and_list_start_survive() -> None:
    html = render_markdown("~~10 mg~~ 5 mg\n\n3. third\n4. fourth").html

    assert "<s>10 mg</s> 5 mg" in html
    assert '<ol start="3">' in html


def test_word_count_covers_text_and_code() -> None:
    rendered = render_markdown(
        "# Two words\n\nThree *more* words.\n\n```\nfour code words here\n```"
    )

    assert rendered.words == 2 + 3 + 4


@pytest.mark.parametrize(
    ("words", "minutes"),
    [
        (0, 1),
        (1, 1),
        (WORDS_PER_MINUTE, 1),
        (WORDS_PER_MINUTE + 1, 2),
        (10 * WORDS_PER_MINUTE, 10),
        (-5, 1),
    ],
)
def test_reading_minutes(words: int, minutes: int) -> None:
    assert reading_minutes(words) == minutes


def test_reading_minutes_of_a_rendered_article() -> None:
    rendered = render_markdown(" ".join(["word"] * 1000))

    assert rendered.words == 1000
    assert reading_minutes(rendered.words) == 5  # 1000 / 230 = 4.3, rounded up


_ALPHABET = st.sampled_from(
    list("<>\"'`=/\\&#;:()[]!*_~|-\n ")
    + ["javascript:", "data:", "on", "script", "img", "svg", "style", "src", "href", "1", "a"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_any_input_renders_inside_the_allow_list(body: str) -> None:
    assert_inert(render_markdown(body, references=2).html)
