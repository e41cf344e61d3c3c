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


def pars_line(
    pid: str = "P1",
    n_fields: int = 43,
    support: list[tuple[str, str, str]] | None = None,
    received: str = "No",
    fields: dict[int, str] | None = None,
) -> str:
    """One activity in ACCME's PARS tab-delimited layout (Reporting Year 2010), by field number.

    ``support`` items are (source, "Monetary" or "In-kind", amount); an in-kind supporter
    answers Yes to "durable equipment" (PARS records no value for in-kind support).
    """
    record = dict.fromkeys(range(1, 36), "")
    record.update(
        {
            1: "2027",
            2: pid,
            4: "Sepsis course",
            5: "03/01/2027",
            6: "Boston",
            7: "MA",
            8: "USA",
            9: "Direct",
            10: "C",
            11: "6.5",
            12: "120",
            13: "30",
            14: received,
            17: "Yes",
            18: "Yes",
            19: "No",
            20: "No",
            21: "No",
            22: "No",  # designed to change / evaluated
            31: "6.5",
            32: "Early recognition of sepsis",
        }
    )
    record.update(fields or {})
    blocks: list[str] = []
    for source, kind, amount in support or []:
        monetary = kind.lower().startswith("m")
        blocks += [
            source,
            amount if monetary else "",
            "No" if monetary else "Yes",
            "No",
            "No",
            "No",
            "No",
            "",
        ]
    if not blocks:
        blocks = [""] * 8
    out = [record[i] for i in range(1, 36)] + blocks
    out = out[:n_fields] if n_fields < len(out) else out + [""] * (n_fields - len(out))
    return "\t".join(out)


#: A record as a provider's PARS export writes it (jfrux/ccpd-platform,
#: admin/_com/Report/accmePARS_simple.cfc): fields 1-35, then one supporter in fields 36-43.
REAL_PARS_RECORD = [
    "2010",  # 1 Reporting Year
    "12345",  # 2 Provider Activity ID
    "",  # 3 ACCME Activity ID
    "GRAND ROUNDS: SEPSIS",  # 4 Activity Title
    "03/01/2010",  # 5 Activity Date
    "Cincinnati",  # 6 City
    "OH",  # 7 State
    "USA",  # 8 Country
    "Joint",  # 9 Sponsorship
    "RSS",  # 10 Activity Type
    "12.00",  # 11 Hours of Instruction
    "40",  # 12 # of Physicians
    "10",  # 13 # of non-Physicians
    "Yes",  # 14 Commercial Support Received?
    "2500.00",  # 15 Total Value of Commercial Support Received
    "1",  # 16 # of Commercial Supporters
    "Yes",  # 17 Designed to change Competence?
    "No",  # 18 Changes in Competence evaluated?
    "Yes",  # 19 Designed to change Performance?
    "Yes",  # 20 Changes in Performance evaluated?
    "No",  # 21 Designed to change Patient Outcomes?
    "No",  # 22 Changes in Patient Outcomes evaluated?
    "Yes",
    "No",
    "No",
    "No",
    "No",
    "No",
    "",  # 23-29 Sub-categories
    "City Hospital",  # 30 Joint Sponsor
    "12.00",  # 31 Number of AMA PRA Category 1 Credits Designated
    "Weekly sepsis rounds",  # 32 Description of Content
    "",
    "",
    "",  # 33-35 Advertising & exhibit income, other income, expenses
    "Acme Pharma",  # 36 Commercial Support Source
    "2500.00",  # 37 Monetary Amount Received
    "No",
    "No",
    "No",
    "No",
    "No",
    "No",  # 38-43 In-kind: durable ... other
]


def test_csv_rows_carry_their_starting_line_even_after_a_multiline_field():
    text = (
        HEADER
        + 'A1,"Two\nline title",course,online,2027-01-01,2027-01-01,ama_pra_1:1\nA2,T,course,online,2027-01-01,2027-01-01,ama_pra_1:1\n'
    )
    rows = list(parse_csv(text))
    assert [r.line for r in rows] == [2, 4]
    assert rows[0].data is not None and rows[0].data["title"] == "Two\nline title"


