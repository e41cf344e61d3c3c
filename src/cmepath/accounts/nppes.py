"""NPPES NPI Registry lookups behind an interface.

Pure and typed (no Django import). Three parts:

- ``NpiRegistry``: the protocol services depend on; ``lookup(npi)`` returns a
  ``RegistryRecord`` or ``None`` when the registry has no such NPI.
- ``HttpNpiRegistry``: the real CMS API, version 2.1
  (``https://npiregistry.cms.hhs.gov/api/?version=2.1&number=<npi>``), stdlib urllib only.
- ``RecordedNpiRegistry``: answers from recorded JSON responses in a directory; tests and
  the dev/demo settings use it so nothing touches the network.

Response shape (API v2.1), as documented on https://npiregistry.cms.hhs.gov/api-page and
seen in public clients (e.g. the README of github.com/alexanderkarlis/npi, a Go port, and
the ropensci/npi R package, both "NPI Registry API (v2.1)")::

    {"result_count": 1,
     "results": [{"number": "1234567893",            # a JSON number in older answers
                  "enumeration_type": "NPI-1",        # NPI-1 individual, NPI-2 organization
                  "basic": {"first_name": "...", "last_name": "...", "credential": "M.D.",
                            "status": "A", ...},
                  "taxonomies": [{"code": "208600000X", "desc": "Surgery",
                                  "primary": true, "state": "NY", "license": "255216-1"}],
                  "addresses": [{"address_purpose": "LOCATION", "state": "NY", ...}],
                  "identifiers": [...], "other_names": [...]}]}

An NPI that is not enumerated answers ``{"result_count": 0, "results": []}``; a malformed
request answers ``{"Errors": [{"description": "...", "field": "...", "number": "..."}]}``.

``match_profile`` compares a record with what the clinician typed (names compared without
case or accents; licence state and number when given).
"""

from __future__ import annotations

import json
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from cmepath.accounts.npi import check_npi

NPPES_API_URL = "https://npiregistry.cms.hhs.gov/api/"
NPPES_API_VERSION = "2.1"
DEFAULT_TIMEOUT_SECONDS = 8.0
MAX_RESPONSE_BYTES = 2 * 1024 * 1024  # one NPI's record is a few KiB


class RegistryError(Exception):
    """The registry could not be asked or gave an answer we cannot read.

    Callers should treat this as "could not verify right now", never as "not found".
    """


@dataclass(frozen=True, slots=True)
class RegistryTaxonomy:
    """One taxonomy entry of an NPI record (NPPES allows up to 15, one primary)."""

    code: str
    desc: str
    primary: bool
    state: str
    license: str


@dataclass(frozen=True, slots=True)
class RegistryRecord:
    """The parts of an NPPES record that cmepath uses."""

    npi: str
    enumeration_type: str  # "NPI-1" (individual) or "NPI-2" (organization)
    first_name: str
    last_name: str
    credential: str
    status: str  # "A" = active
    taxonomies: tuple[RegistryTaxonomy, ...] = ()
    address_states: tuple[str, ...] = ()

    @property
    def is_individual(self) -> bool:
        return self.enumeration_type == "NPI-1"

    @property
    def is_active(self) -> bool:
        return self.status == "A"

    @property
    def primary_taxonomy(self) -> RegistryTaxonomy | None:
        for taxonomy in self.taxonomies:
            if taxonomy.primary:
                return taxonomy
        return self.taxonomies[0] if self.taxonomies else None


class NpiRegistry(Protocol):
    """Looks up one NPI. Returns None when the registry has no record for it."""

    def lookup(self, npi: str) -> RegistryRecord | None: ...


# ---------------------------------------------------------------------------------------
# Parsing


def _text(value: object) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    return _text(value).lower() in {"true", "y", "yes", "1"}


def parse_response(payload: Mapping[str, Any], npi: str) -> RegistryRecord | None:
    """Turn a decoded v2.1 response into a record (None for ``result_count`` 0).

    Raises ``RegistryError`` for error answers and for shapes we do not recognise.
    """
    if not isinstance(payload, Mapping):
        raise RegistryError("registry answer is not a JSON object")
    errors = payload.get("Errors")
    if errors:
        descriptions = "; ".join(
            _text(error.get("description")) for error in errors if isinstance(error, Mapping)
        )
        raise RegistryError(f"registry refused the request: {descriptions or errors!r}")
    try:
        count = int(payload.get("result_count", 0))
    except (TypeError, ValueError) as exc:
        raise RegistryError("registry answer has a non-numeric result_count") from exc
    results = payload.get("results") or []
    if count == 0 or not results:
        return None
    if not isinstance(results, list):
        raise RegistryError("registry answer has no results list")
    # A lookup by number returns at most one record; pick the one for this NPI defensively.
    result = next(
        (
            item
            for item in results
            if isinstance(item, Mapping) and _text(item.get("number")) == npi
        ),
        None,
    )
    if result is None:
        raise RegistryError(f"registry answered, but not for NPI {npi}")
    basic = result.get("basic") or {}
    if not isinstance(basic, Mapping):
        raise RegistryError("registry record has no 'basic' section")
    taxonomies = tuple(
        RegistryTaxonomy(
            code=_text(item.get("code")),
            desc=_text(item.get("desc")),
            primary=_bool(item.get("primary")),
            state=_text(item.get("state")).upper(),
            license=_text(item.get("license")),
        )
        for item in (result.get("taxonomies") or [])
        if isinstance(item, Mapping)
    )
    states: list[str] = []
    for address in result.get("addresses") or []:
        if isinstance(address, Mapping):
            state = _text(address.get("state")).upper()
            if state and state not in states:
                states.append(state)
    return RegistryRecord(
        npi=npi,
        enumeration_type=_text(result.get("enumeration_type")),
        first_name=_text(basic.get("first_name")),
        last_name=_text(basic.get("last_name")),
        credential=_text(basic.get("credential")),
        status=_text(basic.get("status")),
        taxonomies=taxonomies,
        address_states=tuple(states),
    )


