"""schema.org ``JobPosting`` JSON-LD: build it for a vacancy page, check it against Google's
rules, and read one back for import.

Pure: no Django import at module level; functions take plain values (a vacancy's field
values keyed by ``Vacancy`` field names, dates as ``datetime.date``, money as ``Decimal``) and
return plain JSON-ready dicts. The one lazy import is ``cmepath.jobs.choices`` for the labels
of credentials, visas and CME expenses (a constants module; it needs no settings).

Rules (``check_job_posting``) follow Google's job-posting documentation with the
required/recommended split of ``adobe/structured-data-validator`` (``types/JobPosting.js``),
plus our own: ``validThrough``, ``identifier``, ``directApply`` and ``occupationalCategory`` are
always emitted, so their absence is a defect. Mapping choices worth knowing:

- ``employmentType`` is the schedule (``FULL_TIME``/``PART_TIME``/``PER_DIEM``) plus
  ``CONTRACTOR`` for 1099 and ``CONTRACTOR`` + ``TEMPORARY`` for locum tenens, so
  ``parse_job_posting`` recovers both fields (W-2 and partnership track both read back as W-2).
- A remote vacancy with no listed states is open to the whole country:
  ``applicantLocationRequirements`` is then ``Country USA``, read back as ``remote_states=[]``.
- Visas go in ``eligibilityToWorkRequirement``, never in ``applicantLocationRequirements``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import Any

from cmepath.core.vocabulary import STATES

from .vocab import CME_EXPENSES, CREDENTIALS, DEFAULT_EXPIRY_DAYS, VISAS

SCHEMA_ORG = "https://schema.org"
#: Google's ``employmentType`` values for JobPosting.
EMPLOYMENT_TYPES = frozenset(
    {
        "FULL_TIME",
        "PART_TIME",
        "CONTRACTOR",
        "TEMPORARY",
        "INTERN",
        "VOLUNTEER",
        "PER_DIEM",
        "OTHER",
    }
)
#: ``QuantitativeValue.unitText`` values Google accepts for pay (same as ``SalaryUnit``).
SALARY_UNITS = frozenset({"HOUR", "DAY", "WEEK", "MONTH", "YEAR"})
#: Added to a remote vacancy's description unless it already says "100% remote"
#: (Google: a TELECOMMUTE posting's description must say the job is fully remote).
REMOTE_NOTE = "This is a 100% remote position."

_SCHEDULE_TYPE = {"full_time": "FULL_TIME", "part_time": "PART_TIME", "per_diem": "PER_DIEM"}
_MODEL_TYPES = {"1099": ["CONTRACTOR"], "locum": ["CONTRACTOR", "TEMPORARY"]}
_BOARD_TEXT = {"eligible": "Board eligible or board certified", "certified": "Board certified"}
_USA_NAMES = frozenset({"us", "usa", "u.s.", "u.s.a.", "united states", "united states of america"})
_STATE_BY_NAME = {term.label.lower(): code for code, term in STATES.items()} | {
    code.lower(): code for code in STATES
}
_VISA_WORDS = re.compile(
    r"\b(visas?|h-?1b|j-?1|green\s*card|citizen(ship)?|work\s*permit|sponsor(ship)?|"
    r"immigra\w*)\b",
    re.IGNORECASE,
)
_REMOTE_WORDS = re.compile(r"\bremote\b|telecommut|work from home", re.IGNORECASE)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SOC = re.compile(r"\s*(\d{2}-\d{4})\b")
_ZIP = re.compile(r"(\d{5})(?:-\d{4})?")
_HTML = re.compile(r"<[a-zA-Z/!]")


class JsonLdError(ValueError):
    """A JobPosting cannot be read (not an object, wrong ``@type``, a bad date, ...)."""


# --------------------------------------------------------------------------- building


def build_job_posting(
    v: Mapping[str, Any],
    *,
    employer: Mapping[str, Any],
    url: str,
    specialty_label: str,
    soc_label: str,
) -> dict[str, Any]:
    """The JobPosting JSON-LD of one vacancy's detail page (only keys that have values).

    ``v`` holds the vacancy's field values (``id`` included when saved), ``employer`` the
    employer's (``name``, ``website``), ``url`` the page's absolute address. The result holds
    only JSON types, ready for ``json.dumps``. ``validThrough`` is the end (UTC) of
    ``expires_on``, or of ``posted_on`` + ``DEFAULT_EXPIRY_DAYS`` when no expiry is set yet;
    the identifier is the employer's ``reference``, else the vacancy ``id``.
    """

    remote = bool(v.get("remote"))
    posted: date | None = v.get("posted_on")
    expires: date | None = v.get("expires_on")
    if expires is None and posted is not None:
        expires = posted + timedelta(days=DEFAULT_EXPIRY_DAYS)
    out: dict[str, Any] = {"@context": SCHEMA_ORG, "@type": "JobPosting"}
    _put(out, "title", _str(v.get("title")))
    _put(out, "description", _description(_str(v.get("description")), remote=remote))
    _put(out, "url", url)
    _put(out, "datePosted", posted.isoformat() if posted else None)
    if expires is not None:  # end of the expiry day (UTC, the site's time zone)
        out["validThrough"] = datetime.combine(expires, time(23, 59, 59), tzinfo=UTC).isoformat()
    out["hiringOrganization"] = _organization(employer)
    if remote:
        out["jobLocationType"] = "TELECOMMUTE"
        out["applicantLocationRequirements"] = _applicant_locations(v.get("remote_states") or [])
    else:
        _put(out, "jobLocation", _place(v))
    _put(out, "baseSalary", _salary(v))
    _put(out, "employmentType", _employment_type(v))
    reference = _str(v.get("reference")) or _str(v.get("id") or v.get("pk"))
    if reference:
        identifier: dict[str, Any] = {"@type": "PropertyValue"}
        _put(identifier, "name", _str(employer.get("name")))
        identifier["value"] = reference
        out["identifier"] = identifier
    out["directApply"] = True
    soc_code = _str(v.get("soc_code"))
    _put(out, "occupationalCategory", f"{soc_code} {soc_label}".strip())
    visas = [VISAS.get(code, code) for code in v.get("visas") or []]
    if visas:
        out["eligibilityToWorkRequirement"] = f"Visa sponsorship available: {'; '.join(visas)}."
    _put(out, "jobBenefits", _benefits(v, CME_EXPENSES))
    _put(out, "incentiveCompensation", _incentives(v))
    _put(out, "workHours", _str(v.get("shifts")))
    _put(out, "qualifications", _qualifications(v, specialty_label, CREDENTIALS))
    start: date | None = v.get("start_date")
    _put(out, "jobStartDate", start.isoformat() if start else None)
    return out


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if value not in (None, "", [], {}):
        out[key] = value


def _str(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _dec(value: Decimal | float | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _number(value: Decimal | float) -> int | float:
    """A JSON number: an int when whole (250000, not 250000.0)."""
    d = _dec(value)
    return int(d) if d == d.to_integral_value() else float(d)


def _money(value: Decimal | float) -> str:
    d = _dec(value)
    return f"${d:,.0f}" if d == d.to_integral_value() else f"${d:,.2f}"


def _plain_number(value: Decimal | float) -> str:
    """5 for 5.0, 2.5 for 2.50."""
    d = _dec(value)
    return str(int(d)) if d == d.to_integral_value() else str(d.normalize())


def _description(text: str, *, remote: bool) -> str:
    if not text:
        return ""
    if remote and "100% remote" not in text.lower():
        return f"{text}\n\n{REMOTE_NOTE}"
    return text


def _organization(employer: Mapping[str, Any]) -> dict[str, Any]:
    org: dict[str, Any] = {"@type": "Organization"}
    _put(org, "name", _str(employer.get("name")))
    _put(org, "sameAs", _str(employer.get("website")))
    return org


def _state_name(code: str) -> str:
    term = STATES.get(code)
    return term.label if term else code


def _applicant_locations(states: Iterable[str]) -> list[dict[str, str]]:
    areas = [{"@type": "State", "name": _state_name(code)} for code in states]
    return areas or [{"@type": "Country", "name": "USA"}]


def _place(v: Mapping[str, Any]) -> dict[str, Any]:
    address: dict[str, Any] = {"@type": "PostalAddress"}
    _put(address, "addressLocality", _str(v.get("city")))
    _put(address, "addressRegion", _str(v.get("state")))
    _put(address, "postalCode", _str(v.get("zip_code")))
    address["addressCountry"] = "US"
    return {"@type": "Place", "address": address}


def _salary(v: Mapping[str, Any]) -> dict[str, Any] | None:
    low, high = v.get("salary_min"), v.get("salary_max")
    if low is None and high is None:
        return None
    value: dict[str, Any] = {"@type": "QuantitativeValue"}
    if low is not None and high is not None and _dec(low) == _dec(high):
        value["value"] = _number(low)
    else:
        if low is not None:
            value["minValue"] = _number(low)
        if high is not None:
            value["maxValue"] = _number(high)
    value["unitText"] = _str(v.get("salary_unit")) or "YEAR"
    return {"@type": "MonetaryAmount", "currency": "USD", "value": value}


def _employment_type(v: Mapping[str, Any]) -> str | list[str] | None:
    types = [_SCHEDULE_TYPE[s] for s in [_str(v.get("schedule"))] if s in _SCHEDULE_TYPE]
    types += _MODEL_TYPES.get(_str(v.get("employment_model")), [])
    if not types:
        return None
    return types[0] if len(types) == 1 else types


def _benefits(v: Mapping[str, Any], expense_labels: Mapping[str, str]) -> str:
    parts: list[str] = []
    allowance = v.get("cme_allowance")
    if allowance is not None:
        expenses = [expense_labels.get(c, c).lower() for c in v.get("cme_expenses") or []]
        spent_on = f" (eligible: {', '.join(expenses)})" if expenses else ""
        parts.append(f"CME allowance: {_money(allowance)} per year{spent_on}.")
        if v.get("cme_rollover"):
            parts.append("Unused CME allowance rolls over.")
        if v.get("cme_repay_on_leaving"):
            parts.append("CME money is repaid on leaving.")
    days = v.get("cme_days")
    if days is not None:
        pto = "separate from PTO" if v.get("cme_days_separate_from_pto", True) else "part of PTO"
        parts.append(f"{_plain_number(days)} paid CME days per year, {pto}.")
    loan = v.get("loan_repayment")
    if loan is not None:
        parts.append(f"Loan repayment: {_money(loan)}.")
    if v.get("nhsc_site"):
        score = v.get("hpsa_score")
        parts.append(
            "NHSC-approved site" + (f" (HPSA score {score})." if score is not None else ".")
        )
    relocation = v.get("relocation")
    if relocation is not None:
        parts.append(f"Relocation assistance: {_money(relocation)}.")
    return " ".join(parts)


def _incentives(v: Mapping[str, Any]) -> str:
    parts: list[str] = []
    bonus = v.get("sign_on_bonus")
    if bonus is not None:
        months = v.get("sign_on_clawback_months")
        clawback = (
            f", forgiven over {months} months (the unforgiven part is repaid on leaving earlier)"
            if months
            else ""
        )
        parts.append(f"Sign-on bonus: {_money(bonus)}{clawback}.")
    guarantee = v.get("guarantee_months")
    if guarantee:
        parts.append(f"Guaranteed salary for the first {guarantee} months.")
    per_wrvu, threshold = v.get("dollars_per_wrvu"), v.get("wrvu_threshold")
    if per_wrvu is not None:
        above = f" above {threshold:,} wRVUs a year" if threshold is not None else ""
        parts.append(f"Productivity pay: {_money(per_wrvu)} per wRVU{above}.")
    elif threshold is not None:
        parts.append(f"wRVU threshold: {threshold:,} a year.")
    collections = v.get("collections_percent")
    if collections is not None:
        parts.append(f"{_plain_number(collections)}% of collections.")
    return " ".join(parts)


def _qualifications(
    v: Mapping[str, Any], specialty_label: str, credential_labels: Mapping[str, str]
) -> str:
    parts: list[str] = []
    board = _BOARD_TEXT.get(_str(v.get("board_requirement")))
    specialty = specialty_label.strip()
    if board:
        parts.append(f"{board}{f' in {specialty}' if specialty else ''}.")
    elif specialty:
        parts.append(f"Specialty: {specialty}.")
    licences = [_state_name(code) for code in v.get("licence_states") or []]
    if licences:
        compact = " (a compact licence is accepted)" if v.get("compact_accepted") else ""
        parts.append(f"Active licence in: {', '.join(licences)}{compact}.")
    credentials = [credential_labels.get(c, c) for c in v.get("credentials") or []]
    if credentials:
        parts.append(f"Credentials: {', '.join(credentials)}.")
    return " ".join(parts)


# --------------------------------------------------------------------------- checking


def check_job_posting(data: Mapping[str, Any]) -> list[str]:
    """Google's JobPosting rules plus ours; human-readable problems, ``[]`` when valid."""
    if not isinstance(data, Mapping):
        return [f"a JobPosting must be a JSON object, not {_json_kind(data)}"]
    problems: list[str] = []
    if "JobPosting" not in _types(data):
        problems.append(f"@type must be JobPosting (found {data.get('@type')!r})")
    for key in ("title", "description"):
        if not _nonempty(data.get(key)):
            problems.append(f"{key} is missing (required)")
    posted = _required_date(data, "datePosted", problems)
    org = data.get("hiringOrganization")
    if not isinstance(org, Mapping) or not _nonempty(org.get("name")):
        problems.append("hiringOrganization with a name is missing (required)")
    problems += _location_problems(data)
    valid_through = _required_date(data, "validThrough", problems)
    if posted is not None and valid_through is not None and valid_through <= posted:
        problems.append(
            f"validThrough ({data['validThrough']}) is not after datePosted ({data['datePosted']})"
        )
    if "baseSalary" in data:
        problems += _salary_problems(data["baseSalary"])
    if "employmentType" in data:
        problems += _employment_type_problems(data["employmentType"])
    for key in ("identifier", "occupationalCategory"):
        if not _nonempty(data.get(key)):
            problems.append(f"{key} is missing (cmepath emits it on every posting)")
    if not isinstance(data.get("directApply"), bool):
        problems.append("directApply is missing or not true/false (cmepath emits it always)")
    return problems


