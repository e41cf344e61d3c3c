"""A generated corpus of certificate PDFs in several layouts (reportlab), with the facts each
one states, plus hostile PDFs (encrypted, truncated, JavaScript-bearing, oversized).

Nothing here is a real certificate: names, titles and providers are invented.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


@dataclass(frozen=True)
class Sample:
    layout: str
    pdf: bytes
    title: str
    completed_on: date
    amount: float
    credit_type: str


def _canvas_pdf(
    lines: list[tuple[float, float, str, str, int]], size=letter, encrypt: str | None = None
) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=size, encrypt=encrypt)
    for x, y, font, text, font_size in lines:
        c.setFont(font, font_size)
        c.drawString(x, y, text)
    c.showPage()
    c.save()
    return buf.getvalue()


def ama_classic() -> Sample:
    title = "Safe Opioid Prescribing in Primary Care"
    lines = [
        (180, 700, "Helvetica-Bold", "CERTIFICATE OF COMPLETION", 20),
        (72, 640, "Helvetica", "This certifies that Dr. Jane Example, MD", 12),
        (72, 622, "Helvetica", f"has completed {title} on March 3, 2026", 12),
        (72, 604, "Helvetica", "and is awarded 3.5 AMA PRA Category 1 Credits™.", 12),
        (72, 560, "Helvetica", "Provider: Example Medical Education Institute", 10),
        (
            72,
            540,
            "Helvetica-Oblique",
            "The Institute is accredited by the ACCME to provide continuing medical education.",
            8,
        ),
    ]
    return Sample("ama_classic", _canvas_pdf(lines), title, date(2026, 3, 3), 3.5, "ama_pra_1")


def nursing_labels() -> Sample:
    title = "Sepsis Recognition for Bedside Nurses"
    lines = [
        (72, 740, "Times-Bold", "Nursing Continuing Professional Development", 16),
        (72, 700, "Times-Roman", "Participant: Sam Nurse, RN", 12),
        (72, 680, "Times-Roman", f"Course: {title}", 12),
        (72, 660, "Times-Roman", "Date completed: 03/14/2026", 12),
        (72, 640, "Times-Roman", "Contact hours: 2.0 (ANCC)", 12),
        (72, 600, "Times-Italic", "Certificate expires: 03/14/2030 (keep for four years).", 9),
    ]
    return Sample("nursing_labels", _canvas_pdf(lines), title, date(2026, 3, 14), 2.0, "ancc")


def pharmacy_acpe() -> Sample:
    title = "Anticoagulation Update 2026"
    lines = [
        (72, 500, "Courier-Bold", "STATEMENT OF CREDIT", 18),
        (72, 460, "Courier", "Pharmacist: Pat Pharmacist, PharmD", 11),
        (72, 440, "Courier", f"Activity title: {title}", 11),
        (72, 420, "Courier", "ACPE UAN 0000-9999-26-001-H01-P   1.5 contact hours", 11),
        (72, 400, "Courier", "Completed 2026-02-01", 11),
    ]
    return Sample(
        "pharmacy_acpe",
        _canvas_pdf(lines, size=landscape(letter)),
        title,
        date(2026, 2, 1),
        1.5,
        "acpe",
    )


def table_layout() -> Sample:
    title = "Heart Failure Guidelines Review"
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4)
    styles = getSampleStyleSheet()
    table = Table(
        [
            ["Activity", "Date", "Credits", "Type"],
            [title, "14 January 2026", "6.0", "AOA Category 1-A"],
        ],
        colWidths=[220, 100, 60, 110],
    )
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
            ]
        )
    )
    doc.build(
        [
            Paragraph("Transcript of Credit", styles["Title"]),
            Paragraph("Awarded to Alex Osteopath, DO", styles["Normal"]),
            Spacer(1, 18),
            table,
        ]
    )
    return Sample("table_layout", buf.getvalue(), title, date(2026, 1, 14), 6.0, "aoa_1a")


def aapa_sentence() -> Sample:
    title = "Dermatology for the PA"
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=letter)
    styles = getSampleStyleSheet()
    doc.build(
        [
            Paragraph("Certificate of Participation", styles["Title"]),
            Paragraph(
                f"Chris Assistant, PA-C, participated in the activity entitled “{title}” held on "
                "Sept 9, 2025, which was approved for 4 AAPA Category 1 CME credits.",
                styles["Normal"],
            ),
            Spacer(1, 12),
            Paragraph("Presented by: Example PA Academy", styles["Normal"]),
        ]
    )
    return Sample("aapa_sentence", buf.getvalue(), title, date(2025, 9, 9), 4.0, "aapa_1")


def moc_points() -> Sample:
    title = "Internal Medicine Knowledge Check-in"
    lines = [
        (72, 720, "Helvetica-Bold", "Record of Participation", 18),
        (72, 690, "Helvetica", f"Title: {title}", 12),
        (72, 670, "Helvetica", "Date: 2025-11-20", 12),
        (72, 650, "Helvetica", "ABIM MOC points earned: 10", 12),
    ]
    return Sample("moc_points", _canvas_pdf(lines), title, date(2025, 11, 20), 10.0, "abim_moc")


def corpus() -> list[Sample]:
    return [
        ama_classic(),
        nursing_labels(),
        pharmacy_acpe(),
        table_layout(),
        aapa_sentence(),
        moc_points(),
    ]


# -- hostile files ------------------------------------------------------------------------------


def encrypted_pdf() -> bytes:
    return _canvas_pdf([(72, 700, "Helvetica", "secret certificate", 12)], encrypt="password")


def truncated_pdf() -> bytes:
    data = ama_classic().pdf
    return data[: len(data) // 2]


def javascript_pdf() -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter(clone_from=io.BytesIO(ama_classic().pdf))
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('hello');"),
        }
    )
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def oversized_pdf() -> bytes:
    data = ama_classic().pdf
    # A valid-looking PDF padded past 10 MiB with a comment block before %%EOF.
    padding = b"%" + b"x" * (10 * 1024 * 1024 + 10) + b"\n"
    head, _, _ = data.rpartition(b"%%EOF")
    return head + padding + b"%%EOF\n"