def test_csv_row_with_wrong_field_count_is_an_error_row():
    rows = list(parse_csv(HEADER + "A1,Only,three\n"))
    assert rows[0].data is None
    assert rows[0].error == "malformed row: expected 7 fields, found 3"


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "empty"),
        ("title,colour\n", "Unknown column"),
        ("title,format\n", "Required column(s) missing"),
        ("title,title,provider_activity_id,format,delivery,start_date,end_date\n", "appear twice"),
    ],
)
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
        "12345",
        "GRAND ROUNDS: SEPSIS",
        "Weekly sepsis rounds",
    )
    assert (record.format, record.delivery) == ("rss", "live")
    assert record.start_date == record.end_date == date(2010, 3, 1)
    assert (record.city, record.state) == ("Cincinnati", "OH")
    assert [(c.credit_type, c.amount) for c in record.credits] == [("ama_pra_1", Decimal("12.00"))]
    assert record.designed_to_change == ("competence", "performance")
    assert record.outcomes_evaluated and record.moore_level == 5
    assert [(s.source, s.kind, s.amount) for s in record.commercial_support] == [
        ("Acme Pharma", "monetary", Decimal("2500.00"))
    ]


def test_pars_record_maps_fields_and_supporters():
    line = pars_line(
        support=[("Acme", "Monetary", "5000"), ("Beta", "In-kind", "")], n_fields=51, received="Yes"
    )
    (row,) = list(parse_pars(line + "\n"))
    assert row.error is None and row.data is not None
    record = activity_record(row.data)
    assert record.provider_activity_id == "P1"
    assert (record.format, record.delivery) == ("course", "live")
    assert record.start_date == date(2027, 3, 1)
    assert record.credits[0].credit_type == "ama_pra_1" and record.credits[0].amount == Decimal(
        "6.50"
    )
    assert record.moore_level == 4 and record.outcomes_evaluated
    assert record.designed_to_change == ("competence",)
    assert [(s.source, s.kind, s.amount) for s in record.commercial_support] == [
        ("Acme", "monetary", Decimal("5000.00")),
        ("Beta", "in_kind", Decimal("0.00")),
    ]


def test_pars_supporter_giving_money_and_in_kind_support_makes_two_entries():
    line = pars_line(received="Yes", support=[("Acme", "Monetary", "$1,000")])
    line = line.replace(
        "Acme\t$1,000\tNo\tNo\tNo\tNo\tNo\t", "Acme\t$1,000\tNo\tYes\tNo\tNo\tNo\tcatering"
    )
    (row,) = list(parse_pars(line))
    assert row.data is not None
    assert [(s.kind, s.amount) for s in activity_record(row.data).commercial_support] == [
        ("monetary", Decimal("1000.00")),
        ("in_kind", Decimal("0.00")),
    ]


@pytest.mark.parametrize(
    ("activity_type", "fmt", "delivery"),
    [
        ("IEM", "internet_enduring", "online"),
        ("Internet Live Course", "course", "online"),
        ("rss", "rss", "live"),
        ("EM", "enduring_material", "online"),
        ("ISL", "internet_point_of_care", "online"),
    ],
)
def test_pars_activity_type_gives_format_and_delivery(activity_type, fmt, delivery):
    (row,) = list(parse_pars(pars_line(fields={10: activity_type})))
    assert row.data is not None
    record = activity_record(row.data)
    assert (record.format, record.delivery) == (fmt, delivery)


