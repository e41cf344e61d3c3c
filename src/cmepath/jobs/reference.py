"""Sourced reference data for the careers app: wages, physician pay, SOC codes, market facts.

Pure (no Django import) and typed. Each loader reads one file under ``data/`` once per process
(``functools.cache``) and checks it; a malformed file raises :class:`ValueError` naming it.
Sources and caveats are written in the files themselves:

* ``wages.csv``: BLS OEWS May 2024 state medians and means for RN, NP, PA and pharmacists.
* ``physician_pay.csv``: Doximity specialty averages mapped to our NUCC codes.
* ``soc.yaml``: the 2018 SOC codes a vacancy may carry and the default per profession.
* ``market.yaml``: recruiting demand, CME benefits and incentives by profession.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

from cmepath.core.vocabulary import STATES

DATA_DIR = Path(__file__).with_name("data")
WAGES_FILE = DATA_DIR / "wages.csv"
PHYSICIAN_PAY_FILE = DATA_DIR / "physician_pay.csv"
SOC_FILE = DATA_DIR / "soc.yaml"
MARKET_FILE = DATA_DIR / "market.yaml"

#: Professions a vacancy may be for (the jobs app adds CRNA to the shared vocabulary).
PROFESSIONS = ("MD", "DO", "NP", "PA", "RN", "PharmD", "CRNA")

#: Bounds for a physician specialty in neither Doximity list (see physician_pay.csv header):
#: below the 20th-highest average, above the 10th-lowest; the estimate is their midpoint.
PHYSICIAN_FALLBACK_LOW = 273_040.0  # family medicine, 2023 report (10th-lowest)
PHYSICIAN_FALLBACK_HIGH = 398_990.0  # emergency medicine, 2024 report (20th-highest)
PHYSICIAN_FALLBACK = (PHYSICIAN_FALLBACK_LOW + PHYSICIAN_FALLBACK_HIGH) / 2


def _data_lines(text: str) -> Iterator[str]:
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            yield line


def _rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(_data_lines(path.read_text(encoding="utf-8")))
    if tuple(reader.fieldnames or ()) != columns:
        raise ValueError(f"{path.name}: expected columns {columns}, got {reader.fieldnames}")
    for number, row in enumerate(reader, start=1):
        yield number, {key: (value or "").strip() for key, value in row.items()}


def _number(path: Path, where: str, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{path.name}: {where}: {value!r} is not a number") from None
    if number <= 0:
        raise ValueError(f"{path.name}: {where}: {value!r} must be positive")
    return number


def _optional_number(path: Path, where: str, value: str) -> float | None:
    return None if value == "" else _number(path, where, value)


def _yaml(path: Path, keys: tuple[str, ...]) -> dict[str, Any]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ValueError(f"{path.name}: top level must be a mapping")
    missing = [key for key in keys if key not in raw]
    if missing:
        raise ValueError(f"{path.name}: missing {', '.join(missing)}")
    return raw


# --- Wages (BLS OEWS) -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class WageFigure:
    """Annual wage figures for one SOC in one state ("US" for the derived national figure)."""

    soc: str
    state: str
    median: float | None
    mean: float | None
    employment: int | None
    national_fallback: bool = False


@functools.cache
def load_wages(path: Path = WAGES_FILE) -> Mapping[tuple[str, str], WageFigure]:
    """Every row of ``wages.csv`` keyed by (SOC, state)."""
    columns = ("soc", "state", "median_annual", "mean_annual", "employment")
    out: dict[tuple[str, str], WageFigure] = {}
    for number, row in _rows(path, columns):
        where = f"row {number}"
        soc, state = row["soc"], row["state"].upper()
        if len(soc) != 7 or soc[2] != "-":
            raise ValueError(f"{path.name}: {where}: malformed SOC {soc!r}")
        if state not in STATES:
            raise ValueError(f"{path.name}: {where}: unknown state {state!r}")
        if (soc, state) in out:
            raise ValueError(f"{path.name}: {where}: duplicate {soc} {state}")
        employment = _optional_number(path, where, row["employment"])
        out[(soc, state)] = WageFigure(
            soc=soc,
            state=state,
            median=_optional_number(path, where, row["median_annual"]),
            mean=_optional_number(path, where, row["mean_annual"]),
            employment=int(employment) if employment is not None else None,
        )
    return MappingProxyType(out)


def _weighted(figures: list[WageFigure], attr: str) -> float | None:
    pairs = [
        (value, figure.employment)
        for figure in figures
        if (value := getattr(figure, attr)) is not None and figure.employment
    ]
    total = sum(weight for _, weight in pairs)
    return round(sum(value * weight for value, weight in pairs) / total, 2) if total else None


@functools.cache
def national_wages() -> Mapping[str, WageFigure]:
    """Per SOC, the employment-weighted average of the state figures in ``wages.csv``: the
    fallback for a suppressed state cell. Derived here, not a BLS national estimate."""
    by_soc: dict[str, list[WageFigure]] = {}
    for figure in load_wages().values():
        by_soc.setdefault(figure.soc, []).append(figure)
    return MappingProxyType(
        {
            soc: WageFigure(
                soc=soc,
                state="US",
                median=_weighted(figures, "median"),
                mean=_weighted(figures, "mean"),
                employment=sum(f.employment or 0 for f in figures),
                national_fallback=True,
            )
            for soc, figures in by_soc.items()
        }
    )


def wage(soc: str, state: str) -> WageFigure | None:
    """The state's figures for ``soc``, or the derived national figure (``national_fallback``
    set) when the state cell is missing or suppressed; None for a SOC the file lacks."""
    row = load_wages().get((soc, state.strip().upper()))
    if row is not None and row.median is not None and row.mean is not None:
        return row
    return national_wages().get(soc)


def median_wage(soc: str, state: str) -> float | None:
    figure = wage(soc, state)
    return figure.median if figure else None


def mean_wage(soc: str, state: str) -> float | None:
    figure = wage(soc, state)
    return figure.mean if figure else None


# --- Physician pay (Doximity) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhysicianPay:
    """A Doximity specialty average mapped to one NUCC code."""

    nucc_code: str
    specialty: str
    average: float
    report_year: int
    data_year: int
    mapping: str  # "direct" or "parent"
    source_url: str


@functools.cache
def load_physician_pay(path: Path = PHYSICIAN_PAY_FILE) -> Mapping[str, PhysicianPay]:
    columns = (
        "nucc_code",
        "doximity_specialty",
        "average_compensation",
        "report_year",
        "data_year",
        "mapping",
        "source_url",
    )
    out: dict[str, PhysicianPay] = {}
    for number, row in _rows(path, columns):
        where = f"row {number}"
        code = row["nucc_code"]
        if len(code) != 10 or not code.endswith("X") or code in out:
            raise ValueError(f"{path.name}: {where}: bad or duplicate NUCC code {code!r}")
        if row["mapping"] not in ("direct", "parent"):
            raise ValueError(f"{path.name}: {where}: mapping must be direct or parent")
        if not row["source_url"].startswith("https://"):
            raise ValueError(f"{path.name}: {where}: source_url must be an https URL")
        if not (row["report_year"].isdigit() and row["data_year"].isdigit()):
            raise ValueError(f"{path.name}: {where}: report_year and data_year must be years")
        average = _number(path, where, row["average_compensation"])
        out[code] = PhysicianPay(
            nucc_code=code,
            specialty=row["doximity_specialty"],
            average=average,
            report_year=int(row["report_year"]),
            data_year=int(row["data_year"]),
            mapping=row["mapping"],
            source_url=row["source_url"],
        )
    return MappingProxyType(out)


def physician_average(nucc_code: str) -> float | None:
    """The Doximity average for the specialty, or None when no sourced figure is mapped."""
    pay = load_physician_pay().get(nucc_code.strip().upper())
    return pay.average if pay else None


def physician_estimate(nucc_code: str) -> tuple[float, bool]:
    """(annual figure, is_fallback): the sourced average, else :data:`PHYSICIAN_FALLBACK`."""
    average = physician_average(nucc_code)
    return (average, False) if average is not None else (PHYSICIAN_FALLBACK, True)


# --- SOC codes --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SocCatalog:
    codes: Mapping[str, str]
    default_soc: Mapping[str, str]
    leadership_soc: str
    nucc_to_soc: Mapping[str, str]
    sources: tuple[str, ...]


@functools.cache
def load_soc(path: Path = SOC_FILE) -> SocCatalog:
    raw = _yaml(path, ("codes", "default_soc", "leadership_soc", "nucc_to_soc", "sources"))
    codes = raw["codes"]
    if not isinstance(codes, dict) or not codes:
        raise ValueError(f"{path.name}: codes must be a non-empty mapping")
    codes = {str(k): str(v) for k, v in codes.items()}

    def known(where: str, soc: Any) -> str:
        if str(soc) not in codes:
            raise ValueError(f"{path.name}: {where}: {soc!r} is not in codes")
        return str(soc)

    defaults = raw["default_soc"]
    if not isinstance(defaults, dict) or set(defaults) != set(PROFESSIONS):
        raise ValueError(f"{path.name}: default_soc must name exactly {', '.join(PROFESSIONS)}")
    nucc = raw["nucc_to_soc"]
    if not isinstance(nucc, dict):
        raise ValueError(f"{path.name}: nucc_to_soc must be a mapping")
    sources = raw["sources"]
    if not isinstance(sources, list) or not sources:
        raise ValueError(f"{path.name}: sources must be a non-empty list")
    return SocCatalog(
        codes=MappingProxyType(codes),
        default_soc=MappingProxyType(
            {p: known(f"default_soc.{p}", s) for p, s in defaults.items()}
        ),
        leadership_soc=known("leadership_soc", raw["leadership_soc"]),
        nucc_to_soc=MappingProxyType(
            {str(c): known(f"nucc_to_soc.{c}", s) for c, s in nucc.items()}
        ),
        sources=tuple(str(s) for s in sources),
    )


#: SOC code -> label, for the vacancy form and the JSON-LD ``occupationalCategory``.
SOC_CODES: Mapping[str, str] = load_soc().codes


def default_soc(profession: str) -> str:
    """The SOC a vacancy for ``profession`` carries when nothing more specific applies."""
    try:
        return load_soc().default_soc[profession]
    except KeyError:
        raise ValueError(
            f"unknown profession {profession!r}: known {', '.join(PROFESSIONS)}"
        ) from None


def profession_for_soc(soc: str) -> str | None:
    """The profession a SOC code names (a JobPosting carries the SOC, not the profession):
    physician codes (29-12xx) give MD, the others their profession's default code; a code
    shared by several professions or a manager's code gives None."""
    if soc.startswith("29-12"):
        return "MD"
    found = [p for p, code in load_soc().default_soc.items() if code == soc and p != "DO"]
    return found[0] if len(found) == 1 else None


