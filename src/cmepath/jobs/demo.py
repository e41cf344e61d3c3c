"""Deterministic synthetic job board: about 150 employers and 4,600 published vacancies.

Pure (no Django import): :func:`generate` returns plain dicts whose keys are the ``Employer``
and ``Vacancy`` model field names (plus ``employer_index`` on a vacancy); a service turns them
into rows. The same seed and ``today`` give byte-for-byte the same output.

Every listing says "Synthetic demo listing" in its title and description, and every employer
has ``synthetic=True``. The distributions come from the sourced files under ``data/`` via
:mod:`cmepath.jobs.reference`:

* profession mix: ``market.yaml`` profession weights (NPs the largest single group), allocated
  by quota so the mix is exact; physician specialties weighted by AMN search counts;
* states: registered-nurse employment per state (``wages.csv``) as a proxy for the size of the
  healthcare workforce, Utah, Hawaii and North Dakota weighed up; each state and DC gets at
  least one on-site vacancy;
* pay: RN, NP, PA and pharmacist ranges are +/-10-15% around the state's BLS median (national
  figure for fully remote jobs); CRNAs take the NP figure times the BLS CRNA/NP ratio;
  physicians the Doximity specialty average, or :data:`reference.PHYSICIAN_FALLBACK` for an
  unlisted specialty; every vacancy in (or open to) a pay-transparency state carries a range;
* CME allowance and paid days: the published ranges per profession (``market.yaml``);
* sign-on bonus (92%, 24-month clawback), relocation (78%) and loan repayment (26%) for
  physicians and advanced practitioners, at the sourced averages;
* fully remote (6.5%) and locum (9%) roles are allocated by quota, and about 1% of listings
  are re-posts of another (same employer, title and city) for duplicate collapsing to find.

Numbers no source gives are marked "assumption" below (specialty weights outside medicine, the
share of remote and locum roles, call and non-compete terms, part-time FTE).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cmepath.accounts.taxonomy import TaxonomyCode, load_taxonomy
from cmepath.core import zipdata
from cmepath.core.vocabulary import STATES

from . import compacts, paylaw, reference

SYNTHETIC_LABEL = "Synthetic demo listing"

#: The 50 states and DC (the vocabulary also lists Puerto Rico, which the demo leaves out).
JURISDICTIONS: tuple[str, ...] = tuple(code for code in STATES if code != "PR")

# Shares the sources do not give (assumptions, chosen to match the brief of the demo).
REMOTE_SHARE = 0.065  # fully remote (telehealth) roles
LOCUM_SHARE = 0.09  # locum tenens among all vacancies
DUPLICATE_SHARE = 0.01  # re-posted listings (same employer, title and city)
SALARY_SHOWN_SHARE = 0.85  # outside pay-transparency states
VISA_SHARE_PHYSICIAN = 0.10
PART_TIME_FTE = 0.6

_PHYSICIANS = ("MD", "DO")
_ADVANCED = ("NP", "PA", "CRNA")
_PRESCRIBERS = frozenset({"MD", "DO", "NP", "PA"})
_LOCUM_PROFESSIONS = ("MD", "DO", "NP", "PA", "CRNA")
_REMOTE_PROFESSIONS = ("MD", "DO", "NP", "PA", "RN", "PharmD")
_WAGE_SOC = {"RN": "29-1141", "NP": "29-1171", "PA": "29-1071", "PharmD": "29-1051"}
_HINT = {"MD": "MD/DO", "DO": "MD/DO", "NP": "NP", "PA": "PA", "RN": "RN", "PharmD": "PharmD"}

# Specialty weights outside the physician search counts (assumptions): the generalist code
# and the largest practice areas a little heavier.
_SPECIALTY_BOOST = {
    "363LF0000X": 3.0,  # family NP
    "363LP0808X": 2.0,  # psychiatric NP
    "363LA2100X": 1.5,  # acute care NP
    "163WM0705X": 3.0,  # med-surg RN
    "163WC0200X": 2.0,  # critical care RN
    "163WE0003X": 2.0,  # emergency RN
    "163W00000X": 1.5,
    "183500000X": 3.0,  # staff pharmacist
    "363A00000X": 2.0,
}
# Telehealth-friendly physician specialties (remote MD/DO roles draw from these).
_REMOTE_PHYSICIAN = (
    "2084P0800X",
    "2084P0804X",
    "207Q00000X",
    "207R00000X",
    "2085R0202X",
    "2084N0400X",
    "207N00000X",
)
# Hospital specialties that staff locums most (locum MD/DO roles draw from these).
_LOCUM_PHYSICIAN = (
    "207L00000X",
    "207P00000X",
    "208M00000X",
    "2085R0202X",
    "207Q00000X",
    "207R00000X",
    "208600000X",
    "207V00000X",
    "2084P0800X",
    "207RC0000X",
)
_NO_CALL_PREFIXES = ("207N", "2084", "2085R0202", "207P", "208M", "2083", "207ZP", "207K")
_ACUTE = ("207P", "208M", "207L", "207RC", "2086", "207RC0200", "2080P0203", "163WC", "163WE")
_PEDIATRIC = ("2080", "207PP", "363LP0200", "163WP0200", "1835P0200")
_NEONATAL = ("2080N", "363LN")

# Employer kinds: (setting weights, CME generosity, name patterns).
_KIND_SETTINGS: dict[str, tuple[tuple[str, float], ...]] = {
    "health_system": (("hospital", 0.7), ("outpatient", 0.3)),
    "academic": (("academic", 1.0),),
    "community_health": (("community", 1.0),),
    "physician_group": (("outpatient", 1.0),),
    "urgent_care": (("urgent_care", 1.0),),
    "asc": (("asc", 1.0),),
    "long_term": (("long_term", 1.0),),
    "government": (("government", 1.0),),
    "telehealth": (("telehealth", 1.0),),
    "pharmacy": (("pharmacy", 1.0),),
    "locum_agency": (("hospital", 0.75), ("urgent_care", 0.15), ("community", 0.10)),
}
#: How many of the 150 employers are of each kind beyond the one health system per state.
_KIND_COUNTS = (
    ("telehealth", 5),
    ("locum_agency", 5),
    ("pharmacy", 4),
    ("community_health", 22),
    ("physician_group", 22),
    ("academic", 10),
    ("urgent_care", 10),
    ("asc", 8),
    ("long_term", 7),
    ("government", 6),
)
_NATIONAL_KINDS = frozenset({"telehealth", "locum_agency", "pharmacy"})
_KINDS_FOR: dict[str, frozenset[str]] = {
    "MD": frozenset(
        {
            "health_system",
            "academic",
            "community_health",
            "physician_group",
            "urgent_care",
            "asc",
            "long_term",
            "government",
        }
    ),
    "NP": frozenset(
        {
            "health_system",
            "academic",
            "community_health",
            "physician_group",
            "urgent_care",
            "long_term",
            "government",
            "pharmacy",
        }
    ),
    "PA": frozenset(
        {
            "health_system",
            "academic",
            "community_health",
            "physician_group",
            "urgent_care",
            "asc",
            "government",
        }
    ),
    "RN": frozenset(
        {
            "health_system",
            "academic",
            "community_health",
            "physician_group",
            "urgent_care",
            "asc",
            "long_term",
            "government",
        }
    ),
    "PharmD": frozenset({"health_system", "academic", "community_health", "pharmacy", "long_term"}),
    "CRNA": frozenset({"health_system", "academic", "asc", "government"}),
}
_KINDS_FOR["DO"] = _KINDS_FOR["MD"]
_KIND_WEIGHT = {"health_system": 3.0, "academic": 2.0}

_PLACE_A = (
    "Cedar", "River", "Summit", "Prairie", "Harbor", "Pine", "Maple", "Lake", "Valley", "Ridge",
    "Granite", "Meadow", "Bluff", "Aspen", "Willow", "Canyon", "Bay", "Highland", "Juniper", "Sage",
)  # fmt: skip
_PLACE_B = ("brook", "view", "field", "wood", "crest", "haven", "gate", "stone", "ford", "port")
_BRAND = (
    "Northstar", "Bluewater", "Keystone", "Evergreen", "Lumen", "Trailhead", "Clearpath",
    "Silverline", "Brightside", "Harborlight", "Mosaic", "Tandem",
)  # fmt: skip
_STREETS = ("Main", "Oak", "Elm", "Park", "Church", "Mill", "Center", "Hospital", "College", "Lake")
_NAME_PATTERN = {
    "health_system": ("{place} Health", "{place} Regional Medical Center", "{place} Health System"),
    "academic": ("{place} University Medical Center", "{place} Academic Health"),
    "community_health": ("{place} Community Health Center", "{place} Family Health Center"),
    "physician_group": ("{place} Medical Associates", "{place} Physicians Group"),
    "urgent_care": ("{place} Urgent Care",),
    "asc": ("{place} Surgery Center",),
    "long_term": ("{place} Senior Living and Rehabilitation",),
    "government": ("{place} County Hospital District",),
    "telehealth": ("{brand} Virtual Care", "{brand} Telehealth"),
    "locum_agency": ("{brand} Locum Partners", "{brand} Locum Tenens"),
    "pharmacy": ("{brand} Pharmacy",),
}
_CME_EXPENSES = {
    "physician": (
        "registration",
        "travel",
        "licence_fees",
        "board_fees",
        "memberships",
        "journals",
        "board_review",
    ),
    "advanced_practice": ("registration", "travel", "licence_fees", "board_fees", "memberships"),
    "registered_nurse": ("registration", "board_fees"),
}
_CME_GROUP = {
    "MD": "physician",
    "DO": "physician",
    "NP": "advanced_practice",
    "PA": "advanced_practice",
    "CRNA": "advanced_practice",
    "PharmD": "advanced_practice",
    "RN": "registered_nurse",
}
_CREDENTIAL_ORDER = ("BLS", "ACLS", "PALS", "NRP", "ATLS", "DEA")
#: Job titles for common physician specialties (others are built from the NUCC name).
_PHYSICIAN_ROLE = {
    "207Q00000X": "Family Medicine Physician",
    "207R00000X": "Internal Medicine Physician",
    "208M00000X": "Hospitalist",
    "207P00000X": "Emergency Medicine Physician",
    "2084P0800X": "Psychiatrist",
    "2084P0804X": "Child and Adolescent Psychiatrist",
    "2084P0802X": "Addiction Psychiatrist",
    "2084N0400X": "Neurologist",
    "207RC0000X": "Cardiologist",
    "207RI0011X": "Interventional Cardiologist",
    "207RC0001X": "Cardiac Electrophysiologist",
    "207RG0100X": "Gastroenterologist",
    "207RH0003X": "Hematologist/Oncologist",
    "207RX0202X": "Medical Oncologist",
    "207RP1001X": "Pulmonologist",
    "207RR0500X": "Rheumatologist",
    "207RN0300X": "Nephrologist",
    "207RE0101X": "Endocrinologist",
    "207N00000X": "Dermatologist",
    "207L00000X": "Anesthesiologist",
    "2085R0202X": "Diagnostic Radiologist",
    "2085R0001X": "Radiation Oncologist",
    "2085R0204X": "Interventional Radiologist",
    "207V00000X": "Obstetrician-Gynecologist",
    "207W00000X": "Ophthalmologist",
    "208000000X": "Pediatrician",
    "208800000X": "Urologist",
    "207Y00000X": "Otolaryngologist (ENT)",
    "207ZP0102X": "Pathologist",
    "207K00000X": "Allergist/Immunologist",
    "208600000X": "General Surgeon",
}


@dataclass(frozen=True, slots=True)
class DemoJobs:
    """The generated rows: employers and vacancies as model-field dicts."""

    employers: list[dict[str, Any]]
    vacancies: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class _Employer:
    index: int
    kind: str
    name: str
    state: str
    place: zipdata.ZipPlace
    states: tuple[str, ...]  # where it hires (all jurisdictions for national kinds)
    cme: Mapping[str, tuple[int, int | None]]  # CME group -> (allowance, paid days)
    cme_expenses: Mapping[str, list[str]]
    rollover: bool
    repay_on_leaving: bool


# --- helpers ----------------------------------------------------------------------------------


def _weighted(rng: random.Random, items: Sequence[str], weights: Sequence[float]) -> str:
    return rng.choices(items, weights=weights, k=1)[0]


def _pick(rng: random.Random, items: Sequence[str], cumulative: Sequence[float]) -> str:
    """A weighted draw with precomputed cumulative weights (the hot path)."""
    return rng.choices(items, cum_weights=cumulative, k=1)[0]


def _round(value: float, step: int) -> int:
    return int(round(value / step) * step)


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def _quota(total: int, weights: Mapping[str, float]) -> list[str]:
    """``total`` labels split by ``weights`` exactly (largest remainder), in weight order."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    short = total - sum(counts.values())
    for key in sorted(exact, key=lambda k: (counts[k] - exact[k], k))[:short]:
        counts[key] += 1
    return [key for key in weights for _ in range(counts[key])]


