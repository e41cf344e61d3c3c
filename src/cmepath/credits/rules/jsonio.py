"""JSON formats of the engine: profile in, records in, evaluation out.

The formats are documented in ``docs/credits-engine.md``; examples live in
``docs/examples/``. Every problem in the input raises :class:`InputError` with a one-line
message that says where (``completions[3].credits``) and what to do.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from cmepath.core.vocabulary import (
    validate_credit_type,
    validate_profession,
    validate_topic,
)
from cmepath.credits.rules.model import (
    BoardCert,
    ClinicianProfile,
    Completion,
    Evaluation,
    Licence,
    RegimeResult,
    RequirementResult,
)

JSONDict = dict[str, Any]


class InputError(ValueError):
    """Profile or records JSON that cannot be used; the message is one line."""


def _fields(
    data: Any, where: str, allowed: Iterable[str], required: Iterable[str] = ()
) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: expected a JSON object")
    allowed_set = set(allowed)
    for key in data:
        if key not in allowed_set:
            near = difflib.get_close_matches(str(key), sorted(allowed_set), n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else ""
            raise InputError(f"{where}: unknown field '{key}'{hint}")
    for key in required:
        if key not in data or data[key] in (None, ""):
            raise InputError(f"{where}: missing required field '{key}'")
    return data


def _date(value: Any, where: str, *, optional: bool = False) -> date | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where}: expected a date string YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"{where}: '{value}' is not a valid date (use YYYY-MM-DD)") from None


def _req_date(value: Any, where: str) -> date:
    parsed = _date(value, where)
    assert parsed is not None  # _date only returns None when optional
    return parsed


def _str_list(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InputError(f"{where}: expected a list of strings")
    return list(value)


def _bool(value: Any, where: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise InputError(f"{where}: expected true or false")
    return value


def _str(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: expected a string")
    return value


def _wrap(fn: Any, code: str, where: str) -> str:
    try:
        return str(fn(code))
    except ValueError as exc:
        raise InputError(f"{where}: {exc}") from None


# -- profile ----------------------------------------------------------------------------------

_LICENCE_FIELDS = (
    "state",
    "profession",
    "number",
    "issue_date",
    "expiry_date",
    "dea_registered",
    "direct_patient_care",
    "endorsements",
)
_CERT_FIELDS = ("board", "specialty", "cycle_start", "cycle_end")
_PROFILE_FIELDS = (
    "id",
    "profession",
    "birth_date",
    "date_of_first_licensure",
    "licences",
    "board_certifications",
    "dea_registration_date",
    "patients_65_plus_share",
    "specialties",
)


def profile_from_json(data: Any) -> ClinicianProfile:
    """Build a :class:`ClinicianProfile` from the profile JSON object."""
    d = _fields(data, "profile", _PROFILE_FIELDS, ("profession",))
    licences = []
    raw_licences = d.get("licences") or []
    if not isinstance(raw_licences, list):
        raise InputError("profile.licences: expected a list")
    for i, raw in enumerate(raw_licences):
        where = f"profile.licences[{i}]"
        lic = _fields(raw, where, _LICENCE_FIELDS, ("state", "profession"))
        licences.append(
            Licence(
                state=_str(lic["state"], f"{where}.state").upper(),
                profession=_wrap(validate_profession, lic["profession"], f"{where}.profession"),
                number=_str(lic.get("number", ""), f"{where}.number"),
                issue_date=_date(lic.get("issue_date"), f"{where}.issue_date", optional=True),
                expiry_date=_date(lic.get("expiry_date"), f"{where}.expiry_date", optional=True),
                dea_registered=_bool(lic.get("dea_registered"), f"{where}.dea_registered", False),
                direct_patient_care=_bool(
                    lic.get("direct_patient_care"), f"{where}.direct_patient_care", True
                ),
                endorsements=frozenset(_str_list(lic.get("endorsements"), f"{where}.endorsements")),
            )
        )
    certs = []
    raw_certs = d.get("board_certifications") or []
    if not isinstance(raw_certs, list):
        raise InputError("profile.board_certifications: expected a list")
    for i, raw in enumerate(raw_certs):
        where = f"profile.board_certifications[{i}]"
        c = _fields(raw, where, _CERT_FIELDS, ("board",))
        certs.append(
            BoardCert(
                board=_str(c["board"], f"{where}.board"),
                specialty=_str(c.get("specialty", ""), f"{where}.specialty"),
                cycle_start=_date(c.get("cycle_start"), f"{where}.cycle_start", optional=True),
                cycle_end=_date(c.get("cycle_end"), f"{where}.cycle_end", optional=True),
            )
        )
    share = d.get("patients_65_plus_share")
    if share is not None and (
        isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1
    ):
        raise InputError("profile.patients_65_plus_share: expected a number from 0 to 1")
    return ClinicianProfile(
        id=str(d.get("id", "")),
        profession=_wrap(validate_profession, d["profession"], "profile.profession"),
        birth_date=_date(d.get("birth_date"), "profile.birth_date", optional=True),
        date_of_first_licensure=_date(
            d.get("date_of_first_licensure"), "profile.date_of_first_licensure", optional=True
        ),
        licences=tuple(licences),
        board_certifications=tuple(certs),
        dea_registration_date=_date(
            d.get("dea_registration_date"), "profile.dea_registration_date", optional=True
        ),
        patients_65_plus_share=None if share is None else float(share),
        specialties=frozenset(_str_list(d.get("specialties"), "profile.specialties")),
    )


def profile_to_json(profile: ClinicianProfile) -> JSONDict:
    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "id": profile.id,
        "profession": profile.profession,
        "birth_date": iso(profile.birth_date),
        "date_of_first_licensure": iso(profile.date_of_first_licensure),
        "dea_registration_date": iso(profile.dea_registration_date),
        "patients_65_plus_share": profile.patients_65_plus_share,
        "specialties": sorted(profile.specialties),
        "licences": [
            {
                "state": lic.state,
                "profession": lic.profession,
                "number": lic.number,
                "issue_date": iso(lic.issue_date),
                "expiry_date": iso(lic.expiry_date),
                "dea_registered": lic.dea_registered,
                "direct_patient_care": lic.direct_patient_care,
                "endorsements": sorted(lic.endorsements),
            }
            for lic in profile.licences
        ],
        "board_certifications": [
            {
                "board": c.board,
                "specialty": c.specialty,
                "cycle_start": iso(c.cycle_start),
                "cycle_end": iso(c.cycle_end),
            }
            for c in profile.board_certifications
        ],
    }


# -- records ----------------------------------------------------------------------------------

_COMPLETION_FIELDS = ("id", "title", "completed_on", "credits", "topics", "kinds")


def completions_from_json(data: Any) -> list[Completion]:
    """Build completions from ``{"completions": [...]}`` (or a bare list)."""
    if isinstance(data, Mapping):
        data = _fields(data, "records", ("completions",), ("completions",))["completions"]
    if not isinstance(data, list):
        raise InputError('records: expected {"completions": [...]} or a list of completions')
    out: list[Completion] = []
    seen: set[str] = set()
    for i, raw in enumerate(data):
        where = f"completions[{i}]"
        c = _fields(raw, where, _COMPLETION_FIELDS, ("id", "completed_on", "credits"))
        cid = str(c["id"])
        if cid in seen:
            raise InputError(f"{where}.id: duplicate id '{cid}'")
        seen.add(cid)
        credits_raw = c["credits"]
        if not isinstance(credits_raw, Mapping) or not credits_raw:
            raise InputError(f"{where}.credits: expected an object of credit type to hours")
        credits: dict[str, float] = {}
        for code, hours in credits_raw.items():
            _wrap(validate_credit_type, code, f"{where}.credits")
            if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
                raise InputError(f"{where}.credits.{code}: expected a non-negative number of hours")
            credits[code] = float(hours)
        topics = _str_list(c.get("topics"), f"{where}.topics")
        for topic in topics:
            _wrap(validate_topic, topic, f"{where}.topics")
        out.append(
            Completion(
                id=cid,
                title=_str(c.get("title", ""), f"{where}.title"),
                completed_on=_req_date(c["completed_on"], f"{where}.completed_on"),
                credits=credits,
                topics=frozenset(topics),
                kinds=frozenset(_str_list(c.get("kinds"), f"{where}.kinds")),
            )
        )
    return out


def check_completions(completions: Iterable[Completion], as_of: date) -> None:
    """Reject completions dated after ``as_of`` (a record cannot be in the future)."""
    for c in completions:
        if c.completed_on > as_of:
            raise InputError(
                f"completion '{c.id}' is dated {c.completed_on.isoformat()}, after the "
                f"evaluation date {as_of.isoformat()}: fix the date or use --as-of"
            )


def completions_to_json(completions: Iterable[Completion]) -> JSONDict:
    return {
        "completions": [
            {
                "id": c.id,
                "title": c.title,
                "completed_on": c.completed_on.isoformat(),
                "credits": dict(sorted(c.credits.items())),
                "topics": sorted(c.topics),
                "kinds": sorted(c.kinds),
            }
            for c in completions
        ]
    }


# -- evaluation -------------------------------------------------------------------------------


def _requirement_json(r: RequirementResult) -> JSONDict:
    return {
        "id": r.id,
        "label": r.label,
        "status": r.status,
        "hours_counted": r.hours_counted,
        "hours_needed": r.hours_needed,
        "deadline": r.deadline.isoformat() if r.deadline else None,
        "counted_completion_ids": list(r.counted_completion_ids),
        "explanation": r.explanation,
        "reason_not_applicable": r.reason_not_applicable,
    }


def _regime_json(r: RegimeResult) -> JSONDict:
    def iso(d: date | None) -> str | None:
        return d.isoformat() if d else None

    return {
        "regime_id": r.regime_id,
        "name": r.name,
        "kind": r.kind,
        "status": r.status,
        "source_url": r.source_url,
        "sources": list(r.sources),
        "as_of": r.as_of.isoformat(),
        "cycle_start": iso(r.cycle_start),
        "cycle_end": iso(r.cycle_end),
        "deadline": iso(r.deadline),
        "cure_until": iso(r.cure_until),
        "renewal_number": r.renewal_number,
        "requirements": [_requirement_json(x) for x in r.requirements],
    }


def evaluation_to_json(evaluation: Evaluation) -> JSONDict:
    return {
        "as_of": evaluation.as_of.isoformat(),
        "profile_id": evaluation.profile_id,
        "regimes": [_regime_json(r) for r in evaluation.regimes],
    }


def to_json(obj: Evaluation | ClinicianProfile | Iterable[Completion]) -> JSONDict:
    """JSON-ready dict for an evaluation, a profile, or a list of completions."""
    if isinstance(obj, Evaluation):
        return evaluation_to_json(obj)
    if isinstance(obj, ClinicianProfile):
        return profile_to_json(obj)
    return completions_to_json(obj)


__all__ = [
    "InputError",
    "check_completions",
    "completions_from_json",
    "completions_to_json",
    "evaluation_to_json",
    "profile_from_json",
    "profile_to_json",
    "to_json",
]