def soc_for(profession: str, specialty: str = "", *, leadership: bool = False) -> str:
    """The most specific SOC: leadership roles take 11-9111, physicians their specialty's
    code where a 2018 SOC names it, everyone else the profession's default."""
    catalog = load_soc()
    if leadership:
        return catalog.leadership_soc
    if profession in ("MD", "DO") and specialty in catalog.nucc_to_soc:
        return catalog.nucc_to_soc[specialty]
    return default_soc(profession)


# --- Market facts -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CmeRange:
    """Published CME allowance ($/year) and paid days for a profession group."""

    allowance_min: int
    allowance_max: int
    allowance_typical: float  # the published average or typical figure, else the midpoint
    days_min: int
    days_max: int
    sources: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Incentives:
    sign_on_share: float
    sign_on_physician: int
    sign_on_np_pa: int
    relocation_share: float
    relocation_physician: int
    relocation_np_pa: int
    loan_forgiveness_share: float
    clawback_months: int
    guarantee_months_min: int
    guarantee_months_max: int
    nhsc_full_time_primary_care: int
    nhsc_full_time_other: int


@dataclass(frozen=True, slots=True)
class Market:
    as_of: str
    profession_weights: Mapping[str, float]
    specialty_searches: Mapping[str, int]  # NUCC code -> physician searches (2021/22)
    unlisted_specialty_weight: float
    high_per_capita_states: frozenset[str]
    high_per_capita_multiplier: float
    cme: Mapping[str, CmeRange]  # by profession
    incentives: Incentives
    crna_to_np_pay_ratio: float