def _state_weights(mkt: reference.Market) -> list[float]:
    weights = []
    for state in JURISDICTIONS:
        figure = reference.wage("29-1141", state)
        weight = float(figure.employment or 1) if figure else 1.0
        if state in mkt.high_per_capita_states:
            weight *= mkt.high_per_capita_multiplier
        weights.append(weight)
    return weights


def _short_specialty(code: TaxonomyCode) -> str:
    name = code.specialization or code.classification
    name = re.sub(r"\s*\(.*\)", "", name)
    return name.replace("Surgery", "Surgeon")


def _specialty_pool(profession: str, mkt: reference.Market) -> tuple[list[str], list[float]]:
    codes = [c for c in load_taxonomy().values() if c.profession_hint == _HINT[profession]]
    weights = []
    for code in codes:
        if profession in _PHYSICIANS:
            weight = float(mkt.specialty_searches.get(code.code, mkt.unlisted_specialty_weight))
        else:
            weight = _SPECIALTY_BOOST.get(code.code, 1.0)
        weights.append(weight)
    return [c.code for c in codes], weights


# --- employers --------------------------------------------------------------------------------


def _employers(
    rng: random.Random, count: int, state_weights: list[float], mkt: reference.Market
) -> list[_Employer]:
    # One health system per jurisdiction first, then the other kinds taken in turn (national
    # kinds first), so a smaller ``count`` still has every kind the vacancies need.
    remaining = dict(_KIND_COUNTS)
    extra: list[str] = []
    while any(remaining.values()):
        for kind, _ in _KIND_COUNTS:
            if remaining[kind]:
                extra.append(kind)
                remaining[kind] -= 1
    kinds = (["health_system"] * len(JURISDICTIONS) + extra + ["physician_group"] * count)[:count]
    homes = list(JURISDICTIONS)
    rng.shuffle(homes)
    homes += [
        _weighted(rng, JURISDICTIONS, state_weights) for _ in range(count - len(JURISDICTIONS))
    ]
    used: set[str] = set()
    out: list[_Employer] = []
    for index, (kind, home) in enumerate(zip(kinds, homes, strict=False)):
        name = ""
        while not name or name in used:
            pattern = rng.choice(_NAME_PATTERN[kind])
            place = rng.choice(_PLACE_A) + rng.choice(_PLACE_B)
            name = pattern.format(place=place, brand=rng.choice(_BRAND))
        used.add(name)
        if kind in _NATIONAL_KINDS:
            states: tuple[str, ...] = JURISDICTIONS
        elif kind == "health_system" and rng.random() < 0.3:
            others = [
                _weighted(rng, JURISDICTIONS, state_weights) for _ in range(rng.randint(1, 3))
            ]
            states = tuple(sorted({home, *others}))
        else:
            states = (home,)
        cme: dict[str, tuple[int, int | None]] = {}
        for group, profession in (
            ("physician", "MD"),
            ("advanced_practice", "NP"),
            ("registered_nurse", "RN"),
        ):
            span = mkt.cme[profession]
            step = 250 if group != "registered_nurse" else 50
            # Most employers sit near the published typical figure, a few at the ends.
            allowance = _round(
                rng.triangular(span.allowance_min, span.allowance_max, span.allowance_typical),
                step,
            )
            days: int | None = rng.randint(span.days_min, span.days_max)
            if group == "registered_nurse" and rng.random() < 0.5:
                days = None  # assumption: half the RN employers give money but no paid days
            cme[group] = (allowance, days)
        expenses = {
            group: sorted(
                rng.sample(options, k=rng.randint(min(2, len(options)), len(options))),
                key=options.index,
            )
            for group, options in _CME_EXPENSES.items()
        }
        out.append(
            _Employer(
                index=index,
                kind=kind,
                name=name,
                state=home,
                place=rng.choice(zipdata.zips_in_state(home)),
                states=states,
                cme=cme,
                cme_expenses=expenses,
                rollover=rng.random() < 0.15,
                repay_on_leaving=rng.random() < 0.10,
            )
        )
    return out