@pytest.mark.parametrize(
    ("n_fields", "reason"),
    [
        (42, "PARS record has 42 fields; at least 43 are required"),
        (
            45,
            "PARS record has 45 fields; after field 35 they must come in blocks of 8 (fields 36-43 per supporter)",
        ),
    ],
)
def test_pars_wrong_field_count_is_rejected_with_reason(n_fields, reason):
    rows = list(parse_pars("\n" + pars_line(n_fields=n_fields)))
    assert rows[0].line == 2 and rows[0].data is None and rows[0].error == reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({2: ""}, "field 2: the Provider Activity ID is required"),
        ({1: "FY10"}, "field 1: reporting year 'FY10' is not a year"),
        ({8: "CAN"}, "field 8: only activities in the United States are listed"),
        ({10: "Webinar"}, "field 10: unknown PARS activity type 'Webinar'"),
        ({17: "Maybe"}, "field 17: 'Maybe' is not Yes or No"),
    ],
)
def test_pars_bad_field_is_a_row_error_naming_the_field(change, reason):
    (row,) = list(parse_pars(pars_line(fields=change)))
    assert row.data is None and row.error is not None and row.error.startswith(reason)


def test_pars_support_flag_must_agree_with_supporter_blocks():
    (row,) = list(parse_pars(pars_line(received="Yes")))
    assert (
        row.error is not None
        and row.error.startswith("field 14:")
        and "no supporter is listed" in row.error
    )
    (row,) = list(parse_pars(pars_line(received="No", support=[("Acme", "Monetary", "10")])))
    assert row.error is not None and "supporters are listed" in row.error


def test_pars_supporter_without_money_or_in_kind_support_is_rejected():
    line = pars_line(received="Yes", support=[("Acme", "Monetary", "0")])
    (row,) = list(parse_pars(line))
    assert row.error is not None and row.error.startswith(
        "field 36: supporter 'Acme' has no monetary amount (field 37)"
    )


def test_pars_header_row_is_skipped():
    rows = list(
        parse_pars(
            "1. Reporting Year\t2. Provider Activity ID\t3. ACCME Activity ID\n" + pars_line()
        )
    )
    assert len(rows) == 1 and rows[0].line == 2 and rows[0].data is not None


