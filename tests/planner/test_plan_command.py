"""``cmepath plan`` end to end on small files (no database)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

AS_OF = "2027-01-01"
COLUMNS = [
    "provider_activity_id",
    "title",
    "format",
    "delivery",
    "start_date",
    "end_date",
    "cost",
    "state",
    "credits",
    "professions",
    "competencies",
    "pi_component",
    "accreditor",
]


def _row(
    aid,
    cost,
    *,
    comps="leadership",
    credits="ama_pra_1:10",
    fmt="internet_enduring",
    delivery="online",
    start="2027-03-01",
    end=None,
    state="",
    professions="MD",
    pi="no",
):
    return {
        "provider_activity_id": aid,
        "title": f"Activity {aid}",
        "format": fmt,
        "delivery": delivery,
        "start_date": start,
        "end_date": end or start,
        "cost": str(cost),
        "state": state,
        "credits": credits,
        "professions": professions,
        "competencies": comps,
        "pi_component": pi,
        "accreditor": "ACCME",
    }


#: Hand-checkable catalog for an MD without licences (no requirement is due), goal CMO over
#: 12 months, $500 and no paid days: X2 + X3 ($490, 20 h of leadership) beat X1 alone ($450,
#: 10 h); X4 is for NPs only, X6 starts before the plan, X7 after it; the free PI project P1
#: is the goal's practice-improvement item; L1 (free, 20 h, in NY: 2 days + 1 travel day)
#: needs paid days.
CATALOG = [
    _row("X1", 450),
    _row("X2", 250),
    _row("X3", 240),
    _row("X4", 100, professions="NP"),
    _row("X6", 10, start="2026-12-01"),
    _row("X7", 10, start="2028-02-01"),
    _row(
        "P1",
        0,
        comps="quality_patient_safety",
        fmt="performance_improvement",
        pi="yes",
        start="2027-02-01",
        end="2027-06-30",
    ),
    _row(
        "L1",
        0,
        credits="ama_pra_1:20",
        fmt="course",
        delivery="live",
        state="NY",
        start="2027-05-03",
        end="2027-05-04",
    ),
]


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS)
        w.writeheader()
        w.writerows(rows)
    return path


@pytest.fixture
def files(tmp_path):
    profile = {
        "profession": "MD",
        "career_goal": "Chief medical officer",
        "cme_allowance": 500,
        "paid_cme_days": 0,
        "home_state": "CA",
    }
    (tmp_path / "profile.json").write_text(json.dumps(profile))
    write_csv(tmp_path / "catalog.csv", CATALOG)
    return tmp_path


def plan(files: Path, *extra: str, profile: str = "profile.json", catalog: str = "catalog.csv"):
    out = StringIO()
    call_command(
        "plan",
        "--profile",
        str(files / profile),
        "--catalog",
        str(files / catalog),
        "--as-of",
        AS_OF,
        "--horizon-months",
        "12",
        "--json",
        *extra,
        stdout=out,
    )
    return json.loads(out.getvalue())


def test_the_known_optimum_and_the_json_fields(files):
    doc = plan(files)
    assert doc["status"] in ("optimal", "within_gap")
    assert sorted(i["activity_id"] for i in doc["items"]) == ["P1", "X2", "X3"]
    assert doc["totals"] == {"cost": 490.0, "days": 0.0}
    assert doc["gap"] <= 0.01 and doc["bound"] >= doc["objective"] - 1e-6
    assert doc["greedy_objective"] <= doc["objective"] + 1e-6
    first = doc["items"][0]
    assert set(first) >= {
        "activity_id",
        "title",
        "start_date",
        "end_date",
        "cost",
        "days",
        "counts_toward",
        "why",
    }
    assert all(i["counts_toward"] == {} for i in doc["items"])  # no licence: nothing due
    assert doc["goal"]["key"] == "cmo" and doc["goal"]["credential"]["name"].startswith("AAPL")
    leadership = next(c for c in doc["coverage"]["competencies"] if c["key"] == "leadership")
    assert leadership == {
        "key": "leadership",
        "label": "Leadership",
        "target": 45.0,
        "planned": 20.0,
    }
    assert doc["explanation"] and all(isinstance(s, str) for s in doc["explanation"])
    assert doc["binding"] == []


def test_paid_days_let_the_out_of_state_live_course_in(files):
    doc = plan(files, "--days", "3")
    ids = {i["activity_id"] for i in doc["items"]}
    assert "L1" in ids
    live = next(i for i in doc["items"] if i["activity_id"] == "L1")
    assert live["days"] == 3.0  # 2 days of teaching + 1 travel day (NY from CA)
    assert doc["totals"]["days"] == 3.0


def test_flags_override_the_profile_and_goal(files):
    doc = plan(files, "--budget", "1000", "--goal", "quality_lead")
    assert doc["goal"]["key"] == "quality_lead" and doc["budget_per_year"] == 1000.0
    assert "P1" in {i["activity_id"] for i in doc["items"]}


def test_a_requirement_due_is_covered_and_counted(files):
    profile = json.loads((files / "profile.json").read_text())
    profile["licences"] = [
        {"state": "CA", "profession": "MD", "issue_date": "2015-01-01", "expiry_date": "2027-06-30"}
    ]
    (files / "licensed.json").write_text(json.dumps(profile))
    doc = plan(files, "--budget", "2000", profile="licensed.json")
    needs = {c["key"]: c for c in doc["coverage"]["needs"]}
    assert "ca-md:total" in needs
    if doc["status"] != "infeasible":
        assert needs["ca-md:total"]["planned"] >= needs["ca-md:total"]["target"]
        counted = sum(i["counts_toward"].get("ca-md:total", 0) for i in doc["items"])
        assert counted >= needs["ca-md:total"]["target"]


def test_human_output_is_a_table_and_the_explanation(files):
    out = StringIO()
    call_command(
        "plan",
        "--profile",
        str(files / "profile.json"),
        "--catalog",
        str(files / "catalog.csv"),
        "--as-of",
        AS_OF,
        "--horizon-months",
        "12",
        stdout=out,
    )
    text = out.getvalue()
    assert "Chief medical officer or physician executive" in text
    assert "Activity X2 (X2)" in text and "Coverage" in text and "Leads to: AAPL" in text


def test_a_json_catalog_is_read_too(files):
    (files / "catalog.json").write_text(json.dumps({"activities": CATALOG}))
    doc = plan(files, catalog="catalog.json")
    assert sorted(i["activity_id"] for i in doc["items"]) == ["P1", "X2", "X3"]


# ------------------------------------------------------------------ bad input


def _fails(files, *extra, **kw) -> str:
    with pytest.raises(CommandError) as exc:
        plan(files, *extra, **kw)
    assert exc.value.returncode == 2
    return str(exc.value)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (("--goal", "cmoo"), "--goal: unknown career goal 'cmoo': did you mean 'cmo'? accepted: "),
        (("--goal", "astronaut"), "accepted: nurse_leader, informaticist, cmo"),
        (("--budget", "-5"), "--budget: -5 is negative"),
        (("--days", "-1"), "--days: -1 is negative"),
        (("--budget", "lots"), "--budget: 'lots' is not a number"),
        (("--horizon-months", "0"), "--horizon-months: 0 is outside 1-60 months"),
        (("--horizon-months", "1.5"), "--horizon-months: '1.5' is not a whole number"),
        (("--as-of", "2027-13-01"), "--as-of: '2027-13-01' is not a valid date"),
    ],
)
def test_bad_flags_name_the_flag(files, extra, expected):
    assert expected in _fails(files, *extra)


def test_an_empty_catalog_is_refused(files):
    write_csv(files / "empty.csv", [])
    assert "empty.csv: no activities in it" in _fails(files, catalog="empty.csv")
    (files / "nothing.csv").write_text("")
    assert "The file is empty" in _fails(files, catalog="nothing.csv")


def test_a_row_the_importer_rejects_names_its_line_and_field(files):
    bad = [*CATALOG[:2], _row("B1", 10, fmt="webinar"), *CATALOG[2:]]
    write_csv(files / "bad.csv", bad)
    assert _fails(files, catalog="bad.csv").startswith("catalog line 4: format: ")
    write_csv(files / "bad2.csv", [_row("B2", 10, credits="ama_pra_9:3")])
    assert "catalog line 2: credits: unknown credit type" in _fails(files, catalog="bad2.csv")
    write_csv(files / "bad3.csv", [_row("B3", 10, start="2027-03-05", end="2027-03-01")])
    assert "catalog line 2: end_date: " in _fails(files, catalog="bad3.csv")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"profession": None}, "profile: missing required field 'profession'"),
        ({"carreer_goal": "cmo"}, "profile: unknown field 'carreer_goal'"),
        ({"cme_allowance": -3}, "profile.cme_allowance: expected a number of 0 or more"),
        ({"paid_cme_days": "two"}, "profile.paid_cme_days: expected a number"),
        ({"review_date": "soon"}, "profile.review_date: 'soon' is not a valid date"),
        ({"home_state": "California"}, "profile.home_state: unknown state code"),
        ({"career_goal": "astronaut"}, "profile.career_goal: 'astronaut' names no goal"),
        ({"profession": "MDD"}, "profile.profession: unknown profession 'MDD'"),
    ],
)
def test_a_profile_that_fails_its_schema_names_the_field(files, change, expected):
    profile = json.loads((files / "profile.json").read_text())
    for key, value in change.items():
        if value is None:
            profile.pop(key)
        else:
            profile[key] = value
    (files / "bad-profile.json").write_text(json.dumps(profile))
    assert expected in _fails(files, profile="bad-profile.json")


def test_the_console_script_exits_2_without_a_traceback(files):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "cmepath.settings.test"}
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "cmepath.cli",
            "plan",
            "--profile",
            str(files / "profile.json"),
            "--catalog",
            str(files / "catalog.csv"),
            "--budget",
            "-1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 2
    assert "--budget: -1 is negative" in proc.stderr and "Traceback" not in proc.stderr