def _employer_row(rng: random.Random, emp: _Employer) -> dict[str, Any]:
    slug = re.sub(r"[^a-z0-9]+", "-", emp.name.lower()).strip("-")
    forms = (
        ("PLLC", "LLC", "P.A.") if emp.kind == "physician_group" else ("Inc.", "LLC", "Corporation")
    )
    legal = f"{emp.name} {rng.choice(forms)}"
    physician_money, physician_days = emp.cme["physician"]
    app_money, app_days = emp.cme["advanced_practice"]
    rn_money, rn_days = emp.cme["registered_nurse"]
    rn_days_text = f" and {rn_days} paid education days" if rn_days else ""
    policy = (
        "Synthetic demo employer (generated test data). "
        f"CME: physicians ${physician_money:,} and {physician_days} "
        f"paid days a year; NPs, PAs, CRNAs and pharmacists ${app_money:,} and {app_days} days; "
        f"registered nurses up to ${rn_money:,} toward courses{rn_days_text}."
    )
    return {
        "name": emp.name,
        "legal_name": legal,
        # EIN prefix 00 is never issued by the IRS, so a synthetic number cannot be real; no NPI
        # is invented for the same reason.
        "ein": f"00-{rng.randrange(1_000_000, 10_000_000)}",
        "npi": "",
        "address": f"{rng.randint(100, 9899)} {rng.choice(_STREETS)} Street",
        "city": emp.place.city,
        "state": emp.state,
        "zip_code": emp.place.zip_code,
        "website": f"https://{slug}.example.org",
        "cme_policy": policy,
        "synthetic": True,
    }