#: A Template C record (Reporting Year 2014) as jfrux/accme_lib lib/accme_lib/pars/serializer.rb
#: (commit 6d00f69) writes it: 58 fields, then one supporter in fields 59-66.
TEMPLATE_C_RECORD = [
    "Template C",  # 1 Template (DO NOT ALTER OR DELETE THIS COLUMN)
    "",  # 2 ACCME Activity ID
    "14-0042",  # 3 Provider Activity ID
    "2014",  # 4 Reporting Year
    "Sepsis Grand Rounds",  # 5 Activity Title
    "01/31/2014",  # 6 Activity Date (strftime "%m/%d/%Y")
    "Cincinnati",  # 7 City
    "OH",  # 8 State
    "USA",  # 9 Country
    "Joint",  # 10 Providership
    "RSS",  # 11 Activity Type
    "12",  # 12 Hours of Instruction
    "40",  # 13 # of Physicians
    "15",  # 14 # of Other Learners
    "Yes",  # 15 Commercial Support Received?
    "1",  # 16 # of Commercial Supporters
    "2500.0",  # 17 Total Monetary Amount Received (Activity)
    "No",  # 18 In Kind Support Received - Durable equipment? (Activity)
    "Yes",  # 19 In Kind Support Received - Facilities / Space? (Activity)
    "No",  # 20 In Kind Support Received - Disposable supplies (Non-biological)? (Activity)
    "No",  # 21 In Kind Support Received - Animal parts or tissue? (Activity)
    "No",  # 22 In Kind Support Received - Human parts or tissue? (Activity)
    "",  # 23 In Kind Support Received - Other? (Activity)
    "Yes",  # 24 Designed to change Competence?
    "Yes",  # 25 Changes in Competence evaluated?
    "Yes",  # 26 Designed to change Performance?
    "No",  # 27 Changes in Performance evaluated?
    "No",  # 28 Designed to change Patient Outcomes?
    "No",  # 29 Changes in Patient Outcomes evaluated?
    "Yes",  # 30 Sub-category: Case based discussion
    "Yes",  # 31 Sub-category: Lecture
    "",  # 32 Sub-category: Panel
    "",  # 33 Sub-category: Simulation
    "",  # 34 Sub-category: Skill-based training
    "",  # 35 Sub-category: Small group discussion
    "",  # 36 Sub-category: Other
    "Children's Hospital",  # 37 Joint Provider(s)
    "12.0",  # 38 Number of AMA PRA Category 1 CreditsTM Designated
    "Weekly sepsis case review",  # 39 Description of Content
    "",  # 40 Advertising & Exhibit Income (Activity)
    "",  # 41 Other Income (Activity)
    "",  # 42 Expenses (Activity)
    "Yes",  # 43 ABMS/ACGME - Patient Care and Procedural Skills
    "Yes",  # 44 ABMS/ACGME - Medical Knowledge
    "No",  # 45 ABMS/ACGME - Practice-based Learning and Improvement
    "No",  # 46 ABMS/ACGME - Interpersonal and Communication Skills
    "No",  # 47 ABMS/ACGME - Professionalism
    "No",  # 48 ABMS/ACGME - Systems-based Practice
    "Yes",  # 49 Institute of Medicine - Provide patient-centered care
    "No",  # 50 Institute of Medicine - Work in interdisciplinary teams
    "Yes",  # 51 Institute of Medicine - Employ evidence-based practice
    "Yes",  # 52 Institute of Medicine - Apply quality improvement
    "No",  # 53 Institute of Medicine - Utilize informatics
    "No",  # 54 Interprofessional Education Collaborative - Values/Ethics ...
    "No",  # 55 Interprofessional Education Collaborative - Roles/Responsibilities
    "No",  # 56 Interprofessional Education Collaborative - Interprofessional Communication
    "No",  # 57 Interprofessional Education Collaborative - Teams and Teamwork
    "",  # 58 Other Competencies - ... (written as given, not Yes/No)
    "Acme Pharma",  # 59 Commercial Support Source
    "2500.0",  # 60 Monetary Amount Received (for Support Source)
    "No",  # 61 In Kind Support Received - Durable equipment?
    "Yes",  # 62 In Kind Support Received - Facilities / Space?
    "No",  # 63 In Kind Support Received - Disposable supplies (Non-biological)?
    "No",  # 64 In Kind Support Received - Animal parts or tissue?
    "No",  # 65 In Kind Support Received - Human parts or tissue?
    "",  # 66 In Kind Support Received - Other?
]

#: A Template D record (Reporting Year 2015) as the same serializer writes it: 47 fields (no
#: activity-level support fields 16-23 and no income/expense fields 40-42 of Template C),
#: no commercial support, so no supporter block.
TEMPLATE_D_RECORD = [
    "Template D",  # 1 Template (DO NOT ALTER OR DELETE THIS COLUMN)
    "",  # 2 ACCME Activity ID
    "15-0107",  # 3 Provider Activity ID
    "2015",  # 4 Reporting Year
    "Safe opioid tapering",  # 5 Activity Title
    "06/15/2015",  # 6 Activity Date
    "",  # 7 City (the serializer blanks 7-9 unless the type is C or RSS)
    "",  # 8 State
    "",  # 9 Country
    "Direct",  # 10 Providership
    "IEM",  # 11 Activity Type
    "1.5",  # 12 Hours of Instruction
    "850",  # 13 # of Physicians
    "120",  # 14 # of Other Learners
    "No",  # 15 Commercial Support Received?
    "Yes",  # 16 Designed to change Competence?
    "Yes",  # 17 Changes in Competence evaluated?
    "Yes",  # 18 Designed to change Performance?
    "Yes",  # 19 Changes in Performance evaluated?
    "Yes",  # 20 Designed to change Patient Outcomes?
    "No",  # 21 Changes in Patient Outcomes evaluated?
    "",  # 22 Sub-category: Case based discussion
    "",  # 23 Sub-category: Lecture
    "",  # 24 Sub-category: Panel
    "",  # 25 Sub-category: Simulation
    "",  # 26 Sub-category: Skill-based training
    "",  # 27 Sub-category: Small group discussion
    "",  # 28 Sub-category: Other
    "",  # 29 Joint Provider(s)
    "1.5",  # 30 Number of AMA PRA Category 1 CreditsTM Designated
    "Tapering long-term opioid therapy",  # 31 Description of Content
    "Yes",  # 32 ABMS/ACGME - Patient Care and Procedural Skills
    "Yes",  # 33 ABMS/ACGME - Medical Knowledge
    "No",  # 34 ABMS/ACGME - Practice-based Learning and Improvement
    "Yes",  # 35 ABMS/ACGME - Interpersonal and Communication Skills
    "No",  # 36 ABMS/ACGME - Professionalism
    "No",  # 37 ABMS/ACGME - Systems-based Practice
    "Yes",  # 38 Institute of Medicine - Provide patient-centered care
    "No",  # 39 Institute of Medicine - Work in interdisciplinary teams
    "Yes",  # 40 Institute of Medicine - Employ evidence-based practice
    "No",  # 41 Institute of Medicine - Apply quality improvement
    "No",  # 42 Institute of Medicine - Utilize informatics
    "No",  # 43 Interprofessional Education Collaborative - Values/Ethics ...
    "No",  # 44 Interprofessional Education Collaborative - Roles/Responsibilities
    "No",  # 45 Interprofessional Education Collaborative - Interprofessional Communication
    "No",  # 46 Interprofessional Education Collaborative - Teams and Teamwork
    "",  # 47 Other Competencies - ... (written as given, not Yes/No)
]


