"""What the shipped rules cover: jurisdiction x profession, plus the national boards and DEA.

One table, built from the loaded rules, feeds the public coverage page (``/credits/coverage/``)
and the table in ``docs/credits-engine.md`` (``coverage_markdown``; a test fails when the docs
copy is stale: regenerate with ``cmepath credits coverage --update docs/credits-engine.md``).
A cell lists every licence rule for that state and licence type with its first source and
as-of date (and "secondary source only" when the rule says no primary text was found), or is
"not covered" with the licensing body to check with. Pure Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cmepath.core.vocabulary import STATES
from cmepath.credits.rules.boards import Authority, BoardDirectory, board_directory
from cmepath.credits.rules.engine import compile_rules
from cmepath.credits.rules.spec import Regime

#: Columns of the jurisdiction table (licence types).
PROFESSIONS: tuple[str, ...] = ("MD", "DO", "NP", "PA", "RN", "PharmD")
#: Rows: the 50 states and DC (the vocabulary's other jurisdictions, such as Puerto Rico, are
#: accepted in profiles and reported "not covered" there, but not tabulated).
JURISDICTIONS: tuple[str, ...] = tuple(code for code in STATES if code != "PR")

MARKER_START = "<!-- coverage-table:start -->"
MARKER_END = "<!-- coverage-table:end -->"


@dataclass(frozen=True, slots=True)
class CoveringRule:
    regime_id: str
    name: str
    source_url: str  # the rule's first source
    as_of: date
    secondary: bool  # source_quality: secondary (no primary text found)


@dataclass(frozen=True, slots=True)
class CoverageCell:
    rules: tuple[CoveringRule, ...]
    authority: Authority | None = None  # whom to check with, when not covered

    @property
    def covered(self) -> bool:
        return bool(self.rules)


@dataclass(frozen=True, slots=True)
class JurisdictionRow:
    code: str
    name: str
    cells: tuple[CoverageCell, ...]  # one per PROFESSIONS column


@dataclass(frozen=True, slots=True)
class NationalRow:
    code: str  # board code, or "DEA"
    name: str
    professions: tuple[str, ...]  # professions its rules apply to
    cell: CoverageCell


@dataclass(frozen=True, slots=True)
class Coverage:
    professions: tuple[str, ...]
    rows: tuple[JurisdictionRow, ...]
    national: tuple[NationalRow, ...]
    boards_as_of: date

    @property
    def covered_cells(self) -> int:
        return sum(cell.covered for row in self.rows for cell in row.cells)

    @property
    def total_cells(self) -> int:
        return len(self.rows) * len(self.professions)


def _covering(regime: Regime) -> CoveringRule:
    return CoveringRule(
        regime_id=regime.id,
        name=regime.name,
        source_url=regime.source_url,
        as_of=regime.as_of,
        secondary=regime.source_quality == "secondary",
    )


def _professions(regimes: Sequence[Regime]) -> tuple[str, ...]:
    found = {p for r in regimes for p in r.applies_to.professions}
    order = (*PROFESSIONS, "other")
    return tuple(p for p in order if p in found)


def coverage_table(rules: Sequence[Regime], directory: BoardDirectory | None = None) -> Coverage:
    """The coverage of ``rules`` (usually ``default_rules()``)."""
    directory = directory or board_directory()
    index = compile_rules(rules)
    rows = []
    for code in JURISDICTIONS:
        cells = []
        for profession in PROFESSIONS:
            found = index.by_licence.get((code, profession), ())
            cells.append(
                CoverageCell(
                    rules=tuple(_covering(r) for r in found),
                    authority=None if found else directory.licensing_body(code, profession),
                )
            )
        rows.append(JurisdictionRow(code=code, name=STATES[code].label, cells=tuple(cells)))
    national = []
    board_codes = list(directory.boards)
    board_codes += sorted(set(index.by_board) - set(board_codes))
    for code in board_codes:
        found = index.by_board.get(code, ())
        authority = directory.certifying_board(code)
        national.append(
            NationalRow(
                code=code,
                name=authority.name if authority else code,
                professions=_professions(found),
                cell=CoverageCell(
                    rules=tuple(_covering(r) for r in found),
                    authority=None if found else authority,
                ),
            )
        )
    federal = sorted(
        {r.id: r for regimes in index.federal.values() for r in regimes}.values(),
        key=lambda r: r.id,
    )
    dea_ids = {i for ids in index.dea.values() for i in ids}
    dea = [r for r in federal if r.id in dea_ids]
    national.append(
        NationalRow(
            code="DEA",
            name=f"{directory.dea.name}: registration",
            professions=_professions(dea),
            cell=CoverageCell(
                rules=tuple(_covering(r) for r in dea), authority=None if dea else directory.dea
            ),
        )
    )
    for regime in federal:
        if regime.id not in dea_ids:
            national.append(
                NationalRow(
                    code=regime.jurisdiction,
                    name=regime.name,
                    professions=_professions([regime]),
                    cell=CoverageCell(rules=(_covering(regime),)),
                )
            )
    return Coverage(
        professions=PROFESSIONS,
        rows=tuple(rows),
        national=tuple(national),
        boards_as_of=directory.as_of,
    )


# -- Markdown (docs/credits-engine.md) --------------------------------------------------------


def _link(text: str, url: str) -> str:
    safe = url.replace("|", "%7C").replace("<", "%3C").replace(">", "%3E")
    return f"[{text}](<{safe}>)"


def _md_cell(cell: CoverageCell) -> str:
    if not cell.covered:
        return "**not covered**"
    parts = []
    for rule in cell.rules:
        text = f"{_link(rule.regime_id, rule.source_url)} {rule.as_of.isoformat()}"
        if rule.secondary:
            text += " *secondary source only*"
        parts.append(text)
    return "<br>".join(parts)


def coverage_markdown(coverage: Coverage) -> str:
    """The two tables as Markdown (between the docs' coverage markers)."""
    lines = [
        f"{coverage.covered_cells} of {coverage.total_cells} jurisdiction x licence type cells "
        "have a rule. Each cell links the rule's first source, with the date it was checked.",
        "",
        "| Jurisdiction | " + " | ".join(coverage.professions) + " |",
        "|---" * (len(coverage.professions) + 1) + "|",
    ]
    for row in coverage.rows:
        cells = " | ".join(_md_cell(c) for c in row.cells)
        lines.append(f"| {row.name} ({row.code}) | {cells} |")
    lines += [
        "",
        "| National | Professions | Rules |",
        "|---|---|---|",
    ]
    for nat in coverage.national:
        professions = ", ".join(nat.professions) or "-"
        lines.append(f"| {nat.name} ({nat.code}) | {professions} | {_md_cell(nat.cell)} |")
    return "\n".join(lines) + "\n"


def replace_between_markers(text: str, table: str) -> str:
    """``text`` with the block between the coverage markers replaced by ``table``."""
    start = text.index(MARKER_START) + len(MARKER_START)
    end = text.index(MARKER_END)
    return text[:start] + "\n" + table + "\n" + text[end:]


def markdown_between_markers(text: str) -> str:
    """The block between the coverage markers of ``text`` (what the docs hold now)."""
    start = text.index(MARKER_START) + len(MARKER_START)
    return text[start : text.index(MARKER_END)].strip("\n") + "\n"