def _require_valid(npi: str) -> str:
    check = check_npi(npi)
    if not check.valid:
        # Never send a malformed number to CMS; the caller should have checked already.
        raise ValueError(check.reason)
    return check.normalized


# ---------------------------------------------------------------------------------------
# Registries


class UrlOpener(Protocol):
    """The slice of ``urllib.request.urlopen`` we use (injected in tests)."""

    def __call__(self, request: urllib.request.Request, *, timeout: float) -> Any: ...


def _urlopen(request: urllib.request.Request, *, timeout: float) -> Any:
    return urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (https only, see build_request)


@dataclass
class HttpNpiRegistry:
    """The CMS NPPES NPI Registry API v2.1 over HTTPS (no API key needed)."""

    base_url: str = NPPES_API_URL
    timeout: float = DEFAULT_TIMEOUT_SECONDS
    opener: UrlOpener = _urlopen
    user_agent: str = "cmepath/0.1 (+NPI verification)"

    def build_url(self, npi: str) -> str:
        query = urllib.parse.urlencode({"version": NPPES_API_VERSION, "number": npi})
        return f"{self.base_url}?{query}"

    def build_request(self, npi: str) -> urllib.request.Request:
        url = self.build_url(_require_valid(npi))
        if not url.startswith("https://"):
            raise ValueError("the NPPES registry must be reached over https")
        return urllib.request.Request(  # noqa: S310 (https enforced just above)
            url, headers={"Accept": "application/json", "User-Agent": self.user_agent}
        )

    def lookup(self, npi: str) -> RegistryRecord | None:
        npi = _require_valid(npi)
        request = self.build_request(npi)
        try:
            with self.opener(request, timeout=self.timeout) as response:
                body = response.read(MAX_RESPONSE_BYTES + 1)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise RegistryError(f"could not reach the NPI registry: {exc}") from exc
        if len(body) > MAX_RESPONSE_BYTES:
            raise RegistryError("the NPI registry answer is unexpectedly large")
        try:
            payload = json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RegistryError("the NPI registry answer is not valid JSON") from exc
        return parse_response(payload, npi)


def default_recordings_dir() -> Path:
    """The synthetic recordings shipped with the app (``accounts/data/nppes``)."""
    return Path(__file__).resolve().parent / "data" / "nppes"


@dataclass
class RecordedNpiRegistry:
    """Answers from ``<directory>/<npi>.json`` files holding recorded v2.1 responses.

    An NPI without a file is answered like the real registry answers an unknown number
    (None). ``_comment`` keys in the files are ignored.
    """

    directory: Path = field(default_factory=default_recordings_dir)

    def lookup(self, npi: str) -> RegistryRecord | None:
        npi = _require_valid(npi)
        path = Path(self.directory) / f"{npi}.json"
        if not path.is_file():
            return None
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise RegistryError(f"recorded response {path.name} is unreadable") from exc
        return parse_response(payload, npi)


# ---------------------------------------------------------------------------------------
# Matching a record with a profile


def _fold(value: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a name ("O'Brien-Núñez" -> "obriennunez")."""
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(char for char in decomposed if char.isalnum())


def same_name(a: str, b: str) -> bool:
    """Two names are the same person's name for matching: non-empty and equal after folding."""
    return bool(_fold(a)) and _fold(a) == _fold(b)


def _fold_license(value: str) -> str:
    return "".join(char for char in value.upper() if char.isalnum())


@dataclass(frozen=True, slots=True)
class MatchResult:
    """Whether a registry record fits the profile, and why not when it does not."""

    matched: bool
    reasons: list[str] = field(default_factory=list)


def match_profile(
    record: RegistryRecord,
    first_name: str,
    last_name: str,
    license_state: str | None = None,
    license_number: str | None = None,
) -> MatchResult:
    """Compare an NPPES record with the name (and optional licence) a clinician entered.

    Names match when equal after folding case, accents, spaces and punctuation. A licence
    state matches any taxonomy's state (a clinician can hold several); a licence number
    must match a taxonomy licence in that state when a state is given, otherwise any.
    """
    reasons: list[str] = []
    if not record.is_individual:
        reasons.append(
            f"NPI {record.npi} belongs to an organization ({record.enumeration_type}), "
            "not to an individual clinician."
        )
    if not record.is_active:
        reasons.append(f"NPI {record.npi} is not active in the NPI registry.")
    if _fold(first_name) != _fold(record.first_name):
        reasons.append(
            f"First name '{first_name.strip()}' does not match the registry's "
            f"'{record.first_name}'."
        )
    if _fold(last_name) != _fold(record.last_name):
        reasons.append(
            f"Last name '{last_name.strip()}' does not match the registry's '{record.last_name}'."
        )
    state = (license_state or "").strip().upper()
    if state:
        registered = sorted({t.state for t in record.taxonomies if t.state})
        if state not in registered:
            listed = ", ".join(registered) or "none"
            reasons.append(
                f"No licence in {state} is listed for this NPI (registry lists: {listed})."
            )
    number = _fold_license(license_number or "")
    if number:
        candidates = [t for t in record.taxonomies if t.license and (not state or t.state == state)]
        if not any(_fold_license(t.license) == number for t in candidates):
            where = f" in {state}" if state else ""
            reasons.append(
                f"Licence number '{(license_number or '').strip()}' is not listed{where} for this NPI."
            )
    return MatchResult(matched=not reasons, reasons=reasons)