def template_line(
    record: list[str], changes: dict[int, str] | None = None, n_fields: int | None = None
) -> str:
    """``record`` with fields changed by number, cut or padded with blanks to ``n_fields``."""
    out = list(record)
    for number, value in (changes or {}).items():
        out[number - 1] = value
    if n_fields is not None:
        out = out[:n_fields] + [""] * (n_fields - len(out))
    return "\t".join(out)


def test_pars_template_c_record_imports():
    assert len(TEMPLATE_C_RECORD) == 58 + 8
    (row,) = list(parse_pars(template_line(TEMPLATE_C_RECORD) + "\r\n"))
    assert row.error is None and row.data is not None
    record = activity_record(row.data)
    assert (record.provider_activity_id, record.title, record.description) == (
        "14-0042",
        "Sepsis Grand Rounds",
        "Weekly sepsis case review",
    )
    assert (record.format, record.delivery) == ("rss", "live")
    assert record.start_date == record.end_date == date(2014, 1, 31)
    assert (record.city, record.state) == ("Cincinnati", "OH")
    assert [(c.credit_type, c.amount) for c in record.credits] == [("ama_pra_1", Decimal("12.00"))]
    assert record.designed_to_change == ("competence", "performance")
    assert record.outcomes_evaluated and record.moore_level == 4
    assert [(s.source, s.kind, s.amount) for s in record.commercial_support] == [
        ("Acme Pharma", "monetary", Decimal("2500.00")),
        ("Acme Pharma", "in_kind", Decimal("0.00")),
    ]
    # Not in the templates: these keep cmepath's defaults.
    assert (
        record.competencies,
        record.moc_boards,
        record.moc_points,
        record.rems,
        record.url,
        record.cost,
    ) == ((), (), None, "none", "", Decimal("0"))


def test_pars_template_d_record_imports():
    assert len(TEMPLATE_D_RECORD) == 47
    (row,) = list(parse_pars(template_line(TEMPLATE_D_RECORD)))
    assert row.error is None and row.data is not None
    record = activity_record(row.data)
    assert (record.provider_activity_id, record.title, record.description) == (
        "15-0107",
        "Safe opioid tapering",
        "Tapering long-term opioid therapy",
    )
    assert (record.format, record.delivery) == ("internet_enduring", "online")
    assert record.start_date == record.end_date == date(2015, 6, 15)
    assert (record.city, record.state) == ("", "")
    assert [(c.credit_type, c.amount) for c in record.credits] == [("ama_pra_1", Decimal("1.50"))]
    assert record.designed_to_change == ("competence", "performance", "patient_outcomes")
    assert record.outcomes_evaluated and record.moore_level == 5
    assert record.commercial_support == ()


