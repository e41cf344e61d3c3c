"""The shared PDF look: header, "Page N of M" footer, escaped markup, the standard table."""

from __future__ import annotations

import io

from pypdf import PdfReader
from reportlab.platypus import Paragraph

from cmepath.core import pdf


def _pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_every_page_has_the_header_and_its_number_of_the_total():
    # given a story long enough for several pages
    styles = pdf.stylesheet()
    rows = [["Date", "Activity"], *([f"2024-01-{i % 28 + 1:02d}", f"Row {i}"] for i in range(120))]
    story = [Paragraph("Heading", styles["Title"]), pdf.table(rows, widths=[80, 200])]
    # when it is rendered
    data = pdf.render(story, title="CME transcript: Dr A")
    # then each page carries the product, the title and "Page N of M"
    pages = _pages(data)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "cmepath" in text and "CME transcript: Dr A" in text
        assert f"Page {number} of {len(pages)}" in text
    assert PdfReader(io.BytesIO(data)).metadata.title == "CME transcript: Dr A"
    assert "Row 119" in pages[-1] and "Date" in pages[-1]  # the header row repeats


def test_escape_keeps_markup_as_text():
    styles = pdf.stylesheet()
    text = "<b>Pain</b> & <management>"
    data = pdf.render([Paragraph(pdf.escape(text), styles["Small"])], title="T")
    assert text in _pages(data)[0]
    assert pdf.escape(text) == "&lt;b&gt;Pain&lt;/b&gt; &amp; &lt;management&gt;"


def test_column_widths_fill_the_text_width():
    widths = pdf.column_widths(1, 2, 1)
    assert sum(widths) == pdf.CONTENT_WIDTH == 468.0
    assert widths[1] == 2 * widths[0]
