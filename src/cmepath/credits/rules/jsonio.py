"""JSON formats of the engine: profile in, records in, evaluation out.

The formats are documented in ``docs/credits-engine.md``; examples live in
``docs/examples/``. Every problem in the input raises :class:`InputError` with a one-line
message that says where (``completions[3].credits``) and what to do.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any

from cmepath.core.vocabulary import CREDIT_TYPES, PROFESSIONS, STATES, TOPICS
from cmepath.credits.rules.boards import board_directory
from cmepath.credits.rules.loader import default_rules
from cmepath.credits.rules.model import (
    BoardCert,
    ClinicianProfile,
    Completion,
    CredentialResult,
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


# -- accepted codes ---------------------------------------------------------------------------

#: Completion flags (NCCPA performance-improvement and self-assessment CME).
COMPLETION_KINDS = ("live", "pi_cme", "sa_cme")
OTHER_BOARD = "other"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_")


@functools.cache
def accepted_boards() -> tuple[str, ...]:
    """Board codes a profile may name: the certifying boards on file, and "other"."""
    return (*board_directory().boards, OTHER_BOARD)


@functools.cache
def accepted_specialties() -> tuple[str, ...]:
    """Specialty slugs: every NUCC taxonomy classification and specialization (the slugs a
    stored profile's taxonomy codes map to) plus any a shipped rule names."""
    from cmepath.accounts.taxonomy import load_taxonomy

    found = {
        _slug(part)
        for entry in load_taxonomy().values()
        for part in (entry.classification, entry.specialization)
        if part
    }
    for regime in default_rules():
        for req in regime.requirements:
            cond = req.conditions
            found |= cond.specialties_any | cond.specialties_none | cond.board_specialties_none
    return tuple(sorted(found))


@functools.cache
def accepted_endorsements() -> tuple[str, ...]:
    """Licence endorsements a shipped rule asks about (``conditions.endorsements_any``)."""
    return tuple(
        sorted(
            {
                e
                for r in default_rules()
                for q in r.requirements
                for e in q.conditions.endorsements_any
            }
        )
    )


def _suggest(code: str, accepted: Collection[str], names: Mapping[str, Any] | None) -> str:
    """The accepted code ``code`` most likely meant: same letters in another case, a
    jurisdiction's name for its code, the same letters and digits ("PI-CME"), the one code it
    begins ("PI"), or the closest spelling ("" when none is close)."""
    folded = {a.casefold(): a for a in accepted}
    key = code.strip().casefold()
    if key in folded:
        return folded[key]
    by_name = {str(getattr(t, "label", t)).casefold(): c for c, t in (names or {}).items()}
    if key in by_name:
        return by_name[key]
    bare = {re.sub(r"[^a-z0-9]", "", a.casefold()): a for a in accepted}
    key_bare = re.sub(r"[^a-z0-9]", "", key)
    if key_bare in bare:  # "PI-CME", "internal medicine"
        return bare[key_bare]
    starting = [a for b, a in bare.items() if key_bare and b.startswith(key_bare)]
    if len(starting) == 1:  # "PI"
        return starting[0]
    near = difflib.get_close_matches(key, list(folded), n=1, cutoff=0.6)
    if near:
        return folded[near[0]]
    near = difflib.get_close_matches(key, list(by_name), n=1, cutoff=0.6)
    return by_name[near[0]] if near else ""


def _known(
    code: Any,
    accepted: Collection[str],
    what: str,
    where: str,
    names: Mapping[str, Any] | None = None,
) -> str:
    """``code`` if it is one of ``accepted``; else a one-line refusal with a suggestion and
    the accepted values (never a silent skip)."""
    if not isinstance(code, str):
        raise InputError(f"{where}: expected a {what} code (text)")
    if code in accepted:
        return code
    near = _suggest(code, accepted, names)
    if near and names and near in names:
        label = getattr(names[near], "label", names[near])
        hint = f": did you mean '{near}' ({label})?"
    else:
        hint = f": did you mean '{near}'?" if near else ";"
    raise InputError(f"{where}: unknown {what} '{code}'{hint} Accepted: {', '.join(accepted)}.")


def _state(value: Any, where: str) -> str:
    """A jurisdiction code (case aside: "tx" is TX); a name ("Texas") is refused with its code."""
    raw = _str(value, where).strip()
    code = raw.upper() if raw.upper() in STATES else raw
    return _known(code, STATES, "state code", where, STATES)


def _known_list(value: Any, accepted: Collection[str], what: str, where: str) -> frozenset[str]:
    return frozenset(_known(v, accepted, what, where) for v in _str_list(value, where))


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
                state=_state(lic["state"], f"{where}.state"),
                profession=_known(
                    lic["profession"], PROFESSIONS, "licence type", f"{where}.profession"
                ),
                number=_str(lic.get("number", ""), f"{where}.number"),
                issue_date=_date(lic.get("issue_date"), f"{where}.issue_date", optional=True),
                expiry_date=_date(lic.get("expiry_date"), f"{where}.expiry_date", optional=True),
                dea_registered=_bool(lic.get("dea_registered"), f"{where}.dea_registered", False),
                direct_patient_care=_bool(
                    lic.get("direct_patient_care"), f"{where}.direct_patient_care", True
                ),
                endorsements=_known_list(
                    lic.get("endorsements"),
                    accepted_endorsements(),
                    "endorsement",
                    f"{where}.endorsements",
                ),
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
                board=_known(c["board"], accepted_boards(), "board", f"{where}.board"),
                specialty=_known(
                    c["specialty"], accepted_specialties(), "specialty", f"{where}.specialty"
                )
                if c.get("specialty")
                else "",
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
        profession=_known(d["profession"], PROFESSIONS, "profession", "profile.profession"),
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
        specialties=_known_list(
            d.get("specialties"), accepted_specialties(), "specialty", "profile.specialties"
        ),
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
            _known(code, CREDIT_TYPES, "credit type", f"{where}.credits")
            if isinstance(hours, bool) or not isinstance(hours, int | float) or hours < 0:
                raise InputError(f"{where}.credits.{code}: expected a non-negative number of hours")
            credits[code] = float(hours)
        topics = _known_list(c.get("topics"), TOPICS, "topic", f"{where}.topics")
        out.append(
            Completion(
                id=cid,
                title=_str(c.get("title", ""), f"{where}.title"),
                completed_on=_req_date(c["completed_on"], f"{where}.completed_on"),
                credits=credits,
                topics=topics,
                kinds=_known_list(
                    c.get("kinds"), COMPLETION_KINDS, "completion kind", f"{where}.kinds"
                ),
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


def _credential_json(c: CredentialResult) -> JSONDict:
    return {
        "kind": c.kind,
        "code": c.code,
        "profession": c.profession,
        "label": c.label,
        "status": c.status,
        "regime_ids": list(c.regime_ids),
        "explanation": c.explanation,
        "authority": c.authority,
        "authority_url": c.authority_url,
        "check_with": c.check_with,
    }


def evaluation_to_json(evaluation: Evaluation) -> JSONDict:
    """The evaluation as JSON: ``regimes`` (with their requirements) and ``credentials``
    (every licence, certification and DEA registration: covered by which regimes, or
    ``not_covered`` with whom to check)."""
    return {
        "as_of": evaluation.as_of.isoformat(),
        "profile_id": evaluation.profile_id,
        "regimes": [_regime_json(r) for r in evaluation.regimes],
        "credentials": [_credential_json(c) for c in evaluation.credentials],
    }


def to_json(obj: Evaluation | ClinicianProfile | Iterable[Completion]) -> JSONDict:
    """JSON-ready dict for an evaluation, a profile, or a list of completions."""
    if isinstance(obj, Evaluation):
        return evaluation_to_json(obj)
    if isinstance(obj, ClinicianProfile):
        return profile_to_json(obj)
    return completions_to_json(obj)


__all__ = [
    "COMPLETION_KINDS",
    "InputError",
    "accepted_boards",
    "accepted_endorsements",
    "accepted_specialties",
    "check_completions",
    "completions_from_json",
    "completions_to_json",
    "evaluation_to_json",
    "profile_from_json",
    "profile_to_json",
    "to_json",
]
