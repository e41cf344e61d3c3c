"""Reference identifiers: good ones normalised, malformed ones refused with a reason."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cmepath.hub.choices import ErrorCode
from cmepath.hub.references import (
    ReferenceError,
    format_reference,
    parse_reference,
    reference_url,
)


@pytest.mark.parametrize(
    ("kind", "identifier", "normalised"),
    [
        ("doi", "10.1542/peds.2019-2503", "10.1542/peds.2019-2503"),
        ("doi", "doi:10.2337/diaclin.32.1.18", "10.2337/diaclin.32.1.18"),
        ("doi", "DOI: 10.2337/DIACLIN.32.1.18", "10.2337/diaclin.32.1.18"),
        ("doi", "https://doi.org/10.1007/s40520-018-0952-7", "10.1007/s40520-018-0952-7"),
        ("doi", "http://dx.doi.org/10.1007/s40520-018-0952-7", "10.1007/s40520-018-0952-7"),
        ("doi", "doi.org/10.1177/23779608241307447", "10.1177/23779608241307447"),
        ("doi", "https://doi.org/10.1002%2F(sici)1097", "10.1002/(sici)1097"),
        ("doi", "  10.1542/peds.2019-2503\n", "10.1542/peds.2019-2503"),
        ("pmid", "26246674", "26246674"),
        ("pmid", "PMID 26246674", "26246674"),
        ("pmid", "PMID:25948439", "25948439"),
        ("pmid", "pmid: 25948439", "25948439"),
        ("pmid", "1", "1"),
        ("pmid", "https://pubmed.ncbi.nlm.nih.gov/26246674/", "26246674"),
        ("url", "https://www.cdc.gov/antibiotic-use/", "https://www.cdc.gov/antibiotic-use/"),
        ("url", "http://example.org/a?b=1#c", "http://example.org/a?b=1#c"),
        ("url", "HTTPS://Accme.ORG/Rule/", "https://accme.org/Rule/"),
        ("url", "https://example.org:8443/x", "https://example.org:8443/x"),
    ],
)
def test_good_identifiers_are_normalised(kind: str, identifier: str, normalised: str) -> None:
    assert parse_reference(kind, identifier) == normalised


@pytest.mark.parametrize(
    ("kind", "identifier", "reason"),
    [
        ("doi", "10.15/x", "not a DOI"),
        ("doi", "10.1542", "not a DOI"),
        ("doi", "11.1542/peds.2019-2503", "not a DOI"),
        ("doi", "10.1542/peds 2019", "not a DOI"),
        ("doi", "10.1542/<script>", "not a DOI"),
        ("doi", "10.1234567890/x", "not a DOI"),
        ("doi", "javascript:alert(1)", "not a DOI"),
        ("doi", "", "empty"),
        ("doi", "10.1542/" + "a" * 300, "longer than 300"),
        ("pmid", "123456789", "not a PMID"),
        ("pmid", "0", "not a PMID"),
        ("pmid", "012345", "not a PMID"),
        ("pmid", "PMC3919877", "not a PMID"),
        ("pmid", "2624-6674", "not a PMID"),
        ("pmid", "   ", "empty"),
        ("url", "javascript:alert(1)", "only http:// and https://"),
        ("url", "JavaScript:alert(1)//https://x.org", "only http:// and https://"),
        ("url", "ftp://x", "only http:// and https://"),
        ("url", "data:text/html,hi", "only http:// and https://"),
        ("url", "//example.org/x", "only http:// and https://"),
        ("url", "www.example.org", "only http:// and https://"),
        ("url", "https://", "no valid host"),
        ("url", "https://localhost/x", "no valid host"),
        ("url", "https://exa_mple.org/", "no valid host"),
        ("url", "https://-bad.org/", "no valid host"),
        ("url", "https://user:pw@example.org/", "user name or password"),
        ("url", "https://example.org/a b", "spaces or control"),
        ("url", "https://example.org:99999/", "not a valid URL"),
        ("isbn", "978-3-16-148410-0", "Unknown reference kind"),
    ],
)
def test_malformed_identifiers_are_refused_with_a_reason(
    kind: str, identifier: str, reason: str
) -> None:
    with pytest.raises(ReferenceError, match=reason) as caught:
        parse_reference(kind, identifier)

    assert isinstance(caught.value, ValueError)
    assert caught.value.code == ErrorCode.BAD_REFERENCE


@pytest.mark.parametrize(
    ("kind", "identifier", "url"),
    [
        ("doi", "doi:10.1542/PEDS.2019-2503", "https://doi.org/10.1542/peds.2019-2503"),
        ("pmid", "PMID 26246674", "https://pubmed.ncbi.nlm.nih.gov/26246674/"),
        ("url", "https://www.cdc.gov/x", "https://www.cdc.gov/x"),
    ],
)
def test_reference_url(kind: str, identifier: str, url: str) -> None:
    assert reference_url(kind, identifier) == url


def test_reference_url_refuses_unchecked_strings() -> None:
    with pytest.raises(ReferenceError):
        reference_url("url", "javascript:alert(1)")


def test_format_reference_doi() -> None:
    line = format_reference(
        1,
        "doi",
        "https://doi.org/10.1542/peds.2019-2503",
        "Improving Antibiotic Prescribing for Pediatric Urinary Tract Infections in Outpatient Settings",
        "Pediatrics",
        2020,
    )

    assert line == (
        "1. Improving Antibiotic Prescribing for Pediatric Urinary Tract Infections in "
        "Outpatient Settings. Pediatrics. 2020. doi:10.1542/peds.2019-2503"
    )


def test_format_reference_pmid_without_journal_or_year() -> None:
    line = format_reference(2, "pmid", "PMID 26246674", "Does it help?  ", "", None)

    assert line == "2. Does it help? PMID: 26246674"


def test_format_reference_url() -> None:
    line = format_reference(
        3,
        "url",
        "https://execed-online.emory.edu/chief-medical-officer-program",
        "Chief Medical Officer Program",
        journal="Emory Executive Education",
        year=2026,
    )

    assert line == (
        "3. Chief Medical Officer Program. Emory Executive Education. 2026. "
        "Available from: https://execed-online.emory.edu/chief-medical-officer-program"
    )


def test_format_reference_shows_a_stored_bad_identifier_as_stored() -> None:
    assert format_reference(4, "doi", " 10.15/x ", "T", "", None) == "4. T. doi:10.15/x"


@settings(max_examples=300)
@given(st.text(max_size=40))
def test_every_accepted_url_is_http_or_https(text: str) -> None:
    for candidate in (text, f"https://{text}", f"javascript:{text}"):
        try:
            value = parse_reference("url", candidate)
        except ReferenceError:
            continue
        assert value.startswith(("http://", "https://"))
        assert reference_url("url", value) == value
