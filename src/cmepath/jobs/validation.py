"""The rules a vacancy's fields must meet, in one place: the form, the API and the importer
all hand their values to :func:`clean_vacancy`, which returns typed values or raises
:class:`VacancyInvalid` with every problem per field (never only the first).

Pure (no Django): states and professions come from the shared vocabulary, specialties from
the NUCC taxonomy we ship, SOC codes from ``data/soc.yaml``, ZIP codes from the offline
``zipcodes`` data and the pay-transparency laws from ``data/pay_transparency.yaml``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from cmepath.accounts import taxonomy
from cmepath.core import zipdata
from cmepath.core.vocabulary import STATES

from . import paylaw, reference
from .choices import (
    CME_EXPENSES,
    CREDENTIALS,
    MAX_EXPIRY_DAYS,
    VACANCY_PROFESSIONS,
    VISAS,
    BoardRequirement,
    CallType,
    CareerTrack,
    EmploymentModel,
    Malpractice,
    SalaryUnit,
    Schedule,
    Setting,
    Tail,
)

#: Longest a money figure may be (dollars): twelve digits with cents fit the column.
MAX_MONEY = Decimal("9999999999.99")

_TEXT = {
    "title": 200,
    "description": 20000,
    "reference": 64,
    "shifts": 200,
    "city": 100,
}
_CHOICES: dict[str, Mapping[str, str]] = {
    "profession": VACANCY_PROFESSIONS,
    "setting": dict(Setting.choices),
    "career_track": dict(CareerTrack.choices),
    "employment_model": dict(EmploymentModel.choices),
    "schedule": dict(Schedule.choices),
    "call_type": dict(CallType.choices),
    "salary_unit": dict(SalaryUnit.choices),
    "board_requirement": dict(BoardRequirement.choices),
    "malpractice": dict(Malpractice.choices),
    "tail": dict(Tail.choices),
}
_CODE_LISTS: dict[str, Mapping[str, str]] = {
    "remote_states": {k: t.label for k, t in STATES.items()},
    "licence_states": {k: t.label for k, t in STATES.items()},
    "credentials": CREDENTIALS,
    "visas": VISAS,
    "cme_expenses": CME_EXPENSES,
}
_MONEY = (
    "salary_min",
    "salary_max",
    "dollars_per_wrvu",
    "sign_on_bonus",
    "relocation",
    "loan_repayment",
    "cme_allowance",
)
_SMALL_INTS = {
    "call_ratio": (1, 60),
    "guarantee_months": (0, 120),
    "wrvu_threshold": (0, 100000),
    "sign_on_clawback_months": (0, 120),
    "hpsa_score": (0, 26),
    "noncompete_miles": (0, 500),
    "noncompete_months": (0, 120),
}
_FLAGS = (
    "call_paid",
    "remote",
    "compact_accepted",
    "nhsc_site",
    "cme_days_separate_from_pto",
    "cme_rollover",
    "cme_repay_on_leaving",
    "agencies_may_contact",
)
_DATES = ("start_date", "posted_on", "expires_on")

#: Every field a vacancy's author sets (the form, the API and the import columns).
VACANCY_FIELDS: tuple[str, ...] = (
    *_TEXT,
    *_CHOICES,
    "specialty",
    "soc_code",
    "state",
    "zip_code",
    *_CODE_LISTS,
    *_MONEY,
    "collections_percent",
    "cme_days",
    *_SMALL_INTS,
    *_FLAGS,
    *_DATES,
)
REQUIRED = ("title", "description", "profession", "setting", "employment_model", "schedule")
_ZIP_RE = re.compile(r"^\d{5}$")
_FALSE = {"", "0", "false", "no", "off", "n"}
_TRUE = {"1", "true", "yes", "on", "y"}


class VacancyInvalid(ValueError):
    """One or more fields are wrong; ``errors`` maps each field to its messages."""

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        self.errors = {k: list(v) for k, v in errors.items()}
        first = next(iter(self.errors.items()))
        super().__init__(f"{first[0]}: {first[1][0]}")

    def summary(self) -> str:
        return "; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items())


@dataclass
class _Errors:
    items: dict[str, list[str]]

    def add(self, field: str, message: str) -> None:
        self.items.setdefault(field, []).append(message)


def _suggest(value: str, accepted: Iterable[str] | Mapping[str, str]) -> str:
    """ " Did you mean 'TX'?" for a near code, or for a label given instead of its code
    ("Texas")."""
    options = list(accepted)
    labels = dict(accepted) if isinstance(accepted, Mapping) else {}
    by_label = {str(label).casefold(): code for code, label in labels.items()}
    if value.casefold() in by_label:
        return f" Did you mean {by_label[value.casefold()]!r}?"
    close = difflib.get_close_matches(value, options, n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(value.upper(), options, n=1, cutoff=0.6)
    if not close and by_label:
        near = difflib.get_close_matches(value.casefold(), list(by_label), n=1, cutoff=0.75)
        close = [by_label[near[0]]] if near else []
    return f" Did you mean {close[0]!r}?" if close else ""


def _accepted(values: Iterable[str], limit: int = 60) -> str:
    names = [v for v in values if v]
    shown = ", ".join(names[:limit])
    return shown + (", ..." if len(names) > limit else "")


def _money(raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError("must be an amount in US dollars, not yes/no")
    text = str(raw).strip().replace(",", "").lstrip("$")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{str(raw)[:30]!r} is not an amount in US dollars") from None
    if not value.is_finite() or value < 0:
        raise ValueError("must be zero or more")
    if value > MAX_MONEY:
        raise ValueError(f"must be at most {MAX_MONEY:,}")
    return value.quantize(Decimal("0.01"))


def _int(raw: Any, low: int, high: int) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValueError("must be a whole number")
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise ValueError(f"{str(raw)[:30]!r} is not a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"must be between {low} and {high}")
    return value


def _flag(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower() if raw is not None else ""
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"{str(raw)[:30]!r} is not yes or no")


def _day(raw: Any) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip()[:10])
    except ValueError:
        raise ValueError(f"{str(raw)[:30]!r} is not a date (YYYY-MM-DD)") from None


def _codes(raw: Any) -> list[str]:
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        items = re.split(r"[;,]", raw)
    elif isinstance(raw, list | tuple):
        items = [str(x) for x in raw]
    else:
        raise ValueError("must be a list of codes")
    return list(dict.fromkeys(i.strip() for i in items if i.strip()))


def clean_vacancy(
    data: Mapping[str, Any], *, partial_of: Mapping[str, Any] | None = None, today: date
) -> dict[str, Any]:
    """Check and type every field of a vacancy.

    ``data`` holds field values as a form, JSON or CSV gives them; with ``partial_of`` (the
    current values) only the fields in ``data`` change. Unknown keys are refused with the
    accepted names. Returns the complete set of values, typed, with the location filled from
    the ZIP code. Raises :class:`VacancyInvalid`.
    """
    errors = _Errors({})
    unknown = sorted(set(data) - set(VACANCY_FIELDS))
    if unknown:
        errors.add(
            "fields",
            f"Unknown field(s) {', '.join(unknown)}. Accepted: {', '.join(VACANCY_FIELDS)}.",
        )
    merged: dict[str, Any] = dict(partial_of or {})
    merged.update({k: v for k, v in data.items() if k in VACANCY_FIELDS})
    out: dict[str, Any] = {}

    for name, limit in _TEXT.items():
        text = (
            " ".join(str(merged.get(name) or "").split())
            if name != "description"
            else (str(merged.get(name) or "").strip())
        )
        if len(text) > limit:
            errors.add(name, f"is {len(text):,} characters long; at most {limit:,}.")
        out[name] = text
    for name in REQUIRED:
        if name in _TEXT and not out.get(name):
            errors.add(name, "is required.")

    for name, options in _CHOICES.items():
        raw = str(merged.get(name) or "").strip()
        if not raw:
            default = {
                "career_track": CareerTrack.CLINICAL,
                "call_type": CallType.NONE,
                "salary_unit": SalaryUnit.YEAR,
                "board_requirement": BoardRequirement.NONE,
                "malpractice": "",
                "tail": "",
            }.get(name)
            if default is None:
                errors.add(name, f"is required. Accepted: {_accepted(options)}.")
            out[name] = default or ""
            continue
        if raw not in options:
            errors.add(
                name,
                f"{raw[:30]!r} is not a known value.{_suggest(raw, options)} "
                f"Accepted: {_accepted(options)}.",
            )
        out[name] = raw

    specialty = str(merged.get("specialty") or "").strip().upper()
    if specialty and taxonomy.get(specialty) is None:
        errors.add(
            "specialty",
            f"{specialty[:20]!r} is not a NUCC taxonomy code we know (10 characters such as "
            "207Q00000X for family medicine); see /api/v1/taxonomy for the list.",
        )
    out["specialty"] = specialty

    soc = str(merged.get("soc_code") or "").strip()
    if not soc and out.get("profession") in VACANCY_PROFESSIONS:
        soc = reference.default_soc(out["profession"]) or ""
    if soc and soc not in reference.SOC_CODES:
        errors.add(
            "soc_code",
            f"{soc[:10]!r} is not a healthcare SOC 2018 code we accept.{_suggest(soc, reference.SOC_CODES)} "
            f"Accepted: {_accepted(reference.SOC_CODES)}.",
        )
    out["soc_code"] = soc

    for name, options in _CODE_LISTS.items():
        try:
            values = _codes(merged.get(name))
        except ValueError as exc:
            errors.add(name, str(exc))
            values = []
        if name in ("remote_states", "licence_states"):
            values = [v.upper() if len(v) == 2 else v for v in values]
        bad = [v for v in values if v not in options]
        for v in bad:
            errors.add(
                name,
                f"{v[:30]!r} is not a known code.{_suggest(v, options)} "
                f"Accepted: {_accepted(options)}.",
            )
        out[name] = [v for v in values if v in options]

    for name in _MONEY:
        try:
            out[name] = _money(merged.get(name))
        except ValueError as exc:
            errors.add(name, str(exc))
            out[name] = None
    try:
        pct = _money(merged.get("collections_percent"))
        if pct is not None and pct > 100:
            raise ValueError("must be at most 100")
        out["collections_percent"] = pct
    except ValueError as exc:
        errors.add("collections_percent", str(exc))
        out["collections_percent"] = None
    try:
        days = _money(merged.get("cme_days"))
        if days is not None and days > 60:
            raise ValueError("must be at most 60 days a year")
        out["cme_days"] = days.quantize(Decimal("0.1")) if days is not None else None
    except ValueError as exc:
        errors.add("cme_days", str(exc))
        out["cme_days"] = None
    for name, (low, high) in _SMALL_INTS.items():
        try:
            out[name] = _int(merged.get(name), low, high)
        except ValueError as exc:
            errors.add(name, str(exc))
            out[name] = None
    for name in _FLAGS:
        on_by_default = name == "cme_days_separate_from_pto"
        given = merged.get(name, on_by_default)
        try:
            out[name] = _flag(given) if given is not None else on_by_default
        except ValueError as exc:
            errors.add(name, str(exc))
            out[name] = on_by_default
    for name in _DATES:
        try:
            out[name] = _day(merged.get(name))
        except ValueError as exc:
            errors.add(name, str(exc))
            out[name] = None

    _check_location(merged, out, errors)
    _check_pay(out, errors)
    _check_dates(out, errors, today)
    if errors.items:
        raise VacancyInvalid(errors.items)
    return out


def _check_location(merged: Mapping[str, Any], out: dict[str, Any], errors: _Errors) -> None:
    zip_code = str(merged.get("zip_code") or "").strip()
    state = str(merged.get("state") or "").strip().upper()
    out.update(zip_code="", city=out.get("city", ""), state="", latitude=None, longitude=None)
    if zip_code:
        if not _ZIP_RE.match(zip_code):
            errors.add("zip_code", f"{zip_code[:12]!r} is not a 5-digit US ZIP code.")
        else:
            place = zipdata.lookup(zip_code)
            if place is None:
                errors.add("zip_code", f"ZIP code {zip_code} does not exist (USPS data).")
            else:
                if state and state != place.state:
                    errors.add(
                        "state",
                        f"ZIP code {zip_code} is in {place.state}, not {state}; "
                        "correct one of the two.",
                    )
                out.update(
                    zip_code=zip_code,
                    state=place.state,
                    city=out.get("city") or place.city,
                    latitude=place.latitude,
                    longitude=place.longitude,
                )
    elif state:
        if state not in STATES:
            errors.add("state", f"{state[:20]!r} is not a US state code.{_suggest(state, STATES)}")
        else:
            out["state"] = state
    if out["remote"]:
        if not out["remote_states"] and "remote_states" not in errors.items:
            errors.add(
                "remote_states",
                "A fully remote vacancy needs the states it may be worked from "
                "(licences follow the patient's state).",
            )
        if not out["licence_states"]:
            out["licence_states"] = list(out["remote_states"])
    else:
        out["remote_states"] = []
        if not out["zip_code"] and "zip_code" not in errors.items:
            errors.add("zip_code", "is required unless the vacancy is fully remote.")
        if not out["licence_states"] and out["state"]:
            out["licence_states"] = [out["state"]]


def _check_pay(out: dict[str, Any], errors: _Errors) -> None:
    low, high = out.get("salary_min"), out.get("salary_max")
    if low is not None and high is not None and low > high:
        errors.add(
            "salary_max",
            f"The salary minimum ({low:,}) is above the maximum ({high:,}); swap them or fix one.",
        )
    if (low is None) != (high is None):
        field = "salary_max" if high is None else "salary_min"
        errors.add(
            field, "A pay range needs both a minimum and a maximum (equal for a fixed rate)."
        )


def _check_dates(out: dict[str, Any], errors: _Errors, today: date) -> None:
    posted, expires = out.get("posted_on"), out.get("expires_on")
    if posted and expires and expires <= posted:
        errors.add(
            "expires_on",
            f"The expiry ({expires}) must come after the posting date ({posted}).",
        )
    if expires and (posted or today) + timedelta(days=MAX_EXPIRY_DAYS) < expires:
        errors.add(
            "expires_on",
            f"A listing may stay up at most {MAX_EXPIRY_DAYS} days; renew it instead "
            "(ghost listings are what clinicians complain of most).",
        )


def pay_law_problem(values: Mapping[str, Any], *, on: date) -> str | None:
    """The message naming the law when a vacancy located in (or remote-open to) a state that
    requires a pay range in postings has none; ``None`` when it may be published."""
    if values.get("salary_min") is not None and values.get("salary_max") is not None:
        return None
    states = {values.get("state") or "", *values.get("remote_states", ())} - {""}
    laws = paylaw.laws_requiring_range(states, on)
    return paylaw.message(laws) if laws else None