# --- vacancies --------------------------------------------------------------------------------


@dataclass(slots=True)
class _Ctx:
    rng: random.Random
    today: dt.date
    mkt: reference.Market
    state_cumulative: list[float]
    by_state: dict[str, list[_Employer]]
    national: dict[str, list[_Employer]]
    pools: dict[str, tuple[list[str], list[float]]]  # profession -> (codes, cumulative weights)
    seen: set[tuple[int, str, str]]  # (employer, title, city) of the listings made so far


def _title(profession: str, code: TaxonomyCode | None, track: str, setting: str, ctx: _Ctx) -> str:
    rng = ctx.rng
    spec = _short_specialty(code) if code else ""
    generic = code is None or not code.specialization
    if track == "leadership":
        if profession in _PHYSICIANS:
            return rng.choice(("Chief Medical Officer", f"Medical Director, {spec}"))
        return {
            "RN": f"Nurse Manager, {spec}" if not generic else "Nurse Manager",
            "PharmD": "Pharmacy Manager",
            "CRNA": "Chief Nurse Anesthetist",
        }.get(profession, "Director of Advanced Practice")
    if track == "quality":
        return f"Quality Lead, Patient Safety ({profession})"
    if track == "informatics":
        return f"Clinical Informaticist ({profession})"
    if track == "education":
        if profession in _PHYSICIANS:
            return f"Residency Program Director, {spec}"
        return "Clinical Nurse Educator" if profession == "RN" else "Clinical Educator"
    if profession in _PHYSICIANS:
        if code is not None and code.code in _PHYSICIAN_ROLE:
            return _PHYSICIAN_ROLE[code.code]
        return spec if spec.endswith("Surgeon") else f"{spec} Physician"
    if profession == "NP":
        return "Nurse Practitioner" if generic else f"{spec} Nurse Practitioner"
    if profession == "PA":
        return "Physician Assistant" if generic else f"Physician Assistant, {spec}"
    if profession == "RN":
        return "Registered Nurse" if generic else f"Registered Nurse, {spec}"
    if profession == "PharmD":
        if setting == "pharmacy":
            return "Staff Pharmacist"
        return "Clinical Pharmacist" if generic else f"Clinical Pharmacist, {spec}"
    return "Certified Registered Nurse Anesthetist (CRNA)"


