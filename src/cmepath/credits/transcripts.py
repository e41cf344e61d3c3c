"""Transcripts: the completions of one regime's cycle (or of every regime), as CSV or PDF.

``TranscriptData`` is built by ``services.transcript_data``; the writers here only format
it. CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or
carriage return) are prefixed with an apostrophe (OWASP CSV injection; security-checks
row 13). The PDF is drawn with reportlab in the shared look of ``cmepath.core.pdf``.
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
    # engine JSON of the credentials shown: every licence, certification and DEA
    # registration in scope, covered ("covered by ...") or "not covered yet"
    credentials: list[dict[str, Any]] = field(default_factory=list)


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
    """The transcript as a PDF in the shared look of ``cmepath.core.pdf``; every text from
    the data is escaped before it goes into paragraph markup."""
    from reportlab.platypus import Paragraph, Spacer

    from cmepath.core import pdf as kit

    esc = kit.escape
    styles = kit.stylesheet()
    small = styles["Small"]
    story: list[Any] = [
        Paragraph("Continuing education transcript", styles["Title"]),
        Paragraph(
            esc(f"{data.owner} · {data.scope} · as of {data.as_of.isoformat()}"),
            styles["Normal"],
        ),
    ]
    if data.cycle_start or data.cycle_end:
        story.append(
            Paragraph(
                esc(f"Cycle {data.cycle_start or '…'} to {data.cycle_end or '…'}"),
                styles["Normal"],
            )
        )
    story.append(Spacer(1, 10))
    if data.credentials:
        story.append(Paragraph("Licences, certifications and registrations", styles["Heading3"]))
        rows: list[list[Any]] = [["Credential", "Status", "Rules"]]
        for cred in data.credentials:
            rows.append(
                [
                    Paragraph(esc(cred["label"]), small),
                    cred["status"].replace("_", " "),
                    Paragraph(esc(cred["explanation"]), small),
                ]
            )
        story.extend([kit.table(rows, widths=kit.column_widths(160, 70, 238)), Spacer(1, 8)])
    for regime in data.regimes:
        story.append(
            Paragraph(
                esc(f"{regime['name']}: {regime['status'].replace('_', ' ')}"),
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
                    Paragraph(esc(req["label"]), small),
                    req["status"].replace("_", " "),
                    hours,
                    req["deadline"] or "-",
                ]
            )
        story.extend([kit.table(rows, widths=kit.column_widths(250, 70, 74, 74)), Spacer(1, 8)])
    story.append(Paragraph("Completions", styles["Heading2"]))
    rows = [["Date", "Activity", "Provider", "Credits"]]
    for line in data.lines:
        rows.append(
            [
                line.completed_on.isoformat(),
                Paragraph(esc(line.title), small),
                Paragraph(esc(line.provider), small),
                Paragraph(esc(_credits_text(line.credits)), small),
            ]
        )
    if len(rows) == 1:
        rows.append(["", "No completions in this period.", "", ""])
    story.append(kit.table(rows, widths=kit.column_widths(58, 194, 100, 116)))
    return kit.render(story, title=f"CME transcript: {data.owner}")