def _get(path: Path, raw: Any, dotted: str) -> Any:
    node = raw
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            raise ValueError(f"{path.name}: missing {dotted}")
        node = node[part]
    return node


def _int(path: Path, raw: Any, dotted: str) -> int:
    value = _get(path, raw, dotted)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{path.name}: {dotted} must be a non-negative integer")
    return value


def _share(path: Path, raw: Any, dotted: str) -> float:
    value = _get(path, raw, dotted)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{path.name}: {dotted} must be a share between 0 and 1")
    return float(value)


def _positive(path: Path, raw: Any, dotted: str) -> float:
    value = _get(path, raw, dotted)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise ValueError(f"{path.name}: {dotted} must be a positive number")
    return float(value)


def _states(path: Path, raw: Any, dotted: str) -> frozenset[str]:
    value = _get(path, raw, dotted)
    if not isinstance(value, list) or not all(s in STATES for s in value):
        raise ValueError(f"{path.name}: {dotted} must be a list of state codes")
    return frozenset(value)


def _cme_range(path: Path, raw: Any, group: str) -> CmeRange:
    base = f"cme.{group}"
    low, high = _int(path, raw, f"{base}.allowance_min"), _int(path, raw, f"{base}.allowance_max")
    days_low, days_high = _int(path, raw, f"{base}.days_min"), _int(path, raw, f"{base}.days_max")
    if low > high or days_low > days_high:
        raise ValueError(f"{path.name}: {base}: a minimum is above its maximum")
    sources = _get(path, raw, f"{base}.sources")
    if not isinstance(sources, list) or not sources:
        raise ValueError(f"{path.name}: {base}.sources must be a non-empty list")
    node = _get(path, raw, base)
    typical_key = next((k for k in ("allowance_average", "allowance_typical") if k in node), None)
    typical = _positive(path, raw, f"{base}.{typical_key}") if typical_key else (low + high) / 2
    if not low <= typical <= high:
        raise ValueError(f"{path.name}: {base}: the typical allowance is outside its range")
    return CmeRange(low, high, typical, days_low, days_high, tuple(str(s) for s in sources))