def test_pars_template_d_supporters_follow_field_47():
    blocks = [
        "Acme",
        "100",
        "No",
        "No",
        "No",
        "No",
        "No",
        "",
        "Beta",
        "",
        "Yes",
        "No",
        "No",
        "No",
        "No",
        "",
    ]
    line = template_line(TEMPLATE_D_RECORD, {15: "Yes"}) + "\t" + "\t".join(blocks)
    (row,) = list(parse_pars(line))
    assert row.data is not None
    assert [(s.source, s.kind, s.amount) for s in activity_record(row.data).commercial_support] == [
        ("Acme", "monetary", Decimal("100.00")),
        ("Beta", "in_kind", Decimal("0.00")),
    ]


def test_pars_file_mixing_layouts_reads_each_record_by_its_own_template():
    text = "\n".join(
        [pars_line("P1"), template_line(TEMPLATE_C_RECORD), template_line(TEMPLATE_D_RECORD)]
    )
    rows = list(parse_pars(text))
    assert [r.error for r in rows] == [None, None, None]
    assert [r.data["provider_activity_id"] for r in rows if r.data] == ["P1", "14-0042", "15-0107"]


def test_pars_template_heading_row_is_skipped():
    heading = "\t".join(
        [
            "1. Template (DO NOT ALTER OR DELETE THIS COLUMN)",
            "2. ACCME Activity ID",
            "3. Provider Activity ID",
            "4. Reporting Year",
        ]
    )
    rows = list(parse_pars(heading + "\n" + template_line(TEMPLATE_D_RECORD)))
    assert len(rows) == 1 and rows[0].line == 2 and rows[0].data is not None


@pytest.mark.parametrize(
    ("record", "n_fields", "reason"),
    [
        (
            TEMPLATE_C_RECORD,
            57,
            "Template C record has 57 fields; Template C needs 58, plus 8 per commercial supporter "
            "(fields 59-66, 67-74, ...): 58, 66, 74, ... fields",
        ),
        (TEMPLATE_C_RECORD, 70, "Template C record has 70 fields; Template C needs 58"),
        (TEMPLATE_C_RECORD, 43, "Template C record has 43 fields; Template C needs 58"),
        (
            TEMPLATE_D_RECORD,
            46,
            "Template D record has 46 fields; Template D needs 47, plus 8 per commercial supporter "
            "(fields 48-55, 56-63, ...): 47, 55, 63, ... fields",
        ),
        (TEMPLATE_D_RECORD, 58, "Template D record has 58 fields; Template D needs 47"),
    ],
)
def test_pars_template_wrong_field_count_is_rejected_with_reason(record, n_fields, reason):
    (row,) = list(parse_pars(template_line(record, n_fields=n_fields)))
    assert row.data is None and row.error is not None and row.error.startswith(reason)


@pytest.mark.parametrize(
    ("record", "change", "reason"),
    [
        (TEMPLATE_C_RECORD, {3: ""}, "field 3: the Provider Activity ID is required"),
        (TEMPLATE_C_RECORD, {4: "FY14"}, "field 4: reporting year 'FY14' is not a year"),
        (TEMPLATE_C_RECORD, {9: "CAN"}, "field 9: only activities in the United States are listed"),
        (TEMPLATE_C_RECORD, {11: "Webinar"}, "field 11: unknown PARS activity type 'Webinar'"),
        (
            TEMPLATE_C_RECORD,
            {24: "Maybe"},
            "field 24: 'Maybe' is not Yes or No (Designed to change Competence?)",
        ),
        (TEMPLATE_C_RECORD, {60: "lots"}, "field 60: 'lots' is not an amount"),
        (
            TEMPLATE_C_RECORD,
            {62: "Sometimes"},
            "field 62: 'Sometimes' is not Yes or No "
            "(In Kind Support Received - Facilities / Space?)",
        ),
        (
            TEMPLATE_C_RECORD,
            {15: "No"},
            "field 15: commercial support received is No but supporters are listed (fields 59-66)",
        ),
        (TEMPLATE_D_RECORD, {3: " "}, "field 3: the Provider Activity ID is required"),
        (TEMPLATE_D_RECORD, {11: ""}, "field 11: the activity type is required"),
        (
            TEMPLATE_D_RECORD,
            {21: "?"},
            "field 21: '?' is not Yes or No (Changes in Patient Outcomes evaluated?)",
        ),
        (
            TEMPLATE_D_RECORD,
            {15: "Yes"},
            "field 15: commercial support received is Yes but no supporter is listed "
            "(fields 48-55)",
        ),
    ],
)
def test_pars_template_bad_field_is_a_row_error_naming_the_field(record, change, reason):
    (row,) = list(parse_pars(template_line(record, change)))
    assert row.data is None and row.error is not None and row.error.startswith(reason)


