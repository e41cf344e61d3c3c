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
              received: str = "No", fields: dict[int, str] | None = None) -> str:
    """One activity in ACCME's PARS tab-delimited layout (Reporting Year 2010), by field number.

    ``support`` items are (source, "Monetary" or "In-kind", amount); an in-kind supporter
    answers Yes to "durable equipment" (PARS records no value for in-kind support).
    """
    record = dict.fromkeys(range(1, 36), "")
    record.update({
        1: "2027", 2: pid, 4: "Sepsis course", 5: "03/01/2027", 6: "Boston", 7: "MA", 8: "USA", 9: "Direct",
        10: "C", 11: "6.5", 12: "120", 13: "30", 14: received,
        17: "Yes", 18: "Yes", 19: "No", 20: "No", 21: "No", 22: "No",  # designed to change / evaluated
        31: "6.5", 32: "Early recognition of sepsis",
    })
    record.update(fields or {})
    blocks: list[str] = []
    for source, kind, amount in support or []:
        monetary = kind.lower().startswith("m")
        blocks += [source, amount if monetary else "", "No" if monetary else "Yes", "No", "No", "No", "No", ""]
    if not blocks:
        blocks = [""] * 8
    out = [record[i] for i in range(1, 36)] + blocks
    out = out[:n_fields] if n_fields < len(out) else out + [""] * (n_fields - len(out))
    return "\t".join(out)


#: A record as a provider's PARS export writes it (jfrux/ccpd-platform,
#: admin/_com/Report/accmePARS_simple.cfc): fields 1-35, then one supporter in fields 36-43.
REAL_PARS_RECORD = [
    "2010",                  # 1 Reporting Year
    "12345",                 # 2 Provider Activity ID
    "",                      # 3 ACCME Activity ID
    "GRAND ROUNDS: SEPSIS",  # 4 Activity Title
    "03/01/2010",            # 5 Activity Date
    "Cincinnati",            # 6 City
    "OH",                    # 7 State
    "USA",                   # 8 Country
    "Joint",                 # 9 Sponsorship
    "RSS",                   # 10 Activity Type
    "12.00",                 # 11 Hours of Instruction
    "40",                    # 12 # of Physicians
    "10",                    # 13 # of non-Physicians
    "Yes",                   # 14 Commercial Support Received?
    "2500.00",               # 15 Total Value of Commercial Support Received
    "1",                     # 16 # of Commercial Supporters
    "Yes",                   # 17 Designed to change Competence?
    "No",                    # 18 Changes in Competence evaluated?
    "Yes",                   # 19 Designed to change Performance?
    "Yes",                   # 20 Changes in Performance evaluated?
    "No",                    # 21 Designed to change Patient Outcomes?
    "No",                    # 22 Changes in Patient Outcomes evaluated?
    "Yes", "No", "No", "No", "No", "No", "",  # 23-29 Sub-categories
    "City Hospital",         # 30 Joint Sponsor
    "12.00",                 # 31 Number of AMA PRA Category 1 Credits Designated
    "Weekly sepsis rounds",  # 32 Description of Content
    "", "", "",              # 33-35 Advertising & exhibit income, other income, expenses
    "Acme Pharma",           # 36 Commercial Support Source
    "2500.00",               # 37 Monetary Amount Received
    "No", "No", "No", "No", "No", "No",  # 38-43 In-kind: durable ... other
]


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


def test_pars_record_in_the_real_field_order_imports():
    assert len(REAL_PARS_RECORD) == 43
    (row,) = list(parse_pars("\t".join(REAL_PARS_RECORD) + "\r\n"))
    assert row.error is None and row.data is not None
    record = activity_record(row.data)
    assert (record.provider_activity_id, record.title, record.description) == (
        "12345", "GRAND ROUNDS: SEPSIS", "Weekly sepsis rounds")
    assert (record.format, record.delivery) == ("rss", "live")
    assert record.start_date == record.end_date == date(2010, 3, 1)
    assert (record.city, record.state) == ("Cincinnati", "OH")
    assert [(c.credit_type, c.amount) for c in record.credits] == [("ama_pra_1", Decimal("12.00"))]
    assert record.designed_to_change == ("competence", "performance")
    assert record.outcomes_evaluated and record.moore_level == 5
    assert [(s.source, s.kind, s.amount) for s in record.commercial_support] == [
        ("Acme Pharma", "monetary", Decimal("2500.00"))]