def _credentials(profession: str, specialty: str, setting: str, track: str) -> list[str]:
    found: set[str] = set()
    acute_setting = setting in ("hospital", "academic", "urgent_care", "asc")
    if acute_setting and profession != "PharmD" and track == "clinical":
        found.add("BLS")
        if profession == "CRNA" or specialty.startswith(_ACUTE):
            found.add("ACLS")
        if specialty.startswith(_PEDIATRIC) or specialty.startswith("207P"):
            found.add("PALS")
        if specialty.startswith(_NEONATAL):
            found.add("NRP")
        if specialty.startswith(("207P00000X", "2086S0127")):
            found.add("ATLS")
    if profession in _PRESCRIBERS and track == "clinical":
        found.add("DEA")
    return [c for c in _CREDENTIAL_ORDER if c in found]


def _base_pay(profession: str, specialty: str, states: Sequence[str], ctx: _Ctx) -> float:
    if profession in _PHYSICIANS:
        return reference.physician_estimate(specialty)[0]
    soc = _WAGE_SOC.get(profession, "29-1171")
    if len(states) == 1:
        figure = reference.wage(soc, states[0])
    else:  # fully remote: the national figure
        figure = reference.national_wages().get(soc)
    median = figure.median if figure and figure.median else 100_000.0
    if profession == "CRNA":
        median *= ctx.mkt.crna_to_np_pay_ratio
    return median