def test_pars_template_record_with_a_bad_date_is_refused_by_the_record_check():
    (row,) = list(parse_pars(template_line(TEMPLATE_D_RECORD, {6: "13/45/2015"})))
    assert row.data is not None
    with pytest.raises(RecordError) as info:
        activity_record(row.data)
    assert info.value.field == "start_date" and "is not a date" in info.value.message


@pytest.mark.parametrize("marker", ["Template B", "Template E", "Template"])
def test_pars_unknown_template_is_rejected_listing_the_supported_layouts(marker):
    (row,) = list(parse_pars(template_line(TEMPLATE_D_RECORD, {1: marker})))
    assert row.data is None and row.error is not None
    assert row.error.startswith(
        f"field 1: {marker!r} is an ACCME template layout cmepath does not read; supported: "
        "the Reporting Year 2010 layout"
    )
    assert "Template C (58 fields + 8 per commercial supporter)" in row.error
    assert "Template D (47 fields + 8 per commercial supporter)" in row.error


def test_pars_template_marker_ignores_case_and_spacing():
    (row,) = list(parse_pars(template_line(TEMPLATE_D_RECORD, {1: " template  d "})))
    assert row.error is None and row.data is not None


@pytest.mark.parametrize(
    ("change", "field", "fragment"),
    [
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
    ],
)
def test_record_errors_name_the_field(change, field, fragment):
    data = {
        "provider_activity_id": "A",
        "title": "T",
        "format": "course",
        "delivery": "online",
        "start_date": "2027-01-01",
        "end_date": "2027-01-02",
        "credits": "ama_pra_1:1",
    }
    data.update(change)
    with pytest.raises(RecordError) as info:
        activity_record(data)
    assert info.value.field == field
    assert fragment in info.value.message


def test_record_accepts_labels_aliases_and_other_spellings():
    record = activity_record(
        {
            "ID": "A",
            "Title": "T",
            "type": "Regularly scheduled series",
            "delivery": "in person",
            "start": "03/01/2027",
            "end": "2027-03-01",
            "state": "ca",
            "fee": "$1,250.00",
            "topics": "Opioid prescribing; implicit bias",
            "professions": "md, np",
            "credits": [{"type": "AANP", "amount": 10, "pharmacology_hours": 3}],
            "support": [{"source": "Acme", "kind": "in-kind", "amount": 0}],
            "provider": "X",
        }
    )
    assert (record.format, record.delivery, record.state, record.cost) == (
        "rss",
        "live",
        "CA",
        Decimal("1250.00"),
    )
    assert record.topics == ("opioid_prescribing", "implicit_bias")
    assert record.professions == ("MD", "NP")
    assert record.credits[0].pharmacology_hours == Decimal("3.00")
    assert record.commercial_support[0].kind == "in_kind"


@pytest.mark.parametrize(
    ("name", "fmt"), [("a.CSV", "csv"), ("b.json", "json"), ("pars.txt", "pars"), ("x.xlsx", None)]
)
def test_guess_format(name, fmt):
    assert guess_format(name) == fmt