def test_pars_record_maps_fields_and_supporters():
    line = pars_line(support=[("Acme", "Monetary", "5000"), ("Beta", "In-kind", "")], n_fields=51, received="Yes")
    (row,) = list(parse_pars(line + "\n"))
    assert row.error is None and row.data is not None
    record = activity_record(row.data)
    assert record.provider_activity_id == "P1"
    assert (record.format, record.delivery) == ("course", "live")
    assert record.start_date == date(2027, 3, 1)
    assert record.credits[0].credit_type == "ama_pra_1" and record.credits[0].amount == Decimal("6.50")
    assert record.moore_level == 4 and record.outcomes_evaluated
    assert record.designed_to_change == ("competence",)
    assert [(s.source, s.kind, s.amount) for s in record.commercial_support] == [
        ("Acme", "monetary", Decimal("5000.00")), ("Beta", "in_kind", Decimal("0.00"))]


def test_pars_supporter_giving_money_and_in_kind_support_makes_two_entries():
    line = pars_line(received="Yes", support=[("Acme", "Monetary", "$1,000")])
    line = line.replace("Acme\t$1,000\tNo\tNo\tNo\tNo\tNo\t", "Acme\t$1,000\tNo\tYes\tNo\tNo\tNo\tcatering")
    (row,) = list(parse_pars(line))
    assert row.data is not None
    assert [(s.kind, s.amount) for s in activity_record(row.data).commercial_support] == [
        ("monetary", Decimal("1000.00")), ("in_kind", Decimal("0.00"))]


@pytest.mark.parametrize(("activity_type", "fmt", "delivery"), [
    ("IEM", "internet_enduring", "online"),
    ("Internet Live Course", "course", "online"),
    ("rss", "rss", "live"),
    ("EM", "enduring_material", "online"),
    ("ISL", "internet_point_of_care", "online"),
])
def test_pars_activity_type_gives_format_and_delivery(activity_type, fmt, delivery):
    (row,) = list(parse_pars(pars_line(fields={10: activity_type})))
    assert row.data is not None
    record = activity_record(row.data)
    assert (record.format, record.delivery) == (fmt, delivery)


@pytest.mark.parametrize(("n_fields", "reason"), [
    (42, "PARS record has 42 fields; at least 43 are required"),
    (45, "PARS record has 45 fields; after field 35 they must come in blocks of 8 (fields 36-43 per supporter)"),
])
def test_pars_wrong_field_count_is_rejected_with_reason(n_fields, reason):
    rows = list(parse_pars("\n" + pars_line(n_fields=n_fields)))
    assert rows[0].line == 2 and rows[0].data is None and rows[0].error == reason


@pytest.mark.parametrize(("change", "reason"), [
    ({2: ""}, "field 2: the Provider Activity ID is required"),
    ({1: "FY10"}, "field 1: reporting year 'FY10' is not a year"),
    ({8: "CAN"}, "field 8: only activities in the United States are listed"),
    ({10: "Webinar"}, "field 10: unknown PARS activity type 'Webinar'"),
    ({17: "Maybe"}, "field 17: 'Maybe' is not Yes or No"),
])
def test_pars_bad_field_is_a_row_error_naming_the_field(change, reason):
    (row,) = list(parse_pars(pars_line(fields=change)))
    assert row.data is None and row.error is not None and row.error.startswith(reason)


def test_pars_support_flag_must_agree_with_supporter_blocks():
    (row,) = list(parse_pars(pars_line(received="Yes")))
    assert row.error is not None and row.error.startswith("field 14:") and "no supporter is listed" in row.error
    (row,) = list(parse_pars(pars_line(received="No", support=[("Acme", "Monetary", "10")])))
    assert row.error is not None and "supporters are listed" in row.error


def test_pars_supporter_without_money_or_in_kind_support_is_rejected():
    line = pars_line(received="Yes", support=[("Acme", "Monetary", "0")])
    (row,) = list(parse_pars(line))
    assert row.error is not None and row.error.startswith("field 36: supporter 'Acme' has no monetary amount (field 37)")


def test_pars_header_row_is_skipped():
    rows = list(parse_pars("1. Reporting Year\t2. Provider Activity ID\t3. ACCME Activity ID\n" + pars_line()))
    assert len(rows) == 1 and rows[0].line == 2 and rows[0].data is not None


def test_pars_later_template_layout_is_named_in_the_reason():
    (row,) = list(parse_pars("Template B\t\tP1\t2011" + "\t" * 46))
    assert row.data is None and row.error is not None
    assert row.error.startswith("field 1: 'Template B' marks ACCME's template layout for Reporting Year 2011")


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
