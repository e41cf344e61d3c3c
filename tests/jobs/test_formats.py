"""Vacancy files: CSV, JSON and JSON-LD read with typed cells and line-numbered problems,
whole-file refusals, and export that reads back unchanged and never runs as a formula."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import models

from cmepath.jobs.formats import (
    CSV_COLUMNS,
    FIELD_KINDS,
    FORMATS,
    FileFormatError,
    Record,
    RecordError,
    guess_format,
    read_records,
    write_jsonld,
    write_records,
)
from cmepath.jobs.jsonld import build_job_posting
from cmepath.jobs.models import Vacancy


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


FULL_ROW: dict[str, Any] = {
    "reference": "REQ-7",
    "title": "Hospitalist",
    "description": "Seven on, seven off.\nNo clinic.",
    "profession": "MD",
    "specialty": "208M00000X",
    "soc_code": "29-1229",
    "setting": "hospital",
    "career_track": "clinical",
    "employment_model": "w2",
    "schedule": "full_time",
    "shifts": "7 on / 7 off, 12 h",
    "call_ratio": 4,
    "call_type": "home",
    "call_paid": True,
    "city": "Albany",
    "state": "NY",
    "zip_code": "02134",
    "remote": False,
    "licence_states": ["NY", "VT"],
    "compact_accepted": True,
    "board_requirement": "eligible",
    "credentials": ["ACLS", "BLS"],
    "salary_min": Decimal("310000.00"),
    "salary_max": Decimal("345000.50"),
    "salary_unit": "YEAR",
    "guarantee_months": 24,
    "wrvu_threshold": 4800,
    "dollars_per_wrvu": Decimal("52.50"),
    "collections_percent": Decimal("40.00"),
    "sign_on_bonus": Decimal("25000.00"),
    "sign_on_clawback_months": 24,
    "relocation": Decimal("10000.00"),
    "loan_repayment": Decimal("50000.00"),
    "nhsc_site": True,
    "hpsa_score": 18,
    "cme_allowance": Decimal("3500.00"),
    "cme_days": Decimal("5.0"),
    "cme_days_separate_from_pto": False,
    "cme_expenses": ["registration", "travel", "board_fees"],
    "cme_rollover": True,
    "cme_repay_on_leaving": False,
    "malpractice": "occurrence",
    "tail": "not_needed",
    "noncompete_miles": 10,
    "noncompete_months": 12,
    "visas": ["h1b", "j1_waiver"],
    "agencies_may_contact": False,
    "start_date": date(2027, 7, 1),
    "posted_on": date(2027, 1, 10),
    "expires_on": date(2027, 3, 10),
}
REMOTE_ROW: dict[str, Any] = {
    "title": "Telepsychiatrist",
    "description": "Adults, outpatient.",
    "soc_code": "29-1223",
    "employment_model": "1099",
    "schedule": "part_time",
    "remote": True,
    "remote_states": ["NJ", "NY"],
    "salary_min": Decimal("200"),
    "salary_max": Decimal("260"),
    "salary_unit": "HOUR",
    "posted_on": date(2027, 2, 1),
    "expires_on": date(2027, 4, 1),
}


def test_columns_are_vacancy_fields_of_the_matching_type() -> None:
    # The column list is the model's editable content, so the two cannot drift apart
    kinds = {
        "text": (models.CharField, models.TextField),
        "int": (models.PositiveSmallIntegerField, models.PositiveIntegerField),
        "decimal": (models.DecimalField,),
        "bool": (models.BooleanField,),
        "date": (models.DateField,),
        "list": (models.JSONField,),
    }
    fields = {f.name: f for f in Vacancy._meta.get_fields() if f.concrete}
    for name, kind in FIELD_KINDS.items():
        assert isinstance(fields[name], kinds[kind]), name
    left_out = set(fields) - set(CSV_COLUMNS)
    assert left_out == {
        "id",
        "employer",
        "status",
        "latitude",
        "longitude",
        "dedupe_key",
        "duplicate_of",
        "review_note",
        "created_by",
        "created_at",
        "updated_at",
    }


@pytest.mark.parametrize(
    ("filename", "fmt"),
    [
        ("jobs.csv", "csv"),
        ("JOBS.CSV", "csv"),
        ("jobs.json", "json"),
        ("jobs.jsonld", "jsonld"),
        ("jobs.xlsx", None),
        ("csv", None),
    ],
)
def test_guess_format(filename: str, fmt: str | None) -> None:
    assert guess_format(filename) == fmt
    assert fmt is None or fmt in FORMATS


def test_csv_is_read_with_typed_values_and_start_lines() -> None:
    # Given a CSV with a BOM, header names in any case, a quoted multi-line description,
    # a blank line and cells written as people write them
    raw = "\ufeff" + "\r\n".join(
        [
            "Title,description,Salary Min,salary_max,remote,remote_states,posted_on,call_ratio",
            'NP,"Line one',
            'line two","$130,000","150,000.50",no,,2027-01-10,4',
            "",
            "RN,Nights,,,YES, NY ; NJ ;,2027-02-01,",
        ]
    )

    records, errors = read_records(raw.encode("utf-8"), "csv")

    assert errors == []
    assert records == [
        Record(
            2,
            {
                "title": "NP",
                "description": "Line one\nline two",
                "salary_min": Decimal("130000"),
                "salary_max": Decimal("150000.50"),
                "remote": False,
                "posted_on": date(2027, 1, 10),
                "call_ratio": 4,
            },
        ),
        Record(
            5,
            {
                "title": "RN",
                "description": "Nights",
                "remote": True,
                "remote_states": ["NY", "NJ"],
                "posted_on": date(2027, 2, 1),
            },
        ),
    ]


@pytest.mark.parametrize(
    ("column", "cell", "reason"),
    [
        ("salary_min", "abc", "salary_min 'abc' is not a number"),
        ("salary_max", "1.2.3", "salary_max '1.2.3' is not a number"),
        ("cme_allowance", "$", "cme_allowance '$' is not a number"),
        ("call_ratio", "4.5", "call_ratio '4.5' is not a whole number"),
        (
            "remote",
            "maybe",
            "remote 'maybe' is not yes or no (yes, no, true, false, 1, 0)",
        ),
        ("start_date", "03/01/2027", "start_date '03/01/2027' is not a date (use YYYY-MM-DD)"),
        (
            "expires_on",
            "2027-02-30",
            "expires_on '2027-02-30' is not a date (use YYYY-MM-DD)",
        ),
    ],
)
def test_a_bad_csv_cell_is_reported_with_its_line(column: str, cell: str, reason: str) -> None:
    # Given a bad cell on the file's seventh line (after five good rows)
    good = ["Good,Fine,"] * 5
    raw = csv_bytes(f"title,description,{column}", *good, f"Bad,Row,{cell}")

    records, errors = read_records(raw, "csv")

    assert [r.line for r in records] == [2, 3, 4, 5, 6]
    assert errors == [RecordError(7, reason)]
    assert str(errors[0]) == f"line 7: {reason}"


def test_every_bad_cell_of_a_row_is_reported_and_the_row_is_dropped() -> None:
    raw = csv_bytes("title,salary_min,remote", "X,abc,perhaps")

    records, errors = read_records(raw, "csv")

    assert records == []
    assert [str(e) for e in errors] == [
        "line 2: salary_min 'abc' is not a number",
        "line 2: remote 'perhaps' is not yes or no (yes, no, true, false, 1, 0)",
    ]


def test_a_row_with_the_wrong_number_of_cells_is_reported() -> None:
    raw = csv_bytes("title,description", "only title", "A,B,,", "C,D,extra")

    records, errors = read_records(raw, "csv")

    assert records == [Record(3, {"title": "A", "description": "B"})]
    assert [str(e) for e in errors] == [
        "line 2: the row has 1 cells; the header has 2",
        "line 4: the row has 3 cells; the header has 2",
    ]


def test_an_unknown_column_refuses_the_file_naming_the_accepted_columns() -> None:
    raw = csv_bytes("title,salary,descripton", "A,1,B")

    with pytest.raises(FileFormatError) as excinfo:
        read_records(raw, "csv")

    message = str(excinfo.value)
    assert "Unknown column(s) in the header: 'salary', 'descripton'." in message
    assert f"Accepted columns: {', '.join(CSV_COLUMNS)}." in message


def test_a_repeated_column_refuses_the_file() -> None:
    with pytest.raises(FileFormatError, match="appear twice in the header: title"):
        read_records(csv_bytes("title,Title", "A,B"), "csv")


@pytest.mark.parametrize("fmt", FORMATS)
def test_bytes_that_are_not_utf8_refuse_the_file(fmt: str) -> None:
    raw = "title\nCaf\xe9 nurse\n".encode("latin-1")

    with pytest.raises(FileFormatError, match=r"not UTF-8 text \(bad byte on line 2\)"):
        read_records(raw, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("raw", [b"", b"  \r\n\n", "\ufeff".encode()], ids=["none", "blank", "bom"])
def test_an_empty_file_is_refused(fmt: str, raw: bytes) -> None:
    with pytest.raises(FileFormatError, match="The file is empty"):
        read_records(raw, fmt)


@pytest.mark.parametrize(
    ("raw", "fmt"),
    [(csv_bytes("title,description"), "csv"), (b"[]", "json"), (b'{"vacancies": []}', "json")],
)
def test_a_file_without_vacancies_is_refused(raw: bytes, fmt: str) -> None:
    with pytest.raises(FileFormatError, match="holds no vacancies"):
        read_records(raw, fmt)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(FileFormatError, match="use one of csv, json, jsonld"):
        read_records(b"x", "xlsx")


def test_json_is_read_typed_or_as_text_with_array_positions() -> None:
    data = {
        "vacancies": [
            {
                "title": "NP",
                "salary_min": 130000,
                "salary_max": "150,000",
                "remote": True,
                "remote_states": ["NY", " NJ "],
                "licence_states": "NY;NJ",
                "call_ratio": 4.0,
                "posted_on": "2027-01-10",
                "description": None,
                "visas": [],
            },
            {"title": "RN", "cme_days": 2.5, "call_paid": "yes"},
        ]
    }

    records, errors = read_records(json.dumps(data).encode(), "json")

    assert errors == []
    assert records == [
        Record(
            1,
            {
                "title": "NP",
                "salary_min": Decimal("130000"),
                "salary_max": Decimal("150000"),
                "remote": True,
                "remote_states": ["NY", "NJ"],
                "licence_states": ["NY", "NJ"],
                "call_ratio": 4,
                "posted_on": date(2027, 1, 10),
            },
        ),
        Record(2, {"title": "RN", "cme_days": Decimal("2.5"), "call_paid": True}),
    ]


def test_bad_json_values_are_reported_by_position() -> None:
    data = [
        {"title": "fine"},
        {"title": "A", "zip_code": 2134, "remote": "sometimes"},
        "not an object",
        {"title": "B", "call_ratio": 1.5, "visas": [1], "salary_min": True},
    ]

    records, errors = read_records(json.dumps(data).encode(), "json")

    assert records == [Record(1, {"title": "fine"})]
    assert [str(e) for e in errors] == [
        "line 2: zip_code 2134 is not text",
        "line 2: remote 'sometimes' is not yes or no (yes, no, true, false, 1, 0)",
        "line 3: the item is a JSON string, not an object",
        "line 4: call_ratio 1.5 is not a whole number",
        "line 4: visas must be a list of codes (text)",
        "line 4: salary_min True is not a number",
    ]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b'[{"title": "A"', "not valid JSON (line 1"),
        (b'{"jobs": []}', 'an object with a "vacancies" array'),
        (
            b'[{"title": "A", "salary": 1}]',
            "Unknown field(s): 'salary'. Accepted fields: reference,",
        ),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
    ids=["truncated", "wrong-key", "unknown-field", "deep"],
)
def test_unusable_json_is_refused(raw: bytes, message: str) -> None:
    with pytest.raises(FileFormatError) as excinfo:
        read_records(raw, "json")

    assert message in str(excinfo.value)


def _posting(row: Mapping[str, Any]) -> dict[str, Any]:
    return build_job_posting(
        {**row, "id": 1},
        employer={"name": "Albany Med"},
        url="https://cmepath.example/jobs/1/",
        specialty_label="",
        soc_label="",
    )


def test_jsonld_shapes_are_read() -> None:
    one, two = _posting(FULL_ROW), _posting(REMOTE_ROW)
    shapes = {
        "object": one,
        "array": [one, two],
        "item-list": {
            "@context": "https://schema.org",
            "@type": "ItemList",
            "itemListElement": [
                {"@type": "ListItem", "position": 1, "item": one},
                two,
            ],
        },
        "graph": {
            "@context": "https://schema.org",
            "@graph": [{"@type": "Organization", "name": "Albany Med"}, one, two],
        },
    }
    for name, doc in shapes.items():
        records, errors = read_records(json.dumps(doc).encode(), "jsonld")

        assert errors == [], name
        assert [r.line for r in records] == ([1] if name == "object" else [1, 2]), name
        assert records[0].fields["reference"] == "REQ-7"
        assert records[0].fields["salary_max"] == Decimal("345000.5")
    assert records[1].fields["remote_states"] == ["NJ", "NY"]


def test_a_bad_jsonld_posting_is_reported_at_its_position() -> None:
    good = _posting(REMOTE_ROW)
    bad = {**good, "validThrough": "next month"}

    records, errors = read_records(json.dumps([good, bad, 5]).encode(), "jsonld")

    assert [r.line for r in records] == [1]
    assert [str(e) for e in errors] == [
        "line 2: validThrough 'next month' is not an ISO 8601 date (YYYY-MM-DD)",
        "line 3: a JobPosting must be a JSON object, not int",
    ]


def test_a_graph_without_postings_is_refused() -> None:
    doc = {"@graph": [{"@type": "Organization", "name": "X"}]}

    with pytest.raises(FileFormatError, match="holds no JobPosting"):
        read_records(json.dumps(doc).encode(), "jsonld")


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_export_reads_back_unchanged(fmt: str) -> None:
    # Given two vacancies (extra keys such as the id are not exported)
    rows = [{**FULL_ROW, "id": 1, "status": "published"}, REMOTE_ROW]

    # When they are exported and the file imported again
    records, errors = read_records(write_records(rows, fmt), fmt)

    # Then every given value comes back with its type
    assert errors == []
    assert [r.fields for r in records] == [FULL_ROW, REMOTE_ROW]


def test_csv_export_has_the_documented_header_and_yes_no_cells() -> None:
    raw = write_records([REMOTE_ROW], "csv")

    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == list(CSV_COLUMNS)
    cells = dict(zip(rows[0], rows[1], strict=True))
    assert cells["remote"] == "yes"
    assert cells["remote_states"] == "NJ;NY"
    assert cells["call_paid"] == ""
    assert cells["expires_on"] == "2027-04-01"


def test_json_export_is_an_array_of_plain_values() -> None:
    items = json.loads(write_records([FULL_ROW], "json"))

    assert items[0]["salary_max"] == 345000.5
    assert items[0]["salary_min"] == 310000
    assert items[0]["start_date"] == "2027-07-01"
    assert items[0]["remote_states"] is None
    assert list(items[0]) == list(CSV_COLUMNS)


def test_csv_export_escapes_formula_cells_and_import_undoes_it() -> None:
    # Given text a spreadsheet would run as a formula
    nasty = {
        "title": '=HYPERLINK("http://evil.example","Apply")',
        "description": "+1 555 0100",
        "shifts": "-3 days",
        "city": "@SUM(A1)",
        "reference": "\tTAB",
        "specialty": "safe",
    }

    raw = write_records([nasty], "csv")

    # Then each such cell starts with an apostrophe in the file...
    cells = dict(zip(*csv.reader(io.StringIO(raw.decode("utf-8"))), strict=True))
    assert cells["title"] == '\'=HYPERLINK("http://evil.example","Apply")'
    assert cells["description"] == "'+1 555 0100"
    assert cells["shifts"] == "'-3 days"
    assert cells["city"] == "'@SUM(A1)"
    assert cells["reference"] == "'\tTAB"
    assert cells["specialty"] == "safe"
    # ...and importing the file gives back the text as it was (cells are trimmed)
    records, _ = read_records(raw, "csv")
    assert records[0].fields == {**nasty, "reference": "TAB"}


def test_jsonld_export_builds_postings_with_the_callers_function() -> None:
    raw = write_records([FULL_ROW, REMOTE_ROW], "jsonld", posting=_posting)

    postings = json.loads(raw)
    assert postings == [_posting(FULL_ROW), _posting(REMOTE_ROW)]
    assert write_jsonld(postings) == raw
    records, errors = read_records(raw, "jsonld")
    assert errors == []
    assert records[1].fields["employment_model"] == "1099"


def test_jsonld_export_without_a_posting_function_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="needs posting="):
        write_records([FULL_ROW], "jsonld")