def _json_kind(value: Any) -> str:
    if isinstance(value, list):
        return "an array"
    return "a string" if isinstance(value, str) else type(value).__name__


def _types(node: Mapping[str, Any]) -> list[str]:
    kind = node.get("@type")
    if isinstance(kind, str):
        return [kind]
    if isinstance(kind, list):
        return [k for k in kind if isinstance(k, str)]
    return []


def _nonempty(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    return value not in (None, [], {})


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _iso_datetime(value: Any) -> datetime | None:
    """An ISO 8601 date or date-time as an aware datetime (naive read as UTC), else None."""
    if not isinstance(value, str) or not _DATE.match(value):
        return None
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _required_date(data: Mapping[str, Any], key: str, problems: list[str]) -> datetime | None:
    if key not in data or data[key] in (None, ""):
        problems.append(f"{key} is missing (required)")
        return None
    parsed = _iso_datetime(data[key])
    if parsed is None:
        problems.append(f"{key} {data[key]!r} is not an ISO 8601 date or date-time")
    return parsed


def _location_problems(data: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    telecommute = "TELECOMMUTE" in _as_list(data.get("jobLocationType"))
    requirements = data.get("applicantLocationRequirements")
    if telecommute:
        if not _nonempty(requirements):
            problems.append(
                "applicantLocationRequirements is missing: a TELECOMMUTE posting must say "
                "where applicants may work from"
            )
        if not _REMOTE_WORDS.search(str(data.get("description") or "")):
            problems.append("description of a TELECOMMUTE posting must say the job is 100% remote")
    elif not _nonempty(data.get("jobLocation")):
        problems.append(
            "jobLocation is missing (required unless jobLocationType is TELECOMMUTE with "
            "applicantLocationRequirements)"
        )
    for place in _as_list(data["jobLocation"]) if _nonempty(data.get("jobLocation")) else []:
        address = place.get("address") if isinstance(place, Mapping) else None
        if not isinstance(address, Mapping) or not _nonempty(address.get("addressCountry")):
            problems.append("jobLocation.address.addressCountry is missing (required)")
    if requirements is not None:
        for area in _as_list(requirements):
            if not isinstance(area, Mapping) or not _nonempty(area.get("name")):
                problems.append(
                    "applicantLocationRequirements must be AdministrativeArea objects with a name"
                )
        visa = _VISA_WORDS.search(str(requirements))
        if visa:
            problems.append(
                f"applicantLocationRequirements mentions {visa.group(0)!r}: visa and citizenship "
                "requirements belong in eligibilityToWorkRequirement"
            )
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _salary_problems(salary: Any) -> list[str]:
    if not isinstance(salary, Mapping):
        return ["baseSalary must be a MonetaryAmount object"]
    problems: list[str] = []
    currency = salary.get("currency")
    if not (isinstance(currency, str) and re.fullmatch(r"[A-Z]{3}", currency)):
        problems.append(f"baseSalary.currency {currency!r} is not an ISO 4217 code such as USD")
    value = salary.get("value")
    if not isinstance(value, Mapping):
        return [*problems, "baseSalary.value must be a QuantitativeValue with a unitText"]
    unit = value.get("unitText")
    if unit not in SALARY_UNITS:
        problems.append(
            f"baseSalary.value.unitText {unit!r} is not one of {', '.join(sorted(SALARY_UNITS))}"
        )
    amounts = {k: value[k] for k in ("value", "minValue", "maxValue") if k in value}
    if not amounts:
        problems.append("baseSalary.value needs value, or minValue and/or maxValue")
    for key, amount in amounts.items():
        if not _is_number(amount) or amount < 0:
            problems.append(f"baseSalary.value.{key} {amount!r} is not a number of 0 or more")
    low: Any = amounts.get("minValue")
    high: Any = amounts.get("maxValue")
    if _is_number(low) and _is_number(high) and low > high:
        problems.append(f"baseSalary minValue {low} is above maxValue {high}")
    return problems


def _employment_type_problems(value: Any) -> list[str]:
    values = _as_list(value)
    if not values:
        return ["employmentType is empty"]
    return [
        f"employmentType {item!r} is not one of {', '.join(sorted(EMPLOYMENT_TYPES))}"
        for item in values
        if item not in EMPLOYMENT_TYPES
    ]


# --------------------------------------------------------------------------- parsing


def parse_job_posting(data: Mapping[str, Any]) -> dict[str, Any]:
    """One JobPosting (ours or another site's) as vacancy field values, for import.

    Shapes and dates are checked here (``JsonLdError`` says what is wrong); the values
    themselves (known state, SOC code, min <= max, pay law) are the services' to check.
    HTML descriptions become plain text.
    """
    if not isinstance(data, Mapping):
        raise JsonLdError(f"a JobPosting must be a JSON object, not {_json_kind(data)}")
    if "JobPosting" not in _types(data):
        raise JsonLdError(f"@type must be JobPosting (found {data.get('@type')!r})")
    context = data.get("@context")
    if isinstance(context, str) and context.rstrip("/").split("://")[-1] != "schema.org":
        raise JsonLdError(f"@context {context!r} is not schema.org")
    out: dict[str, Any] = {}
    _put(out, "title", _text(data, "title"))
    description = _plain(_text(data, "description"))
    if description.endswith(REMOTE_NOTE):  # the sentence build_job_posting adds
        description = description.removesuffix(REMOTE_NOTE).rstrip()
    _put(out, "description", description)
    _put(out, "posted_on", _date(data, "datePosted"))
    _put(out, "expires_on", _date(data, "validThrough"))
    _put(out, "start_date", _date(data, "jobStartDate", text_allowed=True))
    out |= _parse_location(data)
    out |= _parse_salary(data.get("baseSalary"))
    out |= _parse_employment_type(data.get("employmentType"))
    _put(out, "soc_code", _parse_soc(data.get("occupationalCategory")))
    _put(out, "reference", _parse_identifier(data.get("identifier")))
    _put(out, "shifts", _text(data, "workHours"))
    return out


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise JsonLdError(f"{key} must be text, not {_json_kind(value)}")
    return value.strip()


class _TextExtractor(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n- " if tag == "li" else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip = max(0, self._skip - 1)
        elif tag in ("p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _plain(text: str) -> str:
    """HTML (Google allows it in ``description``) as plain text; plain text unchanged."""
    if not _HTML.search(text):
        return text
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _date(data: Mapping[str, Any], key: str, *, text_allowed: bool = False) -> date | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    if isinstance(value, str) and text_allowed and not value.strip()[:1].isdigit():
        return None  # jobStartDate may be text such as "As soon as possible"
    parsed = _iso_datetime(value.strip() if isinstance(value, str) else value)
    if parsed is None:
        raise JsonLdError(f"{key} {value!r} is not an ISO 8601 date (YYYY-MM-DD)")
    return date.fromisoformat(value.strip()[:10])  # the date as written, not shifted to UTC


def _single(value: Any, key: str) -> Any:
    if isinstance(value, list):
        if len(value) != 1:
            raise JsonLdError(
                f"{key} has {len(value)} values; a cmepath vacancy has one "
                "(send one posting per location)"
            )
        return value[0]
    return value


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        value = value.get("name")
    return value.strip() if isinstance(value, str) else ""


def _parse_location(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if "TELECOMMUTE" in _as_list(data.get("jobLocationType")):
        out["remote"] = True
        states: list[str] = []
        for area in _as_list(data.get("applicantLocationRequirements") or []):
            name = _name(area)
            if not name:
                raise JsonLdError("applicantLocationRequirements: each area needs a name")
            if isinstance(area, Mapping) and "Country" in _types(area):
                if name.lower() not in _USA_NAMES:
                    raise JsonLdError(f"applicant country {name!r}: cmepath lists US jobs only")
                continue  # the whole country: no state list
            states.append(_STATE_BY_NAME.get(name.lower(), name))
        out["remote_states"] = states
    place = _single(data.get("jobLocation"), "jobLocation")
    if place is None:
        return out
    if not isinstance(place, Mapping) or not isinstance(place.get("address"), Mapping):
        raise JsonLdError("jobLocation must be a Place with a PostalAddress address")
    address = place["address"]
    country = _name(address.get("addressCountry"))
    if country and country.lower() not in _USA_NAMES:
        raise JsonLdError(f"addressCountry {country!r}: cmepath lists US jobs only")
    _put(out, "city", _text(address, "addressLocality"))
    region = _text(address, "addressRegion")
    _put(out, "state", _STATE_BY_NAME.get(region.lower(), region))
    postal = _text(address, "postalCode")
    match = _ZIP.fullmatch(postal)
    _put(out, "zip_code", match.group(1) if match else postal)
    return out


def _decimal(value: Any, key: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise JsonLdError(f"{key} {value!r} is not a number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise JsonLdError(f"{key} {value!r} is not a number") from None
    if not number.is_finite():
        raise JsonLdError(f"{key} {value!r} is not a number")
    return number


def _parse_salary(salary: Any) -> dict[str, Any]:
    salary = _single(salary, "baseSalary")
    if salary is None:
        return {}
    if not isinstance(salary, Mapping):
        raise JsonLdError("baseSalary must be a MonetaryAmount object")
    currency = salary.get("currency")
    if currency is not None and currency != "USD":
        raise JsonLdError(f"baseSalary currency {currency!r}: cmepath lists pay in USD only")
    value = salary.get("value")
    if not isinstance(value, Mapping):  # a bare amount, unit unknown
        amount = _decimal(value, "baseSalary.value")
        return {"salary_min": amount, "salary_max": amount}
    out: dict[str, Any] = {}
    if value.get("value") is not None:
        out["salary_min"] = out["salary_max"] = _decimal(value["value"], "baseSalary.value")
    if value.get("minValue") is not None:
        out["salary_min"] = _decimal(value["minValue"], "baseSalary minValue")
    if value.get("maxValue") is not None:
        out["salary_max"] = _decimal(value["maxValue"], "baseSalary maxValue")
    unit = value.get("unitText")
    if unit is not None:
        if not isinstance(unit, str):
            raise JsonLdError(f"baseSalary unitText {unit!r} is not text")
        out["salary_unit"] = unit.strip().upper()
    return out


def _parse_employment_type(value: Any) -> dict[str, str]:
    if value is None:
        return {}
    values = set()
    for item in _as_list(value):
        if not isinstance(item, str) or item.strip().upper() not in EMPLOYMENT_TYPES:
            raise JsonLdError(
                f"employmentType {item!r} is not one of {', '.join(sorted(EMPLOYMENT_TYPES))}"
            )
        values.add(item.strip().upper())
    out: dict[str, str] = {}
    if "TEMPORARY" in values:
        out["employment_model"] = "locum"
    elif "CONTRACTOR" in values:
        out["employment_model"] = "1099"
    elif values & {"FULL_TIME", "PART_TIME", "PER_DIEM"}:
        out["employment_model"] = "w2"
    for google, schedule in (
        ("FULL_TIME", "full_time"),
        ("PART_TIME", "part_time"),
        ("PER_DIEM", "per_diem"),
    ):
        if google in values:
            out["schedule"] = schedule
            break
    return out


def _parse_soc(value: Any) -> str:
    for item in _as_list(value):
        text = item.get("codeValue") if isinstance(item, Mapping) else item
        match = _SOC.match(text) if isinstance(text, str) else None
        if match:
            return match.group(1)
    return ""


def _parse_identifier(value: Any) -> str:
    value = _single(value, "identifier")
    if isinstance(value, Mapping):
        value = value.get("value")
    if isinstance(value, bool) or value is None:
        return ""
    if not isinstance(value, str | int):
        raise JsonLdError(f"identifier value {value!r} is not text")
    return str(value).strip()


def script_text(data: Mapping[str, Any]) -> str:
    """``data`` as JSON to place inside ``<script type="application/ld+json">``: ``<``, ``>``
    and ``&`` become JSON escapes (the same value to a JSON parser), so no string in it can
    end the element or start markup."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
