"""One look for every PDF cmepath draws (QI project reports, CME transcripts).

Letter pages with 1-inch margins; a header on every page (product name, document title, a
rule) and a footer ("Page N of M"); one table style; the paragraph styles; ``escape`` for
text placed in ``Paragraph`` markup. Callers build the story and hand it to ``render``.

reportlab costs about 100 ms to import, so callers import this module inside the function
that draws the PDF, not at the top of theirs.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

PRODUCT = "cmepath"
PAGE_SIZE: tuple[float, float] = letter  # 612 x 792 points
PAGE_WIDTH, PAGE_HEIGHT = PAGE_SIZE
MARGIN = 72.0  # all four sides; the header and footer sit inside the top and bottom margins
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN  # 468 points
_FONT, _BOLD, _SIZE = "Helvetica", "Helvetica-Bold", 8
_TEXT, _RULE = colors.HexColor("#555555"), colors.HexColor("#bbbbbb")
_HEADER_Y = PAGE_HEIGHT - MARGIN + 28  # baseline of the header text
_FOOTER_Y = MARGIN - 36  # baseline of the footer text


def escape(text: str) -> str:
    """Text for ``Paragraph`` markup, which reads ``&``, ``<`` and ``>`` as markup."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def stylesheet() -> StyleSheet1:
    """reportlab's sample styles plus ``Small`` (table cells), ``Caption`` and ``ChartTitle``."""
    styles = getSampleStyleSheet()
    styles.add(ParagraphStyle("Small", parent=styles["BodyText"], fontSize=8, leading=10))
    styles.add(ParagraphStyle("Caption", parent=styles["Italic"], fontSize=8, leading=10))
    styles.add(ParagraphStyle("ChartTitle", parent=styles["Heading4"], spaceBefore=4, spaceAfter=2))
    return styles


def table_style() -> TableStyle:
    """The standard table: thin grid, shaded bold header row, 8 pt text, cells top-aligned."""
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ("FONTNAME", (0, 0), (-1, 0), _BOLD),
            ("FONTSIZE", (0, 0), (-1, -1), _SIZE),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )


def table(rows: Sequence[Sequence[Any]], *, widths: Sequence[float] | None = None) -> Table:
    """A left-aligned table in the standard style; the first row is the header, repeated
    on each page the table runs over."""
    t = Table([list(r) for r in rows], colWidths=widths, repeatRows=1, hAlign="LEFT")
    t.setStyle(table_style())
    return t


def column_widths(*weights: float) -> list[float]:
    """Column widths in these proportions filling the text width."""
    total = sum(weights)
    return [CONTENT_WIDTH * w / total for w in weights]


def render(story: list[Any], *, title: str) -> bytes:
    """Lay ``story`` out on letter pages with the header and footer; the PDF's bytes.
    ``title`` is the document's metadata title and the header's text."""
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=PAGE_SIZE,
        title=title,
        author=PRODUCT,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )
    doc.build(story, onFirstPage=_header, onLaterPages=_header, canvasmaker=_NumberedCanvas)
    return buf.getvalue()


def _fit(text: str, width: float) -> str:
    """``text`` cut (with an ellipsis) to fit ``width`` points of the header font."""
    if stringWidth(text, _FONT, _SIZE) <= width:
        return text
    while text and stringWidth(text + "...", _FONT, _SIZE) > width:
        text = text[:-1]
    return text + "..."


def _header(canvas: Canvas, doc: Any) -> None:
    """The product name on the left, the document title on the right, a rule under them;
    and the footer's rule (its page number is drawn once the page count is known)."""
    canvas.saveState()
    canvas.setFillColor(_TEXT)
    canvas.setFont(_BOLD, _SIZE)
    canvas.drawString(MARGIN, _HEADER_Y, PRODUCT)
    canvas.setFont(_FONT, _SIZE)
    room = CONTENT_WIDTH - stringWidth(PRODUCT, _BOLD, _SIZE) - 24
    canvas.drawRightString(PAGE_WIDTH - MARGIN, _HEADER_Y, _fit(doc.title or "", room))
    canvas.setStrokeColor(_RULE)
    canvas.setLineWidth(0.5)
    canvas.line(MARGIN, _HEADER_Y - 6, PAGE_WIDTH - MARGIN, _HEADER_Y - 6)
    canvas.line(MARGIN, _FOOTER_Y + 12, PAGE_WIDTH - MARGIN, _FOOTER_Y + 12)
    canvas.restoreState()


class _NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab has no type hints
    """A canvas that keeps each finished page until ``save`` so the footer can say
    "Page N of M" (reportlab's standard two-pass pattern: the pages are replayed from
    their saved state once their number is known)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.saveState()
            self.setFillColor(_TEXT)
            self.setFont(_FONT, _SIZE)
            self.drawRightString(PAGE_WIDTH - MARGIN, _FOOTER_Y, f"Page {number} of {total}")
            self.restoreState()
            super().showPage()
        super().save()
