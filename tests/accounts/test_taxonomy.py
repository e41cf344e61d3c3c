"""Shipped NUCC taxonomy subset: size, format, uniqueness, loader behaviour."""

import csv
from importlib import resources

import pytest

from cmepath.accounts import taxonomy
from cmepath.accounts.taxonomy import (
    TAXONOMY_CODE_RE,
    TaxonomyDataError,
    choices,
    is_valid_code,
    load_taxonomy,
    parse_taxonomy_csv,
)


def _raw_rows():
    text = (
        resources.files("cmepath.accounts")
        .joinpath("data", "nucc_taxonomy.csv")
        .read_text(encoding="utf-8")
    )
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines))


def test_ships_at_least_60_codes():
    assert len(load_taxonomy()) >= 60


def test_every_code_is_10_characters_ending_in_x():
    for code in load_taxonomy():
        assert len(code) == 10
        assert code.endswith("X")
        assert TAXONOMY_CODE_RE.fullmatch(code), code


def test_codes_are_unique_in_the_file():
    codes = [row["code"] for row in _raw_rows()]

    assert len(codes) == len(set(codes))
    assert len(codes) == len(load_taxonomy())


def test_source_note_names_nucc_and_version():
    note = (
        resources.files("cmepath.accounts")
        .joinpath("data", "nucc_taxonomy.SOURCE.md")
        .read_text(encoding="utf-8")
    )

    assert "nucc.org" in note
    assert "21.1" in note


@pytest.mark.parametrize(
    ("code", "classification", "specialization", "hint"),
    [
        ("207Q00000X", "Family Medicine", "", "MD/DO"),
        ("207R00000X", "Internal Medicine", "", "MD/DO"),
        ("208000000X", "Pediatrics", "", "MD/DO"),
        ("207P00000X", "Emergency Medicine", "", "MD/DO"),
        ("207L00000X", "Anesthesiology", "", "MD/DO"),
        ("2084P0800X", "Psychiatry & Neurology", "Psychiatry", "MD/DO"),
        ("208600000X", "Surgery", "", "MD/DO"),
        ("207V00000X", "Obstetrics & Gynecology", "", "MD/DO"),
        ("207RC0000X", "Internal Medicine", "Cardiovascular Disease", "MD/DO"),
        ("363L00000X", "Nurse Practitioner", "", "NP"),
        ("363LF0000X", "Nurse Practitioner", "Family", "NP"),
        ("363A00000X", "Physician Assistant", "", "PA"),
        ("163W00000X", "Registered Nurse", "", "RN"),
        ("183500000X", "Pharmacist", "", "PharmD"),
    ],
)
def test_core_codes_have_the_nucc_names(code, classification, specialization, hint):
    entry = load_taxonomy()[code]

    assert entry.classification == classification
    assert entry.specialization == specialization
    assert entry.profession_hint == hint


def test_every_profession_is_represented():
    hints = {entry.profession_hint for entry in load_taxonomy().values()}

    assert hints == {"MD/DO", "NP", "PA", "RN", "PharmD"}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("207Q00000X", True),
        (" 207q00000x ", True),
        ("207Q00000", False),
        ("207Q00000Y", False),
        ("999900000X", False),  # well formed, not shipped
        ("", False),
    ],
)
def test_is_valid_code(code, expected):
    assert is_valid_code(code) is expected


def test_get_ignores_case_and_spaces():
    entry = taxonomy.get(" 363lf0000x ")

    assert entry is not None
    assert entry.display_name == "Nurse Practitioner: Family"


def test_choices_are_labelled_sorted_and_filterable():
    all_choices = choices()
    np_choices = choices("NP")

    assert len(all_choices) == len(load_taxonomy())
    labels = [label for _, label in all_choices]
    assert labels == sorted(labels, key=str.casefold)
    assert ("207RC0000X", "Internal Medicine: Cardiovascular Disease (207RC0000X)") in all_choices
    assert np_choices
    assert all(code.startswith("363L") for code, _ in np_choices)


def test_loader_is_cached():
    assert load_taxonomy() is load_taxonomy()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("207Q0000X,G,C,,D,MD/DO", "malformed"),
        ("207Q00000X,G,C,,D,MD/DO\n207Q00000X,G,C,,D,MD/DO", "duplicate"),
        ("207Q00000X,G,C,,D,Surgeon", "profession_hint"),
        ("207Q00000X,,C,,D,MD/DO", "required"),
    ],
)
def test_parser_refuses_bad_rows(body, message):
    text = (
        "# comment\ncode,grouping,classification,specialization,display_name,profession_hint\n"
        + body
    )

    with pytest.raises(TaxonomyDataError, match=message):
        parse_taxonomy_csv(text)


def test_parser_refuses_wrong_header():
    with pytest.raises(TaxonomyDataError, match="columns"):
        parse_taxonomy_csv("code,name\n207Q00000X,Family Medicine\n")
