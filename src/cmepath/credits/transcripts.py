"""Transcripts: the completions of one regime's cycle (or of every regime), as CSV or PDF,
and the labelled view the share page draws.

``TranscriptData`` is built by ``selectors.transcript_data``; ``with_identity`` adds who the
clinician is (name, NPI, licence numbers) and the verification mark; ``view`` turns it into
what a reader sees: labels, never codes ("AMA PRA Category 1 Credit", "Due within 90 days",
regime names), totals by credit type, and where each completion came from. Only a
completion the provider reported to cmepath is called verified; entered or imported ones
read "Self-reported" (an attached certificate is "on file", never checked with its issuer).

CSV cells that a spreadsheet would run as a formula (starting with ``= + - @``, tab or
carriage return) are prefixed with an apostrophe (OWASP CSV injection; security-checks
row 13). The PDF is drawn with reportlab in the shared look of ``cmepath.core.pdf``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Provenance codes (``credits.choices.Provenance``) and what a reader is told of each.
PROVIDER_REPORTED = "provider_reported"
SELF_REPORTED = "self_reported"
IMPORTED = "imported"
SOURCE_LABELS = {
    PROVIDER_REPORTED: "Verified: reported by the provider",
    SELF_REPORTED: "Self-reported",
    IMPORTED: "Self-reported (imported from a file)",
}
#: The headers of the CSV, in order: people read the first ones, programs the codes.
CSV_HEADER = (
    "Completed on",
    "Activity",
    "Provider",
    "Accreditor",
    "Credits",
    "Live",
    "Source",
    "Verified",
    "Certificate on file",
    "Topics",
    "Counted toward",
    "Clinician",
    "NPI",
    "Licences",
    "Verified by cmepath on",
    "Verification URL",
    "Credit codes",
    "Topic codes",
    "Source code",
)


@dataclass(frozen=True)
class TranscriptLine:
    completed_on: date
    title: str
    provider: str
    accreditor: str
    credits: dict[str, float]
    topics: list[str]
    provenance: str  # the provenance's label ("Self-reported")
    counted_toward: list[str] = field(default_factory=list)  # "<regime id>: <requirement>"
    certificate_ids: list[int] = field(default_factory=list)
    provenance_code: str = ""  # empty: derived from the label
    live: bool = False  # in person or real-time online (live-hour minimums)


@dataclass(frozen=True)
class Identity:
    """Who the transcript is of: name, NPI (and whether the NPI Registry matched it), and
    every licence as "<state> <licence type> licence <number>"."""

    name: str
    npi: str = ""
    npi_note: str = ""
    licences: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Verification:
    """The mark: cmepath produced this copy on ``on``; ``url`` opens the same record live,
    without signing in, until ``valid_until`` or until the clinician revokes it."""

    on: date
    url: str
    valid_until: date | None = None


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
    identity: Identity | None = None
    verification: Verification | None = None


def identity_for(user: Any) -> Identity:
    """The clinician's name, NPI and licence numbers, from their profile and licences."""
    from cmepath.accounts.choices import NpiStatus
    from cmepath.accounts.selectors import licences_for

    profile = getattr(user, "profile", None)
    name = (profile.full_name if profile is not None else "") or user.email
    npi = profile.npi if profile is not None else ""
    note = ""
    if profile is not None and npi:
        note = (
            "matched with the NPPES NPI Registry"
            if profile.npi_status == NpiStatus.MATCHED
            else "as entered by the clinician, not matched with the NPI Registry"
        )
    licences = [
        f"{lic.get_state_display()} {lic.get_licence_type_display()} licence {lic.number}"
        + (" (proof approved)" if lic.verified else "")
        for lic in licences_for(actor=user)
    ]
    return Identity(name=name, npi=npi, npi_note=note, licences=licences)


def with_identity(
    data: TranscriptData, *, user: Any, url: str, on: date, valid_until: date | None = None
) -> TranscriptData:
    """``data`` with the clinician's identity and the verification mark for ``url``."""
    return dataclasses.replace(
        data,
        identity=identity_for(user),
        verification=Verification(on=on, url=url, valid_until=valid_until),
    )


# -- what a reader sees ---------------------------------------------------------------------


