"""Disclosure views rendered from dated relationship rows (reference/hub.md sections 1-3).
Pure: plain values in, plain values out.

ACCME Standard 3: relationships with *ineligible* companies that overlap the 24 months
before the activity, shown to learners with company names only (no logos, no product
names, no amounts) and the statement that all relevant relationships have been mitigated,
or an explicit "none". ICMJE: relationships with *any* entity in the past 36 months, with
who was paid (the author or the institution). The same rows feed both; neither view ever
shows an amount (the rows hold none).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Literal

from cmepath.hub.choices import ACCME_MONTHS, DISCLOSURE_VALID_DAYS, ICMJE_MONTHS, PaidTo

ViewKind = Literal["accme", "icmje"]

MITIGATED = "All relevant financial relationships have been mitigated."
ACCME_NONE = (
    "No relevant financial relationships with ineligible companies to disclose "
    f"in the past {ACCME_MONTHS} months."
)
ICMJE_NONE = f"No relationships or activities to disclose in the past {ICMJE_MONTHS} months."


@dataclass(frozen=True, slots=True)
class Relationship:
    """One disclosed relationship as plain values (a ``Disclosure`` row, converted)."""

    company: str
    ineligible: bool
    nature: str
    nature_label: str
    paid_to: str  # choices.PaidTo value: "author" or "institution"
    start: date
    end: date | None  # None while it lasts


@dataclass(frozen=True, slots=True)
class Statement:
    """A dated declaration that the listed relationships are all of them (or none)."""

    declared_on: date
    none_to_disclose: bool
    mitigation: str


@dataclass(frozen=True, slots=True)
class Nature:
    """One kind of relationship with a company; ``paid_to`` is the label, ICMJE view only."""

    label: str
    paid_to: str = ""


@dataclass(frozen=True, slots=True)
class CompanyLine:
    """A company (name only) and the natures of the relationships with it."""

    company: str
    natures: tuple[Nature, ...]

    @property
    def text(self) -> str:
        """``Acme Pharma: Consultant, Speaker (Paid to the institution)``."""
        natures = ", ".join(
            f"{n.label} ({n.paid_to})" if n.paid_to else n.label for n in self.natures
        )
        return f"{self.company}: {natures}"


@dataclass(frozen=True, slots=True)
class DisclosureView:
    """What readers see. Exactly one of ``mitigated`` (ACCME, with companies) or
    ``none_statement`` (no companies) is set in the ACCME view; the ICMJE view has no
    mitigation sentence."""

    kind: ViewKind
    as_of: date
    since: date
    months: int
    companies: tuple[CompanyLine, ...]
    mitigated: str
    none_statement: str

    @property
    def has_relationships(self) -> bool:
        return bool(self.companies)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` earlier, clamped to the month's end (29 Feb -> 28 Feb)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def overlaps(row: Relationship, *, since: date, until: date) -> bool:
    """Whether the relationship was active on any day in ``since``..``until`` (inclusive)."""
    return row.start <= until and (row.end is None or row.end >= since)


def accme_view(rows: Iterable[Relationship], *, as_of: date) -> DisclosureView:
    """ACCME Standard 3: ineligible companies, relationships overlapping the 24 months
    before ``as_of`` (the activity or publication date)."""
    since = months_before(as_of, ACCME_MONTHS)
    kept = [r for r in rows if r.ineligible and overlaps(r, since=since, until=as_of)]
    companies = _group(kept, with_payee=False)
    return DisclosureView(
        kind="accme",
        as_of=as_of,
        since=since,
        months=ACCME_MONTHS,
        companies=companies,
        mitigated=MITIGATED if companies else "",
        none_statement="" if companies else ACCME_NONE,
    )


def icmje_view(rows: Iterable[Relationship], *, as_of: date) -> DisclosureView:
    """ICMJE form items 2-13: every entity, relationships overlapping the 36 months before
    ``as_of``, with who was paid."""
    since = months_before(as_of, ICMJE_MONTHS)
    kept = [r for r in rows if overlaps(r, since=since, until=as_of)]
    companies = _group(kept, with_payee=True)
    return DisclosureView(
        kind="icmje",
        as_of=as_of,
        since=since,
        months=ICMJE_MONTHS,
        companies=companies,
        mitigated="",
        none_statement="" if companies else ICMJE_NONE,
    )


def statement_current(statement: Statement | None, as_of: date) -> bool:
    """A statement accompanies a submission only if declared within the last
    ``DISCLOSURE_VALID_DAYS`` days (and not in the future)."""
    if statement is None:
        return False
    age = (as_of - statement.declared_on).days
    return 0 <= age <= DISCLOSURE_VALID_DAYS


def _company_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _paid_to_label(value: str) -> str:
    try:
        return str(PaidTo(value).label)
    except ValueError:
        return value


def _group(rows: list[Relationship], *, with_payee: bool) -> tuple[CompanyLine, ...]:
    """One line per company (names compared without case and extra spaces), sorted by name;
    natures sorted by label, each once (per payee in the ICMJE view)."""
    names: dict[str, str] = {}
    natures: dict[str, set[Nature]] = {}
    for row in rows:
        key = _company_key(row.company)
        if not key:
            continue
        names.setdefault(key, " ".join(row.company.split()))
        payee = _paid_to_label(row.paid_to) if with_payee else ""
        natures.setdefault(key, set()).add(Nature(label=row.nature_label, paid_to=payee))
    return tuple(
        CompanyLine(
            company=names[key],
            natures=tuple(sorted(natures[key], key=lambda n: (n.label.casefold(), n.paid_to))),
        )
        for key in sorted(names)
    )
