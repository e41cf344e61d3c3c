"""Transcripts: the completions of one regime's cycle (or of every regime), as CSV or PDF.

``TranscriptData`` is built by ``services.transcript_data``; the writers here only format
it. CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or
carriage return) are prefixed with an apostrophe (OWASP CSV injection; security-checks
row 13). The PDF is drawn with reportlab.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class TranscriptLine:
    completed_on: date
    title: str
    provider: str
    accreditor: str
    credits: dict[str, float]
    topics: list[str]
    provenance: str
    counted_toward: list[str] = field(default_factory=list)
    certificate_ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class TranscriptData:
    owner: str
    as_of: date
    scope: str  # regime name or "All regimes"
    regimes: list[dict[str, Any]]  # engine JSON of the regimes shown
    lines: list[TranscriptLine]
    cycle_start: date | None = None
    cycle_end: date | None = None


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not execute."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _credits_text(credits: dict[str, float]) -> str:
    return "; ".join(f"{code}={amount:g}" for code, amount in sorted(credits.items()))


def to_csv(data: TranscriptData) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(
        [
            "completed_on",
            "title",
            "provider",
            "accreditor",
            "credits",
            "topics",
            "provenance",
            "counted_toward",
        ]
    )
    for line in data.lines:
        writer.writerow(
            [
                safe_cell(x)
                for x in (
                    line.completed_on.isoformat(),
                    line.title,
                    line.provider,
                    line.accreditor,
                    _credits_text(line.credits),
                    ";".join(line.topics),
                    line.provenance,
                    "; ".join(line.counted_toward),
                )
            ]
        )
    return buf.getvalue()


def to_pdf(data: TranscriptData) -> bytes:
    from xml.sax.saxutils import escape  # noqa: S406 (escaping text for reportlab markup, not parsing XML)

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=10)
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=letter,
        title=f"CME transcript: {data.owner}",
        author="cmepath",
        leftMargin=40,
        rightMargin=40,
        topMargin=40,
        bottomMargin=40,
    )
    story: list[Any] = [
        Paragraph("Continuing education transcript", styles["Title"]),
        Paragraph(
            escape(f"{data.owner} · {data.scope} · as of {data.as_of.isoformat()}"),
            styles["Normal"],
        ),
    ]
    if data.cycle_start or data.cycle_end:
        story.append(
            Paragraph(
                escape(f"Cycle {data.cycle_start or '…'} to {data.cycle_end or '…'}"),
                styles["Normal"],
            )
        )
    story.append(Spacer(1, 10))
    for regime in data.regimes:
        story.append(
            Paragraph(
                escape(f"{regime['name']}: {regime['status'].replace('_', ' ')}"),
                styles["Heading3"],
            )
        )
        rows = [["Requirement", "Status", "Hours", "Deadline"]]
        for req in regime["requirements"]:
            hours = (
                "-"
                if req["status"] == "not_applicable"
                else f"{req['hours_counted']:g} / {req['hours_needed']:g}"
            )
            rows.append(
                [
                    Paragraph(escape(req["label"]), small),
                    req["status"].replace("_", " "),
                    hours,
                    req["deadline"] or "-",
                ]
            )
        table = Table(rows, colWidths=[270, 70, 80, 80], repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        story.extend([table, Spacer(1, 8)])
    story.append(Paragraph("Completions", styles["Heading2"]))
    rows = [["Date", "Activity", "Provider", "Credits"]]
    for line in data.lines:
        rows.append(
            [
                line.completed_on.isoformat(),
                Paragraph(escape(line.title), small),
                Paragraph(escape(line.provider), small),
                Paragraph(escape(_credits_text(line.credits)), small),
            ]
        )
    if len(rows) == 1:
        rows.append(["", "No completions in this period.", "", ""])
    table = Table(rows, colWidths=[60, 220, 120, 130], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story.append(table)
    doc.build(story)
    return buf.getvalue()