def _vacancy(
    ctx: _Ctx, number: int, profession: str, mode: str, forced_state: str | None
) -> dict[str, Any]:
    """One vacancy; ``mode`` is "remote", "locum" or "on_site" (allocated by quota)."""
    rng, inc = ctx.rng, ctx.mkt.incentives
    taxonomy = load_taxonomy()
    remote, locum = mode == "remote", mode == "locum"
    state = forced_state or _pick(rng, JURISDICTIONS, ctx.state_cumulative)
    if remote:
        employer = rng.choice(ctx.national["telehealth"])
        size = rng.choice((1, 2, 3, 5, 8, 12, len(JURISDICTIONS)))
        picked = {state}
        while len(picked) < size:
            picked.add(_pick(rng, JURISDICTIONS, ctx.state_cumulative))
        remote_states = sorted(picked)
        setting = "telehealth"
    else:
        remote_states = []
        if locum:
            employer = rng.choice(ctx.national["locum_agency"])
        else:
            kinds = _KINDS_FOR[profession]
            options = [e for e in ctx.by_state[state] if e.kind in kinds]
            if profession in ("NP", "PharmD"):
                options += [e for e in ctx.national["pharmacy"] if e.kind in kinds]
            options = options or [e for e in ctx.by_state[state] if e.kind == "health_system"]
            employer = rng.choices(
                options, weights=[_KIND_WEIGHT.get(e.kind, 1.0) for e in options], k=1
            )[0]
        settings, weights = zip(*_KIND_SETTINGS[employer.kind], strict=True)
        setting = _weighted(rng, settings, weights)
        if employer.kind == "pharmacy" and profession == "NP":
            setting = "outpatient"  # retail clinic
    # Specialty.
    if profession == "CRNA":
        specialty = ""
    elif profession in _PHYSICIANS and (remote or locum):
        specialty = rng.choice(_REMOTE_PHYSICIAN if remote else _LOCUM_PHYSICIAN)
    else:
        codes, cumulative = ctx.pools[profession]
        specialty = _pick(rng, codes, cumulative)
    code = taxonomy.get(specialty)
    # Career track (assumption: ~90% clinical); locums are clinical.
    track = "clinical"
    if not locum:
        track = _weighted(
            rng,
            ("clinical", "leadership", "quality", "informatics", "education"),
            (0.90, 0.04, 0.025, 0.02, 0.015),
        )
    soc = reference.soc_for(profession, specialty, leadership=track == "leadership")
    # Terms of work.
    if locum:
        model = "locum"
    elif profession in _PHYSICIANS:
        partnership_ok = setting in ("outpatient", "asc")
        model = _weighted(
            rng, ("w2", "partnership", "1099"), (0.75, 0.15 if partnership_ok else 0.0, 0.10)
        )
    else:
        model = _weighted(rng, ("w2", "1099"), (0.92, 0.08))
    if locum:
        schedule = _weighted(rng, ("full_time", "part_time"), (0.8, 0.2))
    elif profession == "RN":
        schedule = _weighted(rng, ("full_time", "part_time", "per_diem"), (0.75, 0.12, 0.13))
    else:
        schedule = _weighted(rng, ("full_time", "part_time", "per_diem"), (0.85, 0.10, 0.05))
    title = _title(profession, code, track, setting, ctx)
    if locum:
        title = f"Locum Tenens {title}"
    if remote:
        scope = (
            "nationwide"
            if len(remote_states) == len(JURISDICTIONS)
            else ", ".join(remote_states)
            if len(remote_states) <= 3
            else f"{len(remote_states)} states"
        )
        title = f"{title} (Remote, Telehealth: {scope})"
    if schedule != "full_time":
        title = f"{title}, {'Per Diem' if schedule == 'per_diem' else 'Part-Time'}"
    title = f"{title} ({SYNTHETIC_LABEL})"
    # Place.
    if remote:
        place = None
    elif not locum and employer.state == state and rng.random() < 0.6:
        place = employer.place
    else:
        place = rng.choice(zipdata.zips_in_state(state))
    # Distinct listings differ in employer, title or city (duplicate collapsing keys on these);
    # deliberate re-posts are added afterwards. Move a colliding listing to another ZIP or, when
    # remote, to another telehealth employer.
    for _ in range(8):
        key = (employer.index, title, place.city if place else "")
        if key not in ctx.seen:
            break
        if remote:
            employer = rng.choice(ctx.national["telehealth"])
        else:
            place = rng.choice(zipdata.zips_in_state(state))
    ctx.seen.add((employer.index, title, place.city if place else ""))
    states = remote_states or [state]
    # Pay.
    laws = paylaw.laws_requiring_range(states, ctx.today)
    show_pay = bool(laws) or rng.random() < SALARY_SHOWN_SHARE
    unit = "HOUR" if profession == "RN" and schedule == "per_diem" else "YEAR"
    salary_min = salary_max = None
    if show_pay:
        center = _base_pay(profession, specialty, states, ctx) * rng.uniform(0.95, 1.05)
        if schedule == "part_time" and unit == "YEAR":
            center *= PART_TIME_FTE
        half = rng.uniform(0.10, 0.15)
        if unit == "HOUR":
            low, high = center * (1 - half) / 2080, center * (1 + half) / 2080
            salary_min, salary_max = _money(round(low * 2) / 2), _money(round(high * 2) / 2)
        else:
            step = 1000 if profession in _PHYSICIANS else 500
            low_y = _round(center * (1 - half), step)
            high_y = max(_round(center * (1 + half), step), low_y + step)
            salary_min, salary_max = _money(low_y), _money(high_y)
    physician = profession in _PHYSICIANS
    incentive_eligible = (physician or profession in _ADVANCED) and not (remote or locum)
    sign_on = relocation = loan = None
    clawback = None
    if incentive_eligible and rng.random() < inc.sign_on_share:
        average = inc.sign_on_physician if physician else inc.sign_on_np_pa
        sign_on = _money(_round(average * rng.uniform(0.5, 1.5), 1000 if physician else 500))
        clawback = inc.clawback_months
    if incentive_eligible and rng.random() < inc.relocation_share:
        average = inc.relocation_physician if physician else inc.relocation_np_pa
        relocation = _money(_round(average * rng.uniform(0.6, 1.4), 500))
    nhsc = setting == "community" and profession in _PRESCRIBERS and rng.random() < 0.7
    if (physician and rng.random() < inc.loan_forgiveness_share) or (nhsc and rng.random() < 0.5):
        # Employer loan repayment; amounts are an assumption bounded by NHSC's $50,000.
        loan = _money(rng.choice((10_000, 15_000, 20_000, 25_000, 30_000, 40_000, 50_000)))
    guarantee = None
    if physician and model in ("w2", "partnership") and rng.random() < 0.6:
        guarantee = rng.choice(
            [
                m
                for m in (12, 18, 24, 36)
                if inc.guarantee_months_min <= m <= inc.guarantee_months_max
            ]
        )
    # Call (physicians in hospital-based specialties; 1:N and type are assumptions).
    call_ratio, call_type, call_paid = None, "none", False
    takes_call = (
        physician
        and track == "clinical"
        and not remote
        and not specialty.startswith(_NO_CALL_PREFIXES)
    )
    inpatient = setting in ("hospital", "academic", "community", "government")
    if takes_call and (inpatient or rng.random() < 0.3):
        call_ratio = rng.randint(3, 8)
        call_type = "in_house" if setting == "academic" and rng.random() < 0.4 else "home"
        call_paid = rng.random() < 0.5
    shifts = _shifts(rng, profession, specialty, setting, schedule)
    # Visas (physicians): J-1 waiver jobs are community / underserved posts more often.
    visas: list[str] = []
    if physician and not locum and rng.random() < VISA_SHARE_PHYSICIAN:
        j1_first = setting in ("community", "government") or rng.random() < 0.4
        visas = ["j1_waiver"] if j1_first else ["h1b"]
        if rng.random() < 0.25:
            visas = ["h1b", "j1_waiver"]
    # CME from the employer's policy (none for locum contractors: assumption).
    cme_allowance = cme_days = None
    expenses: list[str] = []
    if not locum:
        group = _CME_GROUP[profession]
        money, days = employer.cme[group]
        cme_allowance = _money(money)
        cme_days = Decimal(days) if days is not None else None
        expenses = list(employer.cme_expenses[group])
    malpractice = tail = ""
    if physician or profession in _ADVANCED:
        malpractice = _weighted(rng, ("claims_made", "occurrence", ""), (0.55, 0.35, 0.10))
        if malpractice == "claims_made":
            tail = _weighted(rng, ("employer", "shared", "employee", ""), (0.5, 0.2, 0.2, 0.1))
        elif malpractice == "occurrence":
            tail = "not_needed"
    noncompete_miles = noncompete_months = None
    office = physician and model in ("w2", "partnership") and setting in ("outpatient", "asc")
    if office and rng.random() < 0.35:
        noncompete_miles = rng.choice((5, 10, 15, 20, 25))
        noncompete_months = rng.choice((12, 18, 24))
    # Half the RN listings in Nurse Licensure Compact states accept a multistate licence.
    nlc = compacts.practice_states("RN")
    compact = profession == "RN" and all(s in nlc for s in states) and rng.random() < 0.5
    board = "none"
    if physician:
        board = _weighted(rng, ("certified", "eligible"), (0.55, 0.45))
    age = rng.randint(0, 44)
    posted = ctx.today - dt.timedelta(days=age)
    expires = posted + dt.timedelta(days=rng.randint(max(30, age + 1), 120))
    start = None
    if rng.random() < 0.7:
        start = posted + dt.timedelta(days=rng.randint(14, 45) if locum else rng.randint(30, 150))
    hpsa = rng.randint(8, 25) if nhsc else None
    vacancy = {
        "employer_index": employer.index,
        "reference": f"DEMO-{employer.index:03d}-{number:05d}",
        "status": "published",
        "title": title,
        "profession": profession,
        "specialty": specialty,
        "soc_code": soc,
        "setting": setting,
        "career_track": track,
        "employment_model": model,
        "schedule": schedule,
        "shifts": shifts,
        "call_ratio": call_ratio,
        "call_type": call_type,
        "call_paid": call_paid,
        "city": place.city if place else "",
        "state": state if not remote else "",
        "zip_code": place.zip_code if place else "",
        "latitude": place.latitude if place else None,
        "longitude": place.longitude if place else None,
        "remote": remote,
        "remote_states": remote_states,
        "licence_states": list(states),
        "compact_accepted": compact,
        "board_requirement": board,
        "credentials": _credentials(profession, specialty, setting, track),
        "salary_min": salary_min,
        "salary_max": salary_max,
        "salary_unit": unit,
        "guarantee_months": guarantee,
        "wrvu_threshold": None,
        "dollars_per_wrvu": None,
        "collections_percent": None,
        "sign_on_bonus": sign_on,
        "sign_on_clawback_months": clawback,
        "relocation": relocation,
        "loan_repayment": loan,
        "nhsc_site": nhsc,
        "hpsa_score": hpsa,
        "cme_allowance": cme_allowance,
        "cme_days": cme_days,
        "cme_days_separate_from_pto": rng.random() < 0.8,
        "cme_expenses": expenses,
        "cme_rollover": employer.rollover and not locum,
        "cme_repay_on_leaving": employer.repay_on_leaving and not locum,
        "malpractice": malpractice,
        "tail": tail,
        "noncompete_miles": noncompete_miles,
        "noncompete_months": noncompete_months,
        "visas": visas,
        "agencies_may_contact": rng.random() < 0.25,
        "start_date": start,
        "posted_on": posted,
        "expires_on": expires,
    }
    vacancy["description"] = _description(vacancy, employer, laws)
    return vacancy