@dataclass(frozen=True)
class CreditView:
    code: str
    label: str
    amount: float

    @property
    def text(self) -> str:
        return f"{self.amount:g} {self.label}"


@dataclass(frozen=True)
class LineView:
    completed_on: date
    title: str
    provider: str
    accreditor: str
    credits: list[CreditView]
    topics: list[str]  # labels
    topic_codes: list[str]
    source: str  # provenance code
    source_label: str
    verified: bool
    counted_toward: list[str]  # "<regime name>: <requirement>"
    certificate_ids: list[int]
    live: bool = False

    @property
    def credits_text(self) -> str:
        return "; ".join(c.text for c in self.credits)

    @property
    def credits_live_text(self) -> str:
        """The credits, with "(live)" after them for a live activity (the PDF's cell)."""
        return self.credits_text + (" (live)" if self.live else "")


@dataclass(frozen=True)
class RequirementRow:
    label: str
    shown: str  # a key of selectors.TIMED_STATUS
    status_label: str
    status_class: str
    hours: str
    deadline: date | None
    explanation: str


@dataclass(frozen=True)
class RegimeRow:
    regime_id: str
    name: str
    shown: str
    status_label: str
    status_class: str
    deadline: date | None
    requirements: list[RequirementRow]


@dataclass(frozen=True)
class CredentialRow:
    label: str
    shown: str
    status_label: str
    status_class: str
    regimes: str  # names of the regimes that cover it; "" when not covered
    check_with: str
    authority_url: str


@dataclass(frozen=True)
class TranscriptView:
    data: TranscriptData
    regimes: list[RegimeRow]
    credentials: list[CredentialRow]
    lines: list[LineView]
    totals: list[CreditView]  # by credit type, over the completions listed
    verified_count: int
    self_reported_count: int


def _date(value: Any) -> date | None:
    if not value:
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _source_code(line: TranscriptLine) -> str:
    if line.provenance_code:
        return line.provenance_code
    from cmepath.credits.choices import Provenance

    by_label = {str(label): value for value, label in Provenance.choices}
    return by_label.get(line.provenance, SELF_REPORTED)


def _source_label(code: str, certificates: int) -> str:
    label = SOURCE_LABELS.get(code, SOURCE_LABELS[SELF_REPORTED])
    if code != PROVIDER_REPORTED and certificates:
        label += "; certificate on file (not checked with its issuer)"
    return label


def _accreditor(code: str) -> str:
    """The catalog's name for an accreditor code ("state_society": "State medical society
    (ACCME recognized)"); what the clinician typed stays as typed."""
    from cmepath.catalog.choices import Accreditor

    labels = {str(value): str(label) for value, label in Accreditor.choices}
    return labels.get(code, code)


def _timed(status: str, deadline: date | None, as_of: date) -> tuple[str, str, str]:
    from cmepath.credits.selectors import TIMED_STATUS, timed_status

    shown = timed_status(status, deadline, as_of)
    label, css = TIMED_STATUS.get(shown, (status.replace("_", " ").capitalize(), ""))
    return shown, label, css