@functools.cache
def market(path: Path = MARKET_FILE) -> Market:
    """The recruiting-market facts of ``market.yaml``, checked."""
    raw = _yaml(path, ("source_note", "as_of", "profession_mix", "cme", "incentives"))
    weights = _get(path, raw, "profession_mix.weights")
    if not isinstance(weights, dict) or set(weights) != set(PROFESSIONS):
        raise ValueError(f"{path.name}: profession_mix.weights must name {', '.join(PROFESSIONS)}")
    searches: dict[str, int] = {}
    entries = _get(path, raw, "physician_searches.by_specialty")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path.name}: physician_searches.by_specialty must be a non-empty list")
    for index, entry in enumerate(entries):
        fields = entry if isinstance(entry, dict) else {}
        code, count = fields.get("nucc"), fields.get("searches")
        if not isinstance(code, str) or not isinstance(count, int) or count <= 0:
            raise ValueError(f"{path.name}: physician_searches.by_specialty[{index}] is malformed")
        searches[code] = count
    groups = _get(path, raw, "cme_by_profession")
    if not isinstance(groups, dict) or set(groups) != set(PROFESSIONS):
        raise ValueError(f"{path.name}: cme_by_profession must name {', '.join(PROFESSIONS)}")
    ranges = {group: _cme_range(path, raw, group) for group in set(groups.values())}
    inc = "incentives"
    return Market(
        as_of=str(raw["as_of"]),
        profession_weights=MappingProxyType(
            {p: _positive(path, raw, f"profession_mix.weights.{p}") for p in PROFESSIONS}
        ),
        specialty_searches=MappingProxyType(searches),
        unlisted_specialty_weight=_positive(
            path, raw, "physician_searches.unlisted_specialty_weight"
        ),
        high_per_capita_states=_states(path, raw, "geography.high_per_capita_states"),
        high_per_capita_multiplier=_positive(path, raw, "geography.high_per_capita_multiplier"),
        cme=MappingProxyType({p: ranges[g] for p, g in groups.items()}),
        incentives=Incentives(
            sign_on_share=_share(path, raw, f"{inc}.sign_on_bonus.share"),
            sign_on_physician=_int(path, raw, f"{inc}.sign_on_bonus.average_physician"),
            sign_on_np_pa=_int(path, raw, f"{inc}.sign_on_bonus.average_np_pa"),
            relocation_share=_share(path, raw, f"{inc}.relocation.share"),
            relocation_physician=_int(path, raw, f"{inc}.relocation.average_physician"),
            relocation_np_pa=_int(path, raw, f"{inc}.relocation.average_np_pa"),
            loan_forgiveness_share=_share(path, raw, f"{inc}.loan_forgiveness.share"),
            clawback_months=_int(path, raw, f"{inc}.clawback_months"),
            guarantee_months_min=_int(path, raw, f"{inc}.guarantee_months_min"),
            guarantee_months_max=_int(path, raw, f"{inc}.guarantee_months_max"),
            nhsc_full_time_primary_care=_int(
                path, raw, f"{inc}.nhsc_loan_repayment.full_time_primary_care"
            ),
            nhsc_full_time_other=_int(path, raw, f"{inc}.nhsc_loan_repayment.full_time_other"),
        ),
        crna_to_np_pay_ratio=_positive(path, raw, "crna_pay.ratio_to_np"),
    )
