"""Parsers and row validation: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from cmepath.catalog.importers import (
    ImportFileError,
    decode,
    guess_format,
    parse_csv,
    parse_json,
    parse_pars,
)
from cmepath.catalog.records import RecordError, activity_record

HEADER = "provider_activity_id,title,format,delivery,start_date,end_date,credits\n"


def pars_line(pid: str = "P1", n_fields: int = 43, support: list[tuple[str, str, str]] | None = None,
              received: str = "N") -> str:
    fields = [""] * 35
    fields[0], fields[1], fields[2] = pid, "Sepsis course", "Course"
    fields[3], fields[4], fields[5] = "03/01/2027", "03/02/2027", "Live"
    fields[6], fields[7], fields[8] = "Boston", "MA", "US"
    fields[12], fields[16] = "250", "6.5"
    fields[18], fields[21] = "Y", "Y"  # designed to change competence; competence evaluated
    fields[32] = "sepsis"
    fields[34] = received
    blocks = []
    for source, kind, amount in support or []:
        block = [source, kind, amount if kind.lower().startswith("m") else "", "", amount if kind.lower().startswith("i") else "", "", "", ""]
        blocks.extend(block)
    if not blocks:
        blocks = [""] * 8
    out = fields + blocks
    out = out[:n_fields] if n_fields < len(out) else out + [""] * (n_fields - len(out))
    return "\t".join(out)


def test_csv_rows_carry_their_starting_line_even_after_a_multiline_field():
    text = HEADER + 'A1,"Two\nline title",course,online,2027-01-01,2027-01-01,ama_pra_1:1\nA2,T,course,online,2027-01-01,2027-01-01,ama_pra_1:1\n'
    rows = list(parse_csv(text))
    assert [r.line for r in rows] == [2, 4]
    assert rows[0].data is not None and rows[0].data["title"] == "Two\nline title"


def test_csv_row_with_wrong_field_count_is_an_error_row():
    rows = list(parse_csv(HEADER + "A1,Only,three\n"))
    assert rows[0].data is None
    assert rows[0].error == "malformed row: expected 7 fields, found 3"


@pytest.mark.parametrize(("text", "fragment"), [
    ("", "empty"),
    ("title,colour\n", "Unknown column"),
    ("title,format\n", "Required column(s) missing"),
    ("title,title,provider_activity_id,format,delivery,start_date,end_date\n", "appear twice"),
])
def test_unusable_csv_headers_refuse_the_whole_file(text, fragment):
    with pytest.raises(ImportFileError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        parse_csv(text)


def test_non_utf8_file_is_unusable_and_names_the_line():
    with pytest.raises(ImportFileError, match="line 2"):
        decode(b"title\n\xff\xfe bad\n")


def test_json_items_get_the_line_where_their_object_starts():
    text = '{"activities": [\n  {"title": "a"},\n\n  {"title": "b"},\n  7\n]}'
    rows = list(parse_json(text))
    assert [(r.line, r.error is None) for r in rows] == [(2, True), (4, True), (5, False)]
    assert rows[2].error == "item is a JSON int, not an object"


def test_invalid_json_is_unusable_with_its_position():
    with pytest.raises(ImportFileError, match="line 1, column"):
        list(parse_json("[{]"))


def test_pars_record_maps_fields_and_supporters():
    line = pars_line(support=[("Acme", "Monetary", "5000"), ("Beta", "In-kind", "300")], n_fields=51, received="Y")
    (row,) = list(parse_pars(line + "\n"))
    assert row.error is None and row.data is not None
    record = activity_record(row.data)
    assert record.provider_activity_id == "P1"
    assert record.start_date == date(2027, 3, 1)
    assert record.credits[0].credit_type == "ama_pra_1" and record.credits[0].amount == Decimal("6.50")
    assert record.moore_level == 4 and record.outcomes_evaluated
    assert record.designed_to_change == ("competence",)
    assert [(s.source, s.kind, s.amount) for s in record.commercial_support] == [
        ("Acme", "monetary", Decimal("5000.00")), ("Beta", "in_kind", Decimal("300.00"))]


@pytest.mark.parametrize(("n_fields", "reason"), [
    (42, "PARS record has 42 fields; at least 43 are required"),
    (45, "PARS record has 45 fields; after field 35 they must come in blocks of 8 (fields 36-43 per supporter)"),
])
def test_pars_wrong_field_count_is_rejected_with_reason(n_fields, reason):
    rows = list(parse_pars("\n" + pars_line(n_fields=n_fields)))
    assert rows[0].line == 2 and rows[0].data is None and rows[0].error == reason


def test_pars_support_flag_must_agree_with_supporter_blocks():
    (row,) = list(parse_pars(pars_line(received="Y")))
    assert row.error is not None and "no supporter is listed" in row.error


def test_pars_header_row_is_skipped():
    rows = list(parse_pars("Provider Activity ID\tTitle\n" + pars_line()))
    assert len(rows) == 1 and rows[0].line == 2


@pytest.mark.parametrize(("change", "field", "fragment"), [
    ({"cost": "-5"}, "cost", "must not be negative"),
    ({"credits": "ama_pra_1:-1"}, "credits ama_pra_1", "must not be negative"),
    ({"credits": "ama_pra_1:0"}, "credits ama_pra_1", "more than 0"),
    ({"credits": "bogus:1"}, "credits", "unknown credit type 'bogus'"),
    ({"end_date": "2026-12-31"}, "end_date", "before it starts"),
    ({"topics": "opiod_prescribing"}, "topics", "unknown topic"),
    ({"start_date": "yesterday"}, "start_date", "is not a date"),
    ({"colour": "red"}, "colour", "unknown field"),
    ({"title": ""}, "title", "is required"),
    ({"url": "javascript:alert(1)"}, "url", "not an http(s) address"),
    ({"cost": "NaN"}, "cost", "finite"),
])
def test_record_errors_name_the_field(change, field, fragment):
    data = {"provider_activity_id": "A", "title": "T", "format": "course", "delivery": "online",
            "start_date": "2027-01-01", "end_date": "2027-01-02", "credits": "ama_pra_1:1"}
    data.update(change)
    with pytest.raises(RecordError) as info:
        activity_record(data)
    assert info.value.field == field
    assert fragment in info.value.message


def test_record_accepts_labels_aliases_and_other_spellings():
    record = activity_record({
        "ID": "A", "Title": "T", "type": "Regularly scheduled series", "delivery": "in person",
        "start": "03/01/2027", "end": "2027-03-01", "state": "ca", "fee": "$1,250.00",
        "topics": "Opioid prescribing; implicit bias", "professions": "md, np",
        "credits": [{"type": "AANP", "amount": 10, "pharmacology_hours": 3}],
        "support": [{"source": "Acme", "kind": "in-kind", "amount": 0}], "provider": "X",
    })
    assert (record.format, record.delivery, record.state, record.cost) == ("rss", "live", "CA", Decimal("1250.00"))
    assert record.topics == ("opioid_prescribing", "implicit_bias")
    assert record.professions == ("MD", "NP")
    assert record.credits[0].pharmacology_hours == Decimal("3.00")
    assert record.commercial_support[0].kind == "in_kind"


@pytest.mark.parametrize(("name", "fmt"), [("a.CSV", "csv"), ("b.json", "json"), ("pars.txt", "pars"), ("x.xlsx", None)])
def test_guess_format(name, fmt):
    assert guess_format(name) == fmt