def view(data: TranscriptData) -> TranscriptView:
    """The transcript as a reader sees it: labels for credit types, topics, statuses
    (the dashboard's words: "Due within 90 days", "On track") and regimes."""
    from cmepath.core.vocabulary import TOPICS, credit_label
    from cmepath.credits.selectors import most_pressing

    as_of = data.as_of
    names = {str(r["regime_id"]): str(r["name"]) for r in data.regimes}
    regimes: list[RegimeRow] = []
    for r in data.regimes:
        rows = []
        for req in r["requirements"]:
            deadline = _date(req.get("deadline"))
            shown, label, css = _timed(req["status"], deadline, as_of)
            hours = (
                "-"
                if req["status"] == "not_applicable"
                else f"{req['hours_counted']:g} of {req['hours_needed']:g} h"
            )
            rows.append(
                RequirementRow(
                    label=req["label"],
                    shown=shown,
                    status_label=label,
                    status_class=css,
                    hours=hours,
                    deadline=deadline,
                    explanation=req.get("reason_not_applicable") or req.get("explanation", ""),
                )
            )
        deadline = _date(r.get("deadline"))
        shown, label, css = _timed(r["status"], deadline, as_of)
        regimes.append(RegimeRow(str(r["regime_id"]), r["name"], shown, label, css, deadline, rows))
    by_id = {r.regime_id: r for r in regimes}
    credentials = []
    for cred in data.credentials:
        worst = most_pressing(by_id[i] for i in cred.get("regime_ids", []) if i in by_id)
        if cred["status"] == "not_covered" or worst is None:
            shown, label, css = _timed(cred["status"], None, as_of)
        else:
            shown, label, css = worst.shown, worst.status_label, worst.status_class
        credentials.append(
            CredentialRow(
                label=cred["label"],
                shown=shown,
                status_label=label,
                status_class=css,
                regimes="; ".join(names.get(i, i) for i in cred.get("regime_ids", [])),
                check_with=cred.get("check_with", ""),
                authority_url=cred.get("authority_url", ""),
            )
        )
    lines = []
    totals: dict[str, float] = {}
    for line in data.lines:
        code = _source_code(line)
        for credit_type, amount in line.credits.items():
            totals[credit_type] = totals.get(credit_type, 0.0) + amount
        counted = []
        for item in line.counted_toward:
            regime_id, _, requirement = item.partition(": ")
            counted.append(f"{names.get(regime_id, regime_id)}: {requirement}")
        lines.append(
            LineView(
                completed_on=line.completed_on,
                title=line.title,
                provider=line.provider,
                accreditor=_accreditor(line.accreditor),
                credits=[
                    CreditView(c, credit_label(c), a) for c, a in sorted(line.credits.items())
                ],
                topics=[TOPICS[t].label if t in TOPICS else t for t in line.topics],
                topic_codes=list(line.topics),
                source=code,
                source_label=_source_label(code, len(line.certificate_ids)),
                verified=code == PROVIDER_REPORTED,
                counted_toward=counted,
                certificate_ids=list(line.certificate_ids),
                live=line.live,
            )
        )
    return TranscriptView(
        data=data,
        regimes=regimes,
        credentials=credentials,
        lines=lines,
        totals=[
            CreditView(c, credit_label(c), round(a, 2))
            for c, a in sorted(totals.items(), key=lambda kv: credit_label(kv[0]))
        ],
        verified_count=sum(1 for x in lines if x.verified),
        self_reported_count=sum(1 for x in lines if not x.verified),
    )


def long_date(on: date | None) -> str:
    return f"{on:%b} {on.day}, {on.year}" if on else "-"


def verification_text(data: TranscriptData) -> str:
    """The mark's words, the same on the PDF, the CSV's cells and the share page."""
    v = data.verification
    if v is None:
        return ""
    until = f" until {long_date(v.valid_until)}" if v.valid_until else " while the link lasts"
    return (
        f"Verified by cmepath on {long_date(v.on)}: this transcript is a copy of the record "
        f"cmepath holds. Open {v.url} to see the same record without signing in (valid"
        f"{until}, unless the clinician revokes it). Completions marked 'Verified' were "
        "reported to cmepath by their provider; 'Self-reported' ones are the clinician's own "
        "statements."
    )


# -- CSV ------------------------------------------------------------------------------------


