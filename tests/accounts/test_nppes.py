"""NPPES registry client: recorded responses, matching, and URL building without network."""

import io
import json
import urllib.error
from pathlib import Path

import pytest

from cmepath.accounts.npi import check_npi
from cmepath.accounts.nppes import (
    HttpNpiRegistry,
    NpiRegistry,
    RecordedNpiRegistry,
    RegistryError,
    RegistryRecord,
    RegistryTaxonomy,
    default_recordings_dir,
    match_profile,
    parse_response,
)

ADA = "1999000015"  # NPI-1, Family Medicine (MA) + Emergency Medicine (NH)
JOSE = "1999000023"  # NPI-1, accented names, Family NP (TX)
PAT = "1999000049"  # NPI-1, "number" recorded as a JSON number (older answer shape)
CLINIC = "2999000039"  # NPI-2 organization
NOT_FOUND = "1999000056"  # recorded {"result_count": 0}
NO_FILE = "1234567893"  # valid, no recording at all


@pytest.fixture
def registry() -> RecordedNpiRegistry:
    return RecordedNpiRegistry()


def test_recorded_registry_satisfies_the_protocol(registry):
    as_protocol: NpiRegistry = registry

    assert as_protocol.lookup(ADA) is not None


def test_recordings_are_synthetic_with_valid_check_digits():
    files = sorted(default_recordings_dir().glob("*.json"))

    assert len(files) >= 4
    for path in files:
        payload = json.loads(path.read_text(encoding="utf-8"))
        assert "SYNTHETIC" in payload["_comment"]
        assert check_npi(path.stem).valid, path.name
        assert "result_count" in payload
        assert "results" in payload


def test_parse_individual_record(registry):
    record = registry.lookup(ADA)

    assert record == RegistryRecord(
        npi=ADA,
        enumeration_type="NPI-1",
        first_name="ADA",
        last_name="DEMO",
        credential="M.D.",
        status="A",
        taxonomies=(
            RegistryTaxonomy("207Q00000X", "Family Medicine", True, "MA", "DEMO-10001"),
            RegistryTaxonomy("207P00000X", "Emergency Medicine", False, "NH", "DEMO-20002"),
        ),
        address_states=("MA",),
    )
    assert record.is_individual
    assert record.is_active
    assert record.primary_taxonomy is not None
    assert record.primary_taxonomy.code == "207Q00000X"


def test_numeric_number_field_is_accepted(registry):
    record = registry.lookup(PAT)

    assert record is not None
    assert record.npi == PAT
    assert record.taxonomies[0].code == "183500000X"


def test_organization_record(registry):
    record = registry.lookup(CLINIC)

    assert record is not None
    assert record.enumeration_type == "NPI-2"
    assert record.is_individual is False
    assert record.first_name == ""


def test_result_count_zero_is_not_found(registry):
    assert registry.lookup(NOT_FOUND) is None


def test_missing_recording_is_not_found(registry):
    assert registry.lookup(NO_FILE) is None


def test_invalid_npi_is_refused_before_any_lookup(registry):
    with pytest.raises(ValueError, match="check digit"):
        registry.lookup("1999000010")


def test_unreadable_recording_is_a_registry_error(tmp_path):
    (tmp_path / f"{ADA}.json").write_text("{not json", encoding="utf-8")

    with pytest.raises(RegistryError, match="unreadable"):
        RecordedNpiRegistry(tmp_path).lookup(ADA)


def test_error_answer_is_a_registry_error():
    payload = {"Errors": [{"description": "Field number requires 10 digits", "field": "number"}]}

    with pytest.raises(RegistryError, match="requires 10 digits"):
        parse_response(payload, ADA)


def test_answer_for_another_npi_is_a_registry_error():
    payload = {"result_count": 1, "results": [{"number": JOSE, "basic": {}}]}

    with pytest.raises(RegistryError, match="not for NPI"):
        parse_response(payload, ADA)


# --- matching ---------------------------------------------------------------------------


def test_match_ignores_case_and_surrounding_spaces(registry):
    record = registry.lookup(ADA)

    result = match_profile(record, " ada ", "demo")

    assert result.matched is True
    assert result.reasons == []


def test_match_ignores_accents_and_punctuation(registry):
    record = registry.lookup(JOSE)
    assert record.last_name == "DÉMO-NÚÑEZ"

    assert match_profile(record, "Jose", "Demo Nunez").matched is True
    assert match_profile(record, "josé", "démo-núñez").matched is True


