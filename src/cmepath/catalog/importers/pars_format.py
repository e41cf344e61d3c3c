"""PARS activity files: ACCME's tab-delimited batch layouts (Reporting Year 2010 and the
"Template C" / "Template D" templates), one activity per line, no header.

Field numbers, the supporter blocks and the activity types are mapped to cmepath's field
names here; ``records.activity_record`` then checks the values like any other row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .rows import ImportFileError, ParsedRow

#: PARS: fields 1-35 once per activity, then 8 fields (36-43) per commercial supporter
#: (ACCME: "at least 43 fields", "fields 36-43 are repeated for multiple sources of support").
PARS_BASE_FIELDS = 35
PARS_SUPPORT_FIELDS = 8
PARS_MIN_FIELDS = PARS_BASE_FIELDS + PARS_SUPPORT_FIELDS

#: The PARS activity record by 1-based field number: ACCME's tab-delimited layout for
#: Reporting Year 2010 (35 fields, then fields 36-43 once per commercial supporter), as a
#: provider's PARS export writes it (docs/catalog-import.md cites the source and maps every
#: field). ``None`` = read but not stored.
PARS_FIELDS: dict[int, str | None] = {
    1: "_reporting_year",
    2: "provider_activity_id",
    3: None,  # ACCME Activity ID (PARS's own number; cmepath matches on field 2)
    4: "title",
    5: "_activity_date",
    6: "city",
    7: "state",
    8: "_country",
    9: None,  # sponsorship (Direct / Joint)
    10: "_activity_type",
    11: None,  # hours of instruction
    12: None,  # number of physicians
    13: None,  # number of non-physicians
    14: "_support_received",
    15: None,  # total value of commercial support received (monetary or in-kind)
    16: None,  # number of commercial supporters
    17: "_dtc_competence",
    18: "_eval_competence",
    19: "_dtc_performance",
    20: "_eval_performance",
    21: "_dtc_patient_outcomes",
    22: "_eval_patient_outcomes",
    **dict.fromkeys(range(23, 30)),  # sub-categories: case-based discussion ... other
    30: None,  # joint sponsor
    31: "_ama_pra_1",
    32: "description",
    33: None,  # advertising & exhibit income
    34: None,  # other income
    35: None,  # expenses
}
#: Names of the stored 2010 fields, for row errors.
_PARS_2010_LABELS = {
    1: "Reporting Year",
    2: "Provider Activity ID",
    4: "Activity Title",
    5: "Activity Date",
    6: "City",
    7: "State",
    8: "Country",
    10: "Activity Type",
    14: "Commercial Support Received?",
    17: "Designed to change Competence?",
    18: "Changes in Competence evaluated?",
    19: "Designed to change Performance?",
    20: "Changes in Performance evaluated?",
    21: "Designed to change Patient Outcomes?",
    22: "Changes in Patient Outcomes evaluated?",
    31: "Number of AMA PRA Category 1 Credits Designated",
    32: "Description of Content",
}

# ACCME's template layouts, as jfrux/accme_lib lib/accme_lib/pars/serializer.rb (commit
# 6d00f69) writes them: its ``headings`` and ``data`` methods, labels verbatim from its
# ATTR_LABELS. Field 1 holds the template name ("Template C" for Reporting Year 2014,
# "Template D" for 2015). Both start with the same 15 fields; Template C then has 8
# activity-level commercial support fields and 3 income/expense fields that Template D drops.
_T_START: tuple[tuple[str, str | None], ...] = (
    ("Template (DO NOT ALTER OR DELETE THIS COLUMN)", "_template"),
    ("ACCME Activity ID", None),  # PARS's own number; cmepath matches on Provider Activity ID
    ("Provider Activity ID", "provider_activity_id"),
    ("Reporting Year", "_reporting_year"),
    ("Activity Title", "title"),
    ("Activity Date", "_activity_date"),  # strftime("%m/%d/%Y")
    ("City", "city"),
    ("State", "state"),
    ("Country", "_country"),  # ISO 3166 alpha-3 ("USA"); blank unless the type is C or RSS
    ("Providership", None),  # Direct / Joint
    ("Activity Type", "_activity_type"),
    ("Hours of Instruction", None),
    ("# of Physicians", None),
    ("# of Other Learners", None),
    ("Commercial Support Received?", "_support_received"),
)
_T_ACTIVITY_SUPPORT: tuple[
    tuple[str, str | None], ...
] = (  # Template C only; all blank when field 15 is No
    ("# of Commercial Supporters", None),
    ("Total Monetary Amount Received (Activity)", None),
    ("In Kind Support Received - Durable equipment? (Activity)", None),
    ("In Kind Support Received - Facilities / Space?  (Activity)", None),
    ("In Kind Support Received - Disposable supplies (Non-biological)? (Activity)", None),
    ("In Kind Support Received - Animal parts or tissue? (Activity)", None),
    ("In Kind Support Received - Human parts or tissue? (Activity)", None),
    ("In Kind Support Received - Other? (Activity)", None),
)
_T_CHANGE: tuple[tuple[str, str | None], ...] = (
    ("Designed to change Competence?", "_dtc_competence"),
    ("Changes in Competence evaluated?", "_eval_competence"),
    ("Designed to change Performance?", "_dtc_performance"),
    ("Changes in Performance evaluated?", "_eval_performance"),
    ("Designed to change Patient Outcomes?", "_dtc_patient_outcomes"),
    ("Changes in Patient Outcomes evaluated?", "_eval_patient_outcomes"),
    ("Sub-category: Case based discussion", None),
    ("Sub-category: Lecture", None),
    ("Sub-category: Panel", None),
    ("Sub-category: Simulation", None),
    ("Sub-category: Skill-based training", None),
    ("Sub-category: Small group discussion", None),
    ("Sub-category: Other", None),
    ("Joint Provider(s)", None),
    ("Number of AMA PRA Category 1 CreditsTM Designated", "_ama_pra_1"),
    ("Description of Content", "description"),
)
_T_FINANCE: tuple[tuple[str, str | None], ...] = (  # Template C only
    ("Advertising & Exhibit Income (Activity)", None),
    ("Other Income (Activity)", None),
    ("Expenses (Activity)", None),
)
#: Yes/No competency flags. cmepath's competency vocabulary (leadership, finance, ...) is a
#: different list, so these are read but not stored.
_T_COMPETENCIES: tuple[tuple[str, str | None], ...] = (
    ("ABMS/ACGME - Patient Care and Procedural Skills", None),
    ("ABMS/ACGME - Medical Knowledge", None),
    ("ABMS/ACGME - Practice-based Learning and Improvement", None),
    ("ABMS/ACGME - Interpersonal and Communication Skills", None),
    ("ABMS/ACGME - Professionalism", None),
    ("ABMS/ACGME - Systems-based Practice", None),
    ("Institute of Medicine - Provide patient-centered care", None),
    ("Institute of Medicine - Work in interdisciplinary teams", None),
    ("Institute of Medicine - Employ evidence-based practice", None),
    ("Institute of Medicine - Apply quality improvement", None),
    ("Institute of Medicine - Utilize informatics", None),
    (
        "Interprofessional Education Collaborative - Values/Ethics for Interprofessional Practice",
        None,
    ),
    ("Interprofessional Education Collaborative - Roles/Responsibilities", None),
    ("Interprofessional Education Collaborative - Interprofessional Communication", None),
    ("Interprofessional Education Collaborative - Teams and Teamwork", None),
    ("Other Competencies - Competencies other than those listed were addressed", None),
)


@dataclass(frozen=True, slots=True)
class ParsLayout:
    """One PARS record layout: fields 1..``base_fields`` once, then 8 per commercial supporter."""

    name: str
    base_fields: int
    min_fields: int
    fields: dict[
        int, str | None
    ]  # field number -> key (``_`` = checked, not stored; None = skipped)
    labels: dict[int, str]  # field number -> the layout's name for it (row errors)


def _template(name: str, *parts: tuple[tuple[str, str | None], ...]) -> ParsLayout:
    columns = [c for part in parts for c in part]
    return ParsLayout(
        name=name,
        base_fields=len(columns),
        min_fields=len(columns),  # no supporter: no block
        fields={n: key for n, (_, key) in enumerate(columns, start=1)},
        labels={n: label for n, (label, _) in enumerate(columns, start=1)},
    )


PARS_2010 = ParsLayout(
    "the Reporting Year 2010 layout",
    PARS_BASE_FIELDS,
    PARS_MIN_FIELDS,
    PARS_FIELDS,
    _PARS_2010_LABELS,
)
#: Template layouts by the exact text of field 1 (matched ignoring case and extra spaces).
PARS_TEMPLATES: dict[str, ParsLayout] = {
    "Template C": _template(
        "Template C", _T_START, _T_ACTIVITY_SUPPORT, _T_CHANGE, _T_FINANCE, _T_COMPETENCIES
    ),
    "Template D": _template("Template D", _T_START, _T_CHANGE, _T_COMPETENCIES),
}
_TEMPLATE_BY_KEY = {" ".join(k.lower().split()): v for k, v in PARS_TEMPLATES.items()}
#: Within each 8-field supporter block (fields 36-43, 44-51, ...), by offset 0..7; offsets
#: 2-7 are the in-kind questions (durable equipment, facilities/space, disposable supplies,
#: animal parts or tissue, human parts or tissue, other).
PARS_SUPPORT_BLOCK = (
    "source",
    "monetary_amount",
    "in_kind_durable",
    "in_kind_space",
    "in_kind_disposable",
    "in_kind_animal",
    "in_kind_human",
    "in_kind_other",
)
_IN_KIND_LABELS = tuple(
    f"In Kind Support Received - {q}?"
    for q in (
        "Durable equipment",
        "Facilities / Space",
        "Disposable supplies (Non-biological)",
        "Animal parts or tissue",
        "Human parts or tissue",
    )
)
#: PARS activity type (field 10) -> cmepath format and delivery. PARS has no delivery field:
#: courses and series are live, every other type is taken as online (cmepath's convention).
PARS_ACTIVITY_TYPES: dict[str, tuple[str, str]] = {
    "C": ("course", "live"),
    "RSS": ("rss", "live"),
    "IL": ("course", "online"),
    "EM": ("enduring_material", "online"),
    "IEM": ("internet_enduring", "online"),
    "JN": ("journal_based", "online"),
    "MR": ("manuscript_review", "online"),
    "TIW": ("test_item_writing", "online"),
    "CML": ("committee_learning", "online"),
    "PI": ("performance_improvement", "online"),
    "ISL": ("internet_point_of_care", "online"),
    "LFT": ("learning_from_teaching", "online"),
}
#: The same types spelled out, as the PARS screens name them.
_PARS_TYPE_NAMES = {
    "course": "C",
    "regularly scheduled series": "RSS",
    "internet live course": "IL",
    "enduring material": "EM",
    "internet activity enduring material": "IEM",
    "internet enduring material": "IEM",
    "journal-based cme": "JN",
    "journal based cme": "JN",
    "manuscript review": "MR",
    "test item writing": "TIW",
    "committee learning": "CML",
    "performance improvement": "PI",
    "internet searching and learning": "ISL",
    "learning from teaching": "LFT",
}
#: A heading row: the 2010 names, or the template headings ("1. Template (DO NOT ALTER ...").
_HEADER_START = re.compile(
    r"\A\s*(?:\d+\.\s*)?(reporting year|provider activity id|accme activity id"
    r"|template \(do not alter or delete this column\))\s*\Z",
    re.IGNORECASE,
)
_YES = frozenset({"y", "yes", "true", "1", "x"})
_NO = frozenset({"", "n", "no", "false", "0"})
_LEVEL_OF = {"competence": 4, "performance": 5, "patient_outcomes": 6}
_SUPPORTED = (
    "the Reporting Year 2010 layout (no template column: field 1 Reporting Year, "
    "field 2 Provider Activity ID), "
    + ", ".join(
        f"{t.name} ({t.base_fields} fields + 8 per commercial supporter)"
        for t in PARS_TEMPLATES.values()
    )
)


def parse_pars(text: str) -> Iterator[ParsedRow]:
    """Tab-delimited, no header (a first row of column names is skipped).

    Field 1 picks the layout: "Template C" / "Template D" (ACCME's 2014 / 2015 templates),
    another "Template ..." is refused, anything else is the Reporting Year 2010 layout.
    """
    if not text.strip():
        raise ImportFileError("The file is empty; PARS batch files hold one activity per line.")
    return _pars_rows(text)


def _pars_layout(marker: str) -> ParsLayout | str:
    """The layout field 1 names, or the reason it cannot be read."""
    key = " ".join(marker.lower().split())
    if not key.startswith("template"):
        return PARS_2010
    layout = _TEMPLATE_BY_KEY.get(key)
    if layout is None:
        return f"field 1: {marker!r} is an ACCME template layout cmepath does not read; supported: {_SUPPORTED}"
    return layout


def _pars_rows(text: str) -> Iterator[ParsedRow]:
    for number, raw_line in enumerate(text.splitlines(), start=1):
        if not raw_line.strip():
            continue
        fields = raw_line.split("\t")
        if number == 1 and any(_HEADER_START.match(f) for f in fields[:3]):
            continue
        layout = _pars_layout(fields[0].strip())
        if isinstance(layout, str):
            yield ParsedRow(number, None, layout)
            continue
        n = len(fields)
        base = layout.base_fields
        if layout is PARS_2010:
            if n < PARS_MIN_FIELDS:
                yield ParsedRow(
                    number,
                    None,
                    f"PARS record has {n} fields; at least {PARS_MIN_FIELDS} are required",
                )
                continue
            if (n - base) % PARS_SUPPORT_FIELDS:
                yield ParsedRow(
                    number,
                    None,
                    f"PARS record has {n} fields; after field 35 they must come in "
                    f"blocks of {PARS_SUPPORT_FIELDS} (fields 36-43 per supporter)",
                )
                continue
        elif n < layout.min_fields or (n - base) % PARS_SUPPORT_FIELDS:
            step = PARS_SUPPORT_FIELDS
            yield ParsedRow(
                number,
                None,
                f"{layout.name} record has {n} fields; {layout.name} needs {base}, plus "
                f"{step} per commercial supporter (fields {base + 1}-{base + step}, "
                f"{base + step + 1}-{base + 2 * step}, ...): {base}, {base + step}, "
                f"{base + 2 * step}, ... fields",
            )
            continue
        try:
            yield ParsedRow(number, _pars_record(fields, layout))
        except ValueError as exc:
            yield ParsedRow(number, None, str(exc))


def _yn(value: str, field: int, label: str = "") -> bool:
    text = value.strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    raise ValueError(
        f"field {field}: {value!r} is not Yes or No" + (f" ({label})" if label else "")
    )


def _pars_activity_type(value: str, field: int = 10) -> tuple[str, str]:
    code = _PARS_TYPE_NAMES.get(" ".join(value.lower().split()), value.upper())
    if code not in PARS_ACTIVITY_TYPES:
        if not value:
            raise ValueError(f"field {field}: the activity type is required")
        raise ValueError(
            f"field {field}: unknown PARS activity type {value!r} "
            f"(use one of: {', '.join(PARS_ACTIVITY_TYPES)})"
        )
    return PARS_ACTIVITY_TYPES[code]


def _pars_amount(value: str, field: int) -> Decimal:
    try:
        number = Decimal(value.replace(",", "").lstrip("$").strip())
    except InvalidOperation:
        raise ValueError(f"field {field}: {value!r} is not an amount") from None
    if not number.is_finite() or number < 0:
        raise ValueError(f"field {field}: {value!r} is not an amount of 0 or more")
    return number


def _pars_record(fields: list[str], layout: ParsLayout = PARS_2010) -> dict[str, Any]:
    raw = {name: fields[i - 1].strip() for i, name in layout.fields.items() if name}
    num = {name: i for i, name in layout.fields.items() if name}
    year = raw["_reporting_year"]
    if year and not (len(year) == 4 and year.isdigit()):
        raise ValueError(
            f"field {num['_reporting_year']}: reporting year {year!r} is not a year (YYYY)"
        )
    if not raw["provider_activity_id"]:
        raise ValueError(
            f"field {num['provider_activity_id']}: the Provider Activity ID is required "
            "(cmepath matches activities on it)"
        )
    country = raw["_country"].upper()
    if country not in ("", "US", "USA", "UNITED STATES"):
        raise ValueError(
            f"field {num['_country']}: only activities in the United States are listed "
            f"(country {country!r})"
        )
    data: dict[str, Any] = {k: v for k, v in raw.items() if not k.startswith("_")}
    data["format"], data["delivery"] = _pars_activity_type(
        raw["_activity_type"], num["_activity_type"]
    )
    # One activity date in PARS: it is both the start and the end date.
    data["start_date"] = data["end_date"] = raw["_activity_date"]
    data["credits"] = f"ama_pra_1:{raw['_ama_pra_1']}" if raw["_ama_pra_1"] else ""
    targets: list[str] = []
    evaluated: list[str] = []
    for target in ("competence", "performance", "patient_outcomes"):
        for prefix, out in (("_dtc_", targets), ("_eval_", evaluated)):
            n = num[prefix + target]
            if _yn(raw[prefix + target], n, layout.labels[n]):
                out.append(target)
    data["designed_to_change"] = targets
    data["outcomes_evaluated"] = bool(evaluated)
    if evaluated:
        # PARS "changes evaluated" maps to Moore levels 4-6 (standards 2.1/2.3)
        data["moore_level"] = max(_LEVEL_OF[t] for t in evaluated)
    base = layout.base_fields
    blocks = f"fields {base + 1}-{base + PARS_SUPPORT_FIELDS}"
    support = []
    for start in range(base, len(fields), PARS_SUPPORT_FIELDS):
        block = [f.strip() for f in fields[start : start + PARS_SUPPORT_FIELDS]]
        if not any(block):
            continue
        first = start + 1  # field number of the supporter's name
        source, monetary, other = block[0], block[1], block[7]
        if not source:
            raise ValueError(
                f"field {first}: a commercial supporter needs a name (Commercial Support Source)"
            )
        money = _pars_amount(monetary, first + 1) if monetary else Decimal(0)
        in_kind = [_yn(v, first + 2 + k, _IN_KIND_LABELS[k]) for k, v in enumerate(block[2:7])]
        in_kind_other = other.lower() not in _NO  # a yes, or a description of the other support
        if money:
            support.append({"source": source, "kind": "monetary", "amount": str(money)})
        if any(in_kind) or in_kind_other:
            # PARS records the nature of in-kind support, never a value (ACCME: do not estimate it)
            support.append({"source": source, "kind": "in_kind", "amount": "0"})
        if not money and not (any(in_kind) or in_kind_other):
            raise ValueError(
                f"field {first}: supporter {source!r} has no monetary amount (field {first + 1}) "
                f"and no in-kind support (fields {first + 2}-{first + 7})"
            )
    flag = num["_support_received"]
    received = _yn(raw["_support_received"], flag, layout.labels[flag])
    if received and not support:
        raise ValueError(
            f"field {flag}: commercial support received is Yes but no supporter is listed ({blocks}); "
            "cmepath needs each supporter's name and monetary amount or in-kind support"
        )
    if not received and support:
        raise ValueError(
            f"field {flag}: commercial support received is No but supporters are listed ({blocks})"
        )
    data["commercial_support"] = support
    return data