def safe_cell(value: object) -> str:
    """A CSV cell a spreadsheet will not execute."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def to_csv(data: TranscriptData) -> str:
    """One header row (``CSV_HEADER``: human names), one row per completion: labels in the
    cells people read, the codes in the last three columns for programs. Who the clinician
    is and the verification mark repeat on every row, so each row stands alone."""
    shown = view(data)
    ident = data.identity
    v = data.verification
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for line in shown.lines:
        writer.writerow(
            [
                safe_cell(x)
                for x in (
                    line.completed_on.isoformat(),
                    line.title,
                    line.provider,
                    line.accreditor,
                    line.credits_text,
                    "Yes" if line.live else "No",
                    line.source_label,
                    "Yes" if line.verified else "No",
                    "Yes" if line.certificate_ids else "No",
                    "; ".join(line.topics),
                    "; ".join(line.counted_toward),
                    ident.name if ident else data.owner,
                    ident.npi if ident else "",
                    "; ".join(ident.licences) if ident else "",
                    v.on.isoformat() if v else "",
                    v.url if v else "",
                    ";".join(f"{c.code}={c.amount:g}" for c in line.credits),
                    ";".join(line.topic_codes),
                    line.source,
                )
            ]
        )
    return buf.getvalue()


# -- PDF ------------------------------------------------------------------------------------


def to_pdf(data: TranscriptData) -> bytes:
    """The transcript as a PDF in the shared look of ``cmepath.core.pdf``; every text from
    the data is escaped before it goes into paragraph markup."""
    from reportlab.platypus import Paragraph, Spacer

    from cmepath.core import pdf as kit

    esc = kit.escape
    styles = kit.stylesheet()
    small = styles["Small"]
    shown = view(data)
    ident = data.identity
    story: list[Any] = [
        Paragraph("Continuing education transcript", styles["Title"]),
        Paragraph(
            esc(
                f"{ident.name if ident else data.owner} · {data.scope} · as of {long_date(data.as_of)}"
            ),
            styles["Normal"],
        ),
    ]
    if data.cycle_start or data.cycle_end:
        story.append(
            Paragraph(
                esc(f"Cycle {long_date(data.cycle_start)} to {long_date(data.cycle_end)}"),
                styles["Normal"],
            )
        )
    if ident is not None:
        rows: list[list[Any]] = [["Clinician", Paragraph(esc(ident.name), small)]]
        npi = f"{ident.npi} ({ident.npi_note})" if ident.npi else "Not given"
        rows.append(["NPI", Paragraph(esc(npi), small)])
        rows.append(
            [
                "Licences",
                Paragraph(
                    esc("; ".join(ident.licences)) if ident.licences else "None on record", small
                ),
            ]
        )
        story.extend([Spacer(1, 6), kit.table(rows, widths=kit.column_widths(90, 378))])
    if data.verification is not None:
        story.extend(
            [
                Spacer(1, 6),
                Paragraph(esc(verification_text(data)), styles["Normal"]),
            ]
        )
    story.append(Spacer(1, 10))
    if shown.credentials:
        story.append(Paragraph("Licences, certifications and registrations", styles["Heading3"]))
        rows = [["Credential", "Status", "Rules"]]
        for cred in shown.credentials:
            rules = cred.regimes or f"Not covered yet: check with the {cred.check_with}."
            rows.append(
                [
                    Paragraph(esc(cred.label), small),
                    Paragraph(esc(cred.status_label), small),
                    Paragraph(esc(rules), small),
                ]
            )
        story.extend([kit.table(rows, widths=kit.column_widths(160, 80, 228)), Spacer(1, 8)])
    for regime in shown.regimes:
        story.append(Paragraph(esc(f"{regime.name}: {regime.status_label}"), styles["Heading3"]))
        rows = [["Requirement", "Status", "Hours", "Deadline"]]
        for req in regime.requirements:
            rows.append(
                [
                    Paragraph(esc(req.label), small),
                    Paragraph(esc(req.status_label), small),
                    req.hours,
                    long_date(req.deadline),
                ]
            )
        story.extend([kit.table(rows, widths=kit.column_widths(226, 84, 80, 78)), Spacer(1, 8)])
    if shown.totals:
        story.append(Paragraph("Totals by credit type", styles["Heading3"]))
        rows = [["Credit type", "Total"]]
        rows.extend([[Paragraph(esc(t.label), small), f"{t.amount:g}"] for t in shown.totals])
        story.extend([kit.table(rows, widths=kit.column_widths(368, 100)), Spacer(1, 8)])
    story.append(Paragraph("Completions", styles["Heading2"]))
    rows = [["Date", "Activity", "Credits", "Source"]]
    for line in shown.lines:
        activity = line.title + (f" ({line.provider})" if line.provider else "")
        rows.append(
            [
                line.completed_on.isoformat(),
                Paragraph(esc(activity), small),
                Paragraph(esc(line.credits_live_text), small),
                Paragraph(esc(line.source_label), small),
            ]
        )
    if len(rows) == 1:
        rows.append(["", "No completions in this period.", "", ""])
    story.append(kit.table(rows, widths=kit.column_widths(58, 190, 120, 100)))
    return kit.render(story, title=f"CME transcript: {data.owner}")