def test_match_reports_each_mismatched_name(registry):
    record = registry.lookup(ADA)

    result = match_profile(record, "Eve", "Sample")

    assert result.matched is False
    assert result.reasons == [
        "First name 'Eve' does not match the registry's 'ADA'.",
        "Last name 'Sample' does not match the registry's 'DEMO'.",
    ]


def test_match_checks_licence_state_and_number(registry):
    record = registry.lookup(ADA)

    assert match_profile(record, "Ada", "Demo", "nh", "demo 20002").matched is True
    assert match_profile(record, "Ada", "Demo", license_number="DEMO-10001").matched is True

    wrong_state = match_profile(record, "Ada", "Demo", "CA")
    assert wrong_state.matched is False
    assert wrong_state.reasons == [
        "No licence in CA is listed for this NPI (registry lists: MA, NH)."
    ]

    number_in_other_state = match_profile(record, "Ada", "Demo", "MA", "DEMO-20002")
    assert number_in_other_state.matched is False
    assert number_in_other_state.reasons == [
        "Licence number 'DEMO-20002' is not listed in MA for this NPI."
    ]


def test_organization_never_matches_a_clinician(registry):
    record = registry.lookup(CLINIC)

    result = match_profile(record, "Ada", "Demo")

    assert result.matched is False
    assert "belongs to an organization (NPI-2)" in result.reasons[0]


# --- HTTP client without network ----------------------------------------------------------


class FakeResponse(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class RecordingOpener:
    def __init__(self, body: bytes = b"", error: Exception | None = None):
        self.body = body
        self.error = error
        self.calls = []

    def __call__(self, request, *, timeout):
        self.calls.append((request, timeout))
        if self.error:
            raise self.error
        return FakeResponse(self.body)


def test_http_client_builds_the_v21_url():
    client = HttpNpiRegistry()

    assert client.build_url(ADA) == (
        f"https://npiregistry.cms.hhs.gov/api/?version=2.1&number={ADA}"
    )


def test_http_client_sends_request_with_timeout_and_parses_answer():
    body = (default_recordings_dir() / f"{ADA}.json").read_bytes()
    opener = RecordingOpener(body)
    client = HttpNpiRegistry(opener=opener, timeout=3.5)

    record = client.lookup(f" {ADA} ")

    assert record is not None
    assert record.last_name == "DEMO"
    [(request, timeout)] = opener.calls
    assert request.full_url == f"https://npiregistry.cms.hhs.gov/api/?version=2.1&number={ADA}"
    assert request.get_method() == "GET"
    assert request.get_header("Accept") == "application/json"
    assert timeout == 3.5


def test_http_client_not_found():
    opener = RecordingOpener(b'{"result_count": 0, "results": []}')

    assert HttpNpiRegistry(opener=opener).lookup(NOT_FOUND) is None


def test_http_client_never_sends_an_invalid_npi():
    opener = RecordingOpener(b"{}")

    with pytest.raises(ValueError, match="10 digits"):
        HttpNpiRegistry(opener=opener).lookup("12345")
    assert opener.calls == []


@pytest.mark.parametrize(
    "error", [urllib.error.URLError("no route"), TimeoutError("timed out"), OSError("reset")]
)
def test_http_client_network_failure_is_a_registry_error(error):
    client = HttpNpiRegistry(opener=RecordingOpener(error=error))

    with pytest.raises(RegistryError, match="could not reach"):
        client.lookup(ADA)


def test_http_client_bad_json_is_a_registry_error():
    client = HttpNpiRegistry(opener=RecordingOpener(b"<html>maintenance</html>"))

    with pytest.raises(RegistryError, match="not valid JSON"):
        client.lookup(ADA)


def test_http_client_refuses_plain_http():
    client = HttpNpiRegistry(base_url="http://npiregistry.cms.hhs.gov/api/")

    with pytest.raises(ValueError, match="https"):
        client.build_request(ADA)


def test_recorded_registry_accepts_a_custom_directory(tmp_path: Path):
    source = default_recordings_dir() / f"{ADA}.json"
    (tmp_path / f"{ADA}.json").write_bytes(source.read_bytes())

    record = RecordedNpiRegistry(tmp_path).lookup(ADA)

    assert record is not None
    assert record.first_name == "ADA"
    assert RecordedNpiRegistry(tmp_path).lookup(JOSE) is None