def _shifts(
    rng: random.Random, profession: str, specialty: str, setting: str, schedule: str
) -> str:
    if schedule == "per_diem":
        return "Per diem shifts as scheduled"
    fte = f", {PART_TIME_FTE:.1f} FTE" if schedule == "part_time" else ""
    if setting in ("outpatient", "community", "telehealth", "government"):
        return rng.choice(("Mon-Fri, 8 h days", "4 x 10 h days")) + fte
    if profession == "RN":
        return rng.choice(("3 x 12 h days", "3 x 12 h nights", "3 x 12 h, rotating")) + fte
    if specialty.startswith(("207P", "208M")):
        return rng.choice(("7 on / 7 off", "12 x 12 h shifts a month")) + fte
    if setting == "pharmacy":
        return "Rotating 10 h shifts" + fte
    return rng.choice(("Mon-Fri, 8 h days", "4 x 10 h days", "5 x 8 h days")) + fte


def _description(v: Mapping[str, Any], employer: _Employer, laws: list[paylaw.PayLaw]) -> str:
    where = (
        f"Fully remote (100% telehealth) for clinicians licensed in {', '.join(v['remote_states'])}."
        if v["remote"]
        else f"Located in {v['city']}, {v['state']} {v['zip_code']}."
    )
    lines = [
        f"{SYNTHETIC_LABEL}: generated test data for the cmepath demo, not a real job.",
        "",
        f"{employer.name} is hiring: {v['title'].replace(f' ({SYNTHETIC_LABEL})', '')}. {where}",
        f"Schedule: {v['schedule'].replace('_', ' ')}; {v['shifts']}.",
    ]
    if v["salary_min"] is not None:
        unit = "hour" if v["salary_unit"] == "HOUR" else "year"
        lines.append(f"Pay: ${v['salary_min']:,.2f} to ${v['salary_max']:,.2f} per {unit}.")
    if laws:
        cited = "; ".join(law.citation for law in laws)
        lines.append(f"Pay range shown as required by {cited.rstrip('.')}.")
    if v["cme_allowance"] is not None:
        days = f" and {v['cme_days']} paid CME days" if v["cme_days"] is not None else ""
        lines.append(f"CME: ${v['cme_allowance']:,.0f} a year{days}.")
    if v["sign_on_bonus"] is not None:
        lines.append(
            f"Sign-on bonus ${v['sign_on_bonus']:,.0f}, forgiven over "
            f"{v['sign_on_clawback_months']} months."
        )
    if v["call_ratio"]:
        lines.append(f"Call: 1 in {v['call_ratio']} ({v['call_type'].replace('_', '-')}).")
    return "\n".join(lines)


