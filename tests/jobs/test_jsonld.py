"""JobPosting JSON-LD: built from plain vacancy values, checked against Google's rules, read
back from a rendered page with extruct, and parsed back into vacancy fields."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import extruct
import pytest

from cmepath.jobs.jsonld import (
    REMOTE_NOTE,
    JsonLdError,
    build_job_posting,
    check_job_posting,
    parse_job_posting,
)

EMPLOYER = {"name": "Valley Health", "website": "https://valleyhealth.example"}
URL = "https://cmepath.example/jobs/42/"


def onsite_vacancy() -> dict[str, Any]:
    return {
        "id": 42,
        "reference": "REQ-1001",
        "title": "Family Nurse Practitioner",
        "description": "Outpatient primary care, 18 patients a day. Pay < $150k & benefits.",
        "profession": "NP",
        "specialty": "363LF0000X",
        "soc_code": "29-1171",
        "setting": "outpatient",
        "employment_model": "w2",
        "schedule": "full_time",
        "shifts": "4 x 10 h days",
        "city": "Fresno",
        "state": "CA",
        "zip_code": "93721",
        "remote": False,
        "remote_states": [],
        "licence_states": ["CA"],
        "compact_accepted": False,
        "board_requirement": "certified",
        "credentials": ["BLS", "DEA"],
        "salary_min": Decimal("130000.00"),
        "salary_max": Decimal("150000.00"),
        "salary_unit": "YEAR",
        "sign_on_bonus": Decimal("10000.00"),
        "sign_on_clawback_months": 24,
        "relocation": Decimal("8500.00"),
        "loan_repayment": Decimal("20000.00"),
        "cme_allowance": Decimal("2500.00"),
        "cme_days": Decimal("5.0"),
        "cme_days_separate_from_pto": True,
        "cme_expenses": ["registration", "travel"],
        "visas": ["h1b"],
        "start_date": date(2027, 3, 1),
        "posted_on": date(2027, 1, 10),
        "expires_on": date(2027, 3, 10),
    }


def remote_vacancy() -> dict[str, Any]:
    return {
        "id": 7,
        "reference": "",
        "title": "Telepsychiatrist",
        "description": "Outpatient telepsychiatry for adults.",
        "soc_code": "29-1223",
        "employment_model": "locum",
        "schedule": "part_time",
        "remote": True,
        "remote_states": ["NY", "NJ"],
        "salary_min": Decimal("250.00"),
        "salary_max": Decimal("250.00"),
        "salary_unit": "HOUR",
        "cme_days": Decimal("2.5"),
        "cme_days_separate_from_pto": False,
        "visas": ["j1_waiver"],
        "posted_on": date(2027, 2, 1),
        "expires_on": date(2027, 4, 1),
    }


def build(v: dict[str, Any], soc_label: str = "Nurse Practitioners") -> dict[str, Any]:
    return build_job_posting(
        v, employer=EMPLOYER, url=URL, specialty_label="Family Health", soc_label=soc_label
    )


def test_onsite_posting_has_googles_fields_and_passes_the_rules() -> None:
    # Given an on-site W-2 vacancy, when its posting is built
    posting = build(onsite_vacancy())

    # Then it carries the JobPosting fields with the vacancy's values
    assert posting["@context"] == "https://schema.org"
    assert posting["@type"] == "JobPosting"
    assert posting["datePosted"] == "2027-01-10"
    assert posting["validThrough"] == "2027-03-10T23:59:59+00:00"
    assert posting["hiringOrganization"] == {
        "@type": "Organization",
        "name": "Valley Health",
        "sameAs": "https://valleyhealth.example",
    }
    assert posting["jobLocation"] == {
        "@type": "Place",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": "Fresno",
            "addressRegion": "CA",
            "postalCode": "93721",
            "addressCountry": "US",
        },
    }
    assert "jobLocationType" not in posting
    assert posting["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "USD",
        "value": {
            "@type": "QuantitativeValue",
            "minValue": 130000,
            "maxValue": 150000,
            "unitText": "YEAR",
        },
    }
    assert posting["employmentType"] == "FULL_TIME"
    assert posting["identifier"] == {
        "@type": "PropertyValue",
        "name": "Valley Health",
        "value": "REQ-1001",
    }
    assert posting["directApply"] is True
    assert posting["occupationalCategory"] == "29-1171 Nurse Practitioners"
    assert posting["eligibilityToWorkRequirement"] == (
        "Visa sponsorship available: H-1B sponsorship."
    )
    assert posting["jobBenefits"] == (
        "CME allowance: $2,500 per year (eligible: course and conference registration, "
        "travel and lodging). 5 paid CME days per year, separate from PTO. "
        "Loan repayment: $20,000. Relocation assistance: $8,500."
    )
    assert posting["incentiveCompensation"] == (
        "Sign-on bonus: $10,000, forgiven over 24 months "
        "(the unforgiven part is repaid on leaving earlier)."
    )
    assert posting["workHours"] == "4 x 10 h days"
    assert posting["qualifications"] == (
        "Board certified in Family Health. Active licence in: California. "
        "Credentials: Basic Life Support (BLS), DEA registration."
    )
    assert posting["jobStartDate"] == "2027-03-01"
    assert posting["url"] == URL
    assert check_job_posting(posting) == []


def test_remote_posting_is_telecommute_with_states_and_says_100_percent_remote() -> None:
    # Given a remote locum vacancy open to New York and New Jersey
    posting = build(remote_vacancy(), soc_label="Psychiatrists")

    # Then it has no jobLocation, names the states, and its description says fully remote
    assert "jobLocation" not in posting
    assert posting["jobLocationType"] == "TELECOMMUTE"
    assert posting["applicantLocationRequirements"] == [
        {"@type": "State", "name": "New York"},
        {"@type": "State", "name": "New Jersey"},
    ]
    assert posting["description"].endswith(REMOTE_NOTE)
    assert "100% remote" in posting["description"]
    assert posting["employmentType"] == ["PART_TIME", "CONTRACTOR", "TEMPORARY"]
    assert posting["baseSalary"]["value"] == {
        "@type": "QuantitativeValue",
        "value": 250,
        "unitText": "HOUR",
    }
    # visas are work eligibility, never a location requirement
    assert posting["eligibilityToWorkRequirement"] == (
        "Visa sponsorship available: J-1 waiver (Conrad 30)."
    )
    assert "visa" not in json.dumps(posting["applicantLocationRequirements"]).lower()
    assert posting["jobBenefits"] == "2.5 paid CME days per year, part of PTO."
    # without an employer reference, the identifier is the vacancy's id
    assert posting["identifier"]["value"] == "7"
    assert check_job_posting(posting) == []


def test_remote_posting_without_states_is_open_to_the_whole_country() -> None:
    posting = build({**remote_vacancy(), "remote_states": []})

    assert posting["applicantLocationRequirements"] == [{"@type": "Country", "name": "USA"}]
    assert check_job_posting(posting) == []


def test_only_keys_with_values_are_emitted() -> None:
    # Given a bare vacancy: no pay, benefits, visas, shifts or start date
    bare = {
        "id": 3,
        "title": "RN, night shift",
        "description": "Med-surg.",
        "soc_code": "29-1141",
        "employment_model": "w2",
        "schedule": "per_diem",
        "zip_code": "10001",
        "remote": False,
        "posted_on": date(2027, 1, 1),
        "expires_on": None,
        "visas": [],
        "credentials": [],
    }
    posting = build_job_posting(
        bare, employer={"name": "Metro"}, url=URL, specialty_label="", soc_label=""
    )

    assert set(posting) == {
        "@context",
        "@type",
        "title",
        "description",
        "url",
        "datePosted",
        "validThrough",
        "hiringOrganization",
        "jobLocation",
        "employmentType",
        "identifier",
        "directApply",
        "occupationalCategory",
    }
    assert posting["employmentType"] == "PER_DIEM"
    assert posting["occupationalCategory"] == "29-1141"
    assert posting["hiringOrganization"] == {"@type": "Organization", "name": "Metro"}
    # validThrough is always emitted: the default listing period when no expiry is set
    assert posting["validThrough"] == "2027-03-02T23:59:59+00:00"
    assert check_job_posting(posting) == []


def _without(*path: str) -> Callable[[dict[str, Any]], None]:
    def breaker(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        del node[path[-1]]

    return breaker


def _setting(value: Any, *path: str) -> Callable[[dict[str, Any]], None]:
    def breaker(data: dict[str, Any]) -> None:
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return breaker


BROKEN_ONSITE: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("missing title", _without("title"), "title is missing"),
    ("blank description", _setting("  ", "description"), "description is missing"),
    ("missing datePosted", _without("datePosted"), "datePosted is missing"),
    ("bad datePosted", _setting("10/01/2027", "datePosted"), "datePosted '10/01/2027'"),
    ("no organization name", _without("hiringOrganization", "name"), "hiringOrganization"),
    ("no jobLocation", _without("jobLocation"), "jobLocation is missing"),
    (
        "no addressCountry",
        _without("jobLocation", "address", "addressCountry"),
        "addressCountry is missing",
    ),
    ("missing validThrough", _without("validThrough"), "validThrough is missing"),
    ("unparseable validThrough", _setting("soon", "validThrough"), "validThrough 'soon'"),
    (
        "validThrough before datePosted",
        _setting("2027-01-09T23:59:59+00:00", "validThrough"),
        "is not after datePosted",
    ),
    (
        "bad unitText",
        _setting("ANNUAL", "baseSalary", "value", "unitText"),
        "unitText 'ANNUAL' is not one of",
    ),
    ("no currency", _without("baseSalary", "currency"), "baseSalary.currency"),
    (
        "min above max",
        _setting(200000, "baseSalary", "value", "minValue"),
        "minValue 200000 is above maxValue 150000",
    ),
    (
        "amount as text",
        _setting("150k", "baseSalary", "value", "maxValue"),
        "maxValue '150k' is not a number",
    ),
    (
        "bad employmentType",
        _setting(["FULL_TIME", "CONTRACT_TO_HIRE"], "employmentType"),
        "employmentType 'CONTRACT_TO_HIRE'",
    ),
    ("missing identifier", _without("identifier"), "identifier is missing"),
    ("missing directApply", _without("directApply"), "directApply"),
    (
        "missing occupationalCategory",
        _without("occupationalCategory"),
        "occupationalCategory is missing",
    ),
    ("wrong @type", _setting("Job", "@type"), "@type must be JobPosting"),
]


@pytest.mark.parametrize(
    ("breaker", "expected"),
    [pytest.param(b, e, id=name) for name, b, e in BROKEN_ONSITE],
)
def test_each_rule_fails_on_a_broken_onsite_copy(
    breaker: Callable[[dict[str, Any]], None], expected: str
) -> None:
    # Given a valid posting, when one rule is broken in a copy
    broken = copy.deepcopy(build(onsite_vacancy()))
    breaker(broken)

    # Then exactly that problem is reported
    problems = check_job_posting(broken)
    assert len(problems) == 1, problems
    assert expected in problems[0]


BROKEN_REMOTE: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    (
        "remote without applicantLocationRequirements",
        _without("applicantLocationRequirements"),
        "applicantLocationRequirements is missing",
    ),
    (
        "visa in applicantLocationRequirements",
        _setting(
            [{"@type": "Country", "name": "USA"}, {"@type": "AdministrativeArea", "name": "H-1B"}],
            "applicantLocationRequirements",
        ),
        "eligibilityToWorkRequirement",
    ),
    (
        "remote description not saying so",
        _setting("Outpatient telepsychiatry for adults.", "description"),
        "must say the job is 100% remote",
    ),
    (
        "on-site and remote both missing",
        _without("jobLocationType"),
        "jobLocation is missing",
    ),
]


@pytest.mark.parametrize(
    ("breaker", "expected"),
    [pytest.param(b, e, id=name) for name, b, e in BROKEN_REMOTE],
)
def test_each_rule_fails_on_a_broken_remote_copy(
    breaker: Callable[[dict[str, Any]], None], expected: str
) -> None:
    broken = copy.deepcopy(build(remote_vacancy()))
    breaker(broken)

    problems = check_job_posting(broken)
    assert len(problems) == 1, problems
    assert expected in problems[0]


def test_check_refuses_a_non_object() -> None:
    assert check_job_posting([]) == ["a JobPosting must be a JSON object, not an array"]  # type: ignore[arg-type]


def _page(posting: dict[str, Any]) -> str:
    """The vacancy page as the Django view renders it: '<' escaped inside the script."""
    payload = json.dumps(posting).replace("<", "\\u003c")
    return (
        "<!doctype html><html><head><title>Job</title>"
        f'<script type="application/ld+json">{payload}</script>'
        "</head><body><h1>Job</h1></body></html>"
    )


@pytest.mark.parametrize("vacancy", [onsite_vacancy, remote_vacancy], ids=["onsite", "remote"])
def test_json_ld_survives_the_html_page(vacancy: Callable[[], dict[str, Any]]) -> None:
    # Given a posting whose description would close the script element if not escaped
    v = vacancy()
    v["description"] += " Do not type </script><script>alert(1)</script> here."
    posting = build(v)
    html = _page(posting)
    assert "</script><script>" not in html

    # When the page is read back as a crawler would
    found = extruct.extract(html, syntaxes=["json-ld"], uniform=False)["json-ld"]

    # Then exactly our posting comes back, and still passes the rules
    assert found == [posting]
    assert check_job_posting(found[0]) == []


def test_parse_gives_back_the_onsite_fields() -> None:
    v = onsite_vacancy()

    fields = parse_job_posting(build(v))

    assert fields == {
        "title": v["title"],
        "description": v["description"],
        "posted_on": v["posted_on"],
        "expires_on": v["expires_on"],
        "start_date": v["start_date"],
        "city": "Fresno",
        "state": "CA",
        "zip_code": "93721",
        "salary_min": Decimal("130000"),
        "salary_max": Decimal("150000"),
        "salary_unit": "YEAR",
        "employment_model": "w2",
        "schedule": "full_time",
        "soc_code": "29-1171",
        "reference": "REQ-1001",
        "shifts": "4 x 10 h days",
    }


def test_parse_gives_back_the_remote_fields() -> None:
    v = remote_vacancy()

    fields = parse_job_posting(build(v))

    assert fields == {
        "title": v["title"],
        "description": v["description"],  # the added remote sentence is dropped again
        "posted_on": v["posted_on"],
        "expires_on": v["expires_on"],
        "remote": True,
        "remote_states": ["NY", "NJ"],
        "salary_min": Decimal("250"),
        "salary_max": Decimal("250"),
        "salary_unit": "HOUR",
        "employment_model": "locum",
        "schedule": "part_time",
        "soc_code": "29-1223",
        "reference": "7",
    }


def test_parse_reads_another_sites_posting() -> None:
    # Given a posting as other job sites write it: HTML description, state name, ZIP+4,
    # a CategoryCode, a plain-text start date and a contractor type
    posting = {
        "@context": "http://schema.org/",
        "@type": "JobPosting",
        "title": "Hospitalist",
        "description": "<p>Seven on, seven off.</p><ul><li>No call</li><li>ICU &amp; floor</li></ul>",
        "datePosted": "2027-01-05T08:30:00-05:00",
        "validThrough": "2027-02-05",
        "jobStartDate": "As soon as possible",
        "jobLocation": [
            {
                "@type": "Place",
                "address": {
                    "@type": "PostalAddress",
                    "addressLocality": "Albany",
                    "addressRegion": "New York",
                    "postalCode": "12208-3412",
                    "addressCountry": {"@type": "Country", "name": "USA"},
                },
            }
        ],
        "employmentType": "CONTRACTOR",
        "occupationalCategory": {"@type": "CategoryCode", "codeValue": "29-1229.00"},
        "identifier": {"@type": "PropertyValue", "name": "Albany Med", "value": 991},
    }

    fields = parse_job_posting(posting)

    assert fields == {
        "title": "Hospitalist",
        "description": "Seven on, seven off.\n\n- No call\n- ICU & floor",
        "posted_on": date(2027, 1, 5),
        "expires_on": date(2027, 2, 5),
        "city": "Albany",
        "state": "NY",
        "zip_code": "12208",
        "employment_model": "1099",
        "soc_code": "29-1229",
        "reference": "991",
    }


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        pytest.param(["x"], "must be a JSON object, not an array", id="not-an-object"),
        pytest.param({"@type": "Organization"}, "@type must be JobPosting", id="wrong-type"),
        pytest.param(
            {"@type": "JobPosting", "@context": "https://example.org"},
            "is not schema.org",
            id="wrong-context",
        ),
        pytest.param(
            {"@type": "JobPosting", "datePosted": "2027-02-30"},
            "datePosted '2027-02-30' is not an ISO 8601 date",
            id="bad-date",
        ),
        pytest.param(
            {"@type": "JobPosting", "title": ["a", "b"]}, "title must be text", id="title-list"
        ),
        pytest.param(
            {
                "@type": "JobPosting",
                "baseSalary": {"currency": "EUR", "value": {"value": 1, "unitText": "YEAR"}},
            },
            "USD only",
            id="currency",
        ),
        pytest.param(
            {
                "@type": "JobPosting",
                "baseSalary": {"currency": "USD", "value": {"minValue": "lots"}},
            },
            "minValue 'lots' is not a number",
            id="amount",
        ),
        pytest.param(
            {"@type": "JobPosting", "employmentType": "GIG"},
            "employmentType 'GIG'",
            id="employment-type",
        ),
        pytest.param(
            {
                "@type": "JobPosting",
                "jobLocation": {"address": {"addressCountry": "CA", "postalCode": "M5V"}},
            },
            "US jobs only",
            id="foreign",
        ),
        pytest.param(
            {"@type": "JobPosting", "jobLocation": [{"address": {}}, {"address": {}}]},
            "one posting per location",
            id="two-locations",
        ),
    ],
)
def test_parse_refuses_malformed_postings(data: Any, reason: str) -> None:
    with pytest.raises(JsonLdError) as excinfo:
        parse_job_posting(data)

    assert reason in str(excinfo.value)