def _duplicate(
    rng: random.Random, source: dict[str, Any], today: dt.date, tag: int
) -> dict[str, Any]:
    """A re-post of ``source``: same employer, title and place, new reference and dates."""
    clone = dict(source)
    for key in ("remote_states", "licence_states", "credentials", "cme_expenses", "visas"):
        clone[key] = list(source[key])
    age = rng.randint(0, 44)
    clone["posted_on"] = today - dt.timedelta(days=age)
    clone["expires_on"] = clone["posted_on"] + dt.timedelta(days=rng.randint(max(30, age + 1), 120))
    if clone["start_date"] is not None:
        clone["start_date"] = clone["posted_on"] + dt.timedelta(days=rng.randint(30, 150))
    clone["reference"] = f"{source['reference']}-R{tag}"
    return clone


def generate(
    *, vacancies: int = 4600, employers: int = 150, seed: int = 2026, today: dt.date
) -> DemoJobs:
    """The synthetic board for ``today``: deterministic for a (seed, today) pair."""
    if employers < len(JURISDICTIONS) + len(_NATIONAL_KINDS):
        raise ValueError(
            f"employers must be at least {len(JURISDICTIONS) + len(_NATIONAL_KINDS)}: one health "
            "system per jurisdiction plus one telehealth, locum and pharmacy employer"
        )
    if vacancies < len(JURISDICTIONS):
        raise ValueError(f"vacancies must be at least {len(JURISDICTIONS)} (one per jurisdiction)")
    rng = random.Random(seed)  # noqa: S311 - deterministic synthetic demo data
    mkt = reference.market()
    state_weights = _state_weights(mkt)
    emps = _employers(rng, employers, state_weights, mkt)
    by_state: dict[str, list[_Employer]] = {state: [] for state in JURISDICTIONS}
    national: dict[str, list[_Employer]] = {kind: [] for kind in sorted(_NATIONAL_KINDS)}
    for emp in emps:
        if emp.kind in _NATIONAL_KINDS:
            national[emp.kind].append(emp)
        else:
            for state in emp.states:
                by_state[state].append(emp)
    ctx = _Ctx(
        rng=rng,
        today=today,
        mkt=mkt,
        state_cumulative=list(itertools.accumulate(state_weights)),
        by_state=by_state,
        national=national,
        seen=set(),
        pools={
            p: (codes, list(itertools.accumulate(weights)))
            for p, (codes, weights) in ((p, _specialty_pool(p, mkt)) for p in _HINT)
        },
    )
    duplicates = min(round(vacancies * DUPLICATE_SHARE), vacancies - len(JURISDICTIONS))
    professions = _quota(vacancies - duplicates, mkt.profession_weights)
    rng.shuffle(professions)
    forced = list(JURISDICTIONS)
    rng.shuffle(forced)
    # Modes by quota too, so the remote and locum shares are what the constants say: remote
    # roles never among the first 51 (one on-site vacancy per jurisdiction), no remote CRNA.
    modes = ["on_site"] * len(professions)
    remote_pool = [
        i for i, p in enumerate(professions) if i >= len(forced) and p in _REMOTE_PROFESSIONS
    ]
    for i in rng.sample(
        remote_pool, k=min(len(remote_pool), round(len(professions) * REMOTE_SHARE))
    ):
        modes[i] = "remote"
    locum_pool = [
        i for i, p in enumerate(professions) if modes[i] == "on_site" and p in _LOCUM_PROFESSIONS
    ]
    for i in rng.sample(locum_pool, k=min(len(locum_pool), round(len(professions) * LOCUM_SHARE))):
        modes[i] = "locum"
    rows = [
        _vacancy(
            ctx, number, profession, modes[number], forced[number] if number < len(forced) else None
        )
        for number, profession in enumerate(professions)
    ]
    on_site = [index for index, row in enumerate(rows) if not row["remote"]]
    clones = [
        _duplicate(rng, rows[source], today, tag)
        for tag, source in enumerate(sorted(rng.sample(on_site, k=duplicates)), start=1)
    ]
    for clone in clones:
        rows.insert(rng.randint(0, len(rows)), clone)
    return DemoJobs(employers=[_employer_row(rng, emp) for emp in emps], vacancies=rows)
