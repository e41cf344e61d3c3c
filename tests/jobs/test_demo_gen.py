"""The synthetic job board: deterministic, labelled, valid, and shaped by the sourced figures."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter

import pytest

from cmepath.accounts.taxonomy import load_taxonomy
from cmepath.jobs import compacts, demo, paylaw, reference, validation
from cmepath.jobs.choices import (
    CME_EXPENSES,
    CREDENTIALS,
    VISAS,
    BoardRequirement,
    CallType,
    CareerTrack,
    EmploymentModel,
    Malpractice,
    SalaryUnit,
    Schedule,
    Setting,
    Tail,
)
from cmepath.jobs.models import Employer, Vacancy

TODAY = dt.date(2026, 12, 15)
BOOKKEEPING = {
    "id",
    "employer",
    "dedupe_key",
    "duplicate_of",
    "review_note",
    "created_by",
    "created_at",
    "updated_at",
}
_HINT = {"MD": "MD/DO", "DO": "MD/DO", "NP": "NP", "PA": "PA", "RN": "RN", "PharmD": "PharmD"}


@pytest.fixture(scope="module")
def board() -> demo.DemoJobs:
    return demo.generate(today=TODAY)


@pytest.fixture(scope="module")
def rows(board: demo.DemoJobs) -> list[dict]:
    return board.vacancies


def _states(v: dict) -> list[str]:
    return v["remote_states"] or [v["state"]]


def _share(items: list[dict], test) -> float:
    return sum(1 for v in items if test(v)) / len(items)


# --- shape and determinism --------------------------------------------------------------------


def test_counts_and_status(board):
    assert len(board.employers) == 150
    assert len(board.vacancies) == 4600
    assert {v["status"] for v in board.vacancies} == {"published"}
    assert {v["employer_index"] for v in board.vacancies} <= set(range(150))


def test_same_seed_and_day_give_byte_identical_output(board):
    again = demo.generate(today=TODAY)
    assert repr(again) == repr(board)


def test_another_seed_or_day_gives_another_board(board):
    assert demo.generate(vacancies=200, employers=60, seed=7, today=TODAY) != demo.generate(
        vacancies=200, employers=60, seed=8, today=TODAY
    )
    other_day = demo.generate(vacancies=200, employers=60, today=TODAY + dt.timedelta(days=1))
    assert other_day.vacancies[0]["posted_on"] != board.vacancies[0]["posted_on"] or (
        other_day.vacancies[0]["expires_on"] != board.vacancies[0]["expires_on"]
    )


def test_keys_are_the_model_field_names(board):
    employer_fields = {f.name for f in Employer._meta.concrete_fields}
    assert set(board.employers[0]) <= employer_fields
    assert set(board.employers[0]) == {
        "name", "legal_name", "ein", "npi", "address", "city", "state", "zip_code", "website",
        "cme_policy", "synthetic",
    }  # fmt: skip
    vacancy_fields = {f.name for f in Vacancy._meta.concrete_fields} - BOOKKEEPING
    for v in board.vacancies[:50]:
        assert set(v) == vacancy_fields | {"employer_index"}


def test_small_boards_and_too_few_employers():
    small = demo.generate(vacancies=60, employers=54, today=TODAY)
    assert len(small.vacancies) == 60 and len(small.employers) == 54
    assert {v["state"] for v in small.vacancies if v["state"]} == set(demo.JURISDICTIONS)
    with pytest.raises(ValueError, match="employers must be at least 54"):
        demo.generate(employers=53, today=TODAY)
    with pytest.raises(ValueError, match="vacancies must be at least 51"):
        demo.generate(vacancies=50, today=TODAY)


# --- labelled synthetic -----------------------------------------------------------------------


def test_every_listing_and_employer_is_labelled_synthetic(board):
    for v in board.vacancies:
        assert demo.SYNTHETIC_LABEL in v["title"]
        assert v["description"].startswith("Synthetic demo listing")
    for e in board.employers:
        assert e["synthetic"] is True
        assert re.fullmatch(r"https://[a-z0-9-]+\.example\.org", e["website"])
        assert re.fullmatch(r"00-\d{7}", e["ein"])  # prefix 00 is never issued
        assert e["npi"] == ""
    assert len({e["name"] for e in board.employers}) == 150


# --- coverage and mix -------------------------------------------------------------------------


def test_at_least_thirty_specialties_all_shipped_and_matching_the_profession(rows):
    taxonomy = load_taxonomy()
    specialties = {v["specialty"] for v in rows if v["specialty"]}
    assert len(specialties) >= 30
    for v in rows:
        if v["profession"] == "CRNA":
            assert v["specialty"] == ""  # no CRNA code in our taxonomy subset
        else:
            assert taxonomy[v["specialty"]].profession_hint == _HINT[v["profession"]]


def test_all_fifty_states_and_dc_have_on_site_vacancies(rows):
    on_site = {v["state"] for v in rows if not v["remote"]}
    assert on_site == set(demo.JURISDICTIONS)
    assert len(on_site) == 51


def test_nurse_practitioners_are_the_largest_profession(rows):
    counts = Counter(v["profession"] for v in rows)
    assert counts.most_common(1)[0][0] == "NP"
    assert set(counts) == set(reference.PROFESSIONS)
    # physicians (MD + DO) weigh more than NPs in aggregate, spread over many specialties
    assert counts["MD"] + counts["DO"] > counts["NP"]


def test_family_medicine_is_the_most_posted_physician_specialty(rows):
    physicians = Counter(v["specialty"] for v in rows if v["profession"] in ("MD", "DO"))
    assert physicians.most_common(1)[0][0] == "207Q00000X"


def test_remote_and_locum_shares(rows):
    assert 0.05 <= _share(rows, lambda v: v["remote"]) <= 0.08
    assert 0.08 <= _share(rows, lambda v: v["employment_model"] == "locum") <= 0.10


def test_remote_vacancies_are_remote_only(rows):
    for v in rows:
        if v["remote"]:
            assert v["remote_states"] and v["zip_code"] == "" and v["state"] == ""
            assert v["latitude"] is None and v["setting"] == "telehealth"
            assert "Fully remote (100% telehealth)" in v["description"]
        else:
            assert v["remote_states"] == [] and re.fullmatch(r"\d{5}", v["zip_code"])
            assert v["latitude"] is not None and v["longitude"] is not None
        assert v["licence_states"] == _states(v)


def test_duplicates_are_a_handful_of_re_posts(rows):
    keys = Counter(
        (v["employer_index"], v["title"], "remote" if v["remote"] else v["city"], v["state"])
        for v in rows
    )
    extra = sum(n - 1 for n in keys.values() if n > 1)
    assert 0.005 * len(rows) <= extra <= 0.02 * len(rows)


# --- pay -------------------------------------------------------------------------------------


def test_every_vacancy_in_or_open_to_a_pay_law_state_shows_a_range(rows):
    covered = [v for v in rows if paylaw.laws_requiring_range(_states(v), TODAY)]
    assert len(covered) > 500
    for v in covered:
        assert v["salary_min"] is not None and v["salary_max"] is not None
        assert validation.pay_law_problem(v, on=TODAY) is None
    others = [v for v in rows if v not in covered]
    assert 0.80 <= _share(others, lambda v: v["salary_min"] is not None) <= 0.90


def test_ranges_are_ordered_and_hourly_only_for_per_diem_nurses(rows):
    for v in rows:
        if v["salary_min"] is not None:
            assert 0 < v["salary_min"] <= v["salary_max"]
        if v["salary_unit"] == "HOUR":
            assert (v["profession"], v["schedule"]) == ("RN", "per_diem")
            assert v["salary_min"] is None or 20 < v["salary_min"] < 150
        else:
            assert v["salary_unit"] == "YEAR"


def test_nurse_and_pharmacist_pay_centres_on_the_state_median(rows):
    socs = {"RN": "29-1141", "NP": "29-1171", "PA": "29-1071", "PharmD": "29-1051"}
    checked = 0
    for v in rows:
        full_year = v["schedule"] == "full_time" and v["salary_unit"] == "YEAR"
        if v["profession"] in socs and full_year and not v["remote"] and v["salary_min"]:
            median = reference.median_wage(socs[v["profession"]], v["state"])
            centre = float(v["salary_min"] + v["salary_max"]) / 2
            assert median * 0.93 <= centre <= median * 1.07
            spread = float(v["salary_max"] - v["salary_min"]) / centre
            assert 0.18 <= spread <= 0.32  # +/- 10-15%, rounded
            checked += 1
    assert checked > 1000


def test_physician_pay_centres_on_the_doximity_average_or_the_fallback(rows):
    for v in rows:
        full_year = v["schedule"] == "full_time" and v["salary_unit"] == "YEAR"
        if v["profession"] in ("MD", "DO") and full_year and v["salary_min"]:
            average, _ = reference.physician_estimate(v["specialty"])
            centre = float(v["salary_min"] + v["salary_max"]) / 2
            assert average * 0.93 <= centre <= average * 1.07


# --- incentives and benefits -----------------------------------------------------------------


def test_sign_on_and_relocation_follow_the_sourced_prevalence(rows):
    eligible = [
        v
        for v in rows
        if v["profession"] in ("MD", "DO", "NP", "PA", "CRNA")
        and not v["remote"]
        and v["employment_model"] != "locum"
    ]
    assert 0.88 <= _share(eligible, lambda v: v["sign_on_bonus"] is not None) <= 0.96
    assert 0.72 <= _share(eligible, lambda v: v["relocation"] is not None) <= 0.84
    for v in rows:
        if v["sign_on_bonus"] is not None:
            assert v in eligible or v["profession"] in ("MD", "DO", "NP", "PA", "CRNA")
            assert v["sign_on_clawback_months"] == 24
        else:
            assert v["sign_on_clawback_months"] is None
    physicians = [v for v in eligible if v["profession"] in ("MD", "DO") and v["sign_on_bonus"]]
    mean = sum(float(v["sign_on_bonus"]) for v in physicians) / len(physicians)
    assert 28_000 <= mean <= 34_000  # average $31,000


def test_loan_repayment_and_nhsc_sites(rows):
    physicians = [v for v in rows if v["profession"] in ("MD", "DO")]
    assert 0.22 <= _share(physicians, lambda v: v["loan_repayment"] is not None) <= 0.32
    nhsc = [v for v in rows if v["nhsc_site"]]
    assert nhsc and all(v["setting"] == "community" and 8 <= v["hpsa_score"] <= 25 for v in nhsc)
    assert all(v["hpsa_score"] is None for v in rows if not v["nhsc_site"])


def test_visas_for_about_one_physician_in_ten(rows):
    physicians = [v for v in rows if v["profession"] in ("MD", "DO")]
    assert 0.06 <= _share(physicians, lambda v: bool(v["visas"])) <= 0.14
    for v in rows:
        assert set(v["visas"]) <= set(VISAS)
        if v["visas"]:
            assert v["profession"] in ("MD", "DO")


@pytest.mark.parametrize(
    ("profession", "low", "high", "days"),
    [("MD", 3500, 5000, (1, 6)), ("NP", 1000, 5000, (1, 6)), ("RN", 200, 750, (6, 6))],
)
def test_cme_allowance_and_days_within_the_published_ranges(rows, profession, low, high, days):
    for v in rows:
        if v["profession"] != profession:
            continue
        if v["employment_model"] == "locum":
            assert v["cme_allowance"] is None
            continue
        assert low <= v["cme_allowance"] <= high
        if v["cme_days"] is not None:
            assert days[0] <= v["cme_days"] <= days[1]
        assert set(v["cme_expenses"]) <= set(CME_EXPENSES)


def test_credentials_and_board_requirements(rows):
    for v in rows:
        assert set(v["credentials"]) <= set(CREDENTIALS)
        if "DEA" in v["credentials"]:
            assert v["profession"] in ("MD", "DO", "NP", "PA")
        if v["profession"] in ("MD", "DO"):
            assert v["board_requirement"] in ("eligible", "certified")
        else:
            assert v["board_requirement"] == "none"
    hospital = [v for v in rows if v["setting"] == "hospital" and v["career_track"] == "clinical"]
    assert _share(hospital, lambda v: "BLS" in v["credentials"]) > 0.9


def test_compact_licences_only_for_nurses_in_compact_states(rows):
    nlc = compacts.practice_states("RN")
    compact = [v for v in rows if v["compact_accepted"]]
    assert compact
    assert all(v["profession"] == "RN" and set(_states(v)) <= nlc for v in compact)


def test_career_tracks_and_their_titles(rows):
    tracks = Counter(v["career_track"] for v in rows)
    assert tracks.most_common(1)[0][0] == "clinical"
    assert tracks["clinical"] / len(rows) >= 0.85
    assert {"leadership", "quality", "informatics", "education"} <= set(tracks)
    words = {
        "leadership": (
            "Medical Director", "Chief Medical Officer", "Nurse Manager", "Director", "Manager",
            "Chief Nurse Anesthetist",
        ),
        "quality": ("Quality Lead",),
        "informatics": ("Clinical Informaticist",),
        "education": ("Program Director", "Educator"),
    }  # fmt: skip
    for v in rows:
        if v["career_track"] in words:
            assert any(w in v["title"] for w in words[v["career_track"]]), v["title"]
        if v["career_track"] == "leadership":
            assert v["soc_code"] == "11-9111"
    titles = " ".join(v["title"] for v in rows)
    for needed in ("Medical Director", "Chief Medical Officer", "Nurse Manager"):
        assert needed in titles


def test_choice_fields_use_the_model_choices(rows):
    allowed = {
        "setting": Setting.values,
        "career_track": CareerTrack.values,
        "employment_model": EmploymentModel.values,
        "schedule": Schedule.values,
        "call_type": CallType.values,
        "salary_unit": SalaryUnit.values,
        "board_requirement": BoardRequirement.values,
        "malpractice": Malpractice.values,
        "tail": Tail.values,
    }
    for v in rows:
        for field, values in allowed.items():
            assert v[field] in values, (field, v[field])
        assert v["soc_code"] in reference.SOC_CODES
        if v["call_ratio"] is not None:
            assert v["profession"] in ("MD", "DO") and v["call_type"] != "none"


# --- dates and model constraints --------------------------------------------------------------


def test_dates_and_model_constraints(rows):
    for v in rows:
        assert TODAY - dt.timedelta(days=45) < v["posted_on"] <= TODAY
        assert v["expires_on"] > v["posted_on"] and v["expires_on"] > TODAY
        assert 30 <= (v["expires_on"] - v["posted_on"]).days <= 120
        assert v["remote"] or v["zip_code"]
        if v["start_date"] is not None:
            assert v["start_date"] > v["posted_on"]


def test_every_vacancy_passes_the_vacancy_rules(rows):
    # Given the fields an author sets, as the form, API and importer hand them over
    for v in rows:
        values = {name: v[name] for name in validation.VACANCY_FIELDS}
        # When they are checked
        cleaned = validation.clean_vacancy(values, today=TODAY)
        # Then nothing is refused and the location filled from the ZIP is ours
        assert (cleaned["state"], cleaned["city"]) == (v["state"], v["city"])
        assert (cleaned["latitude"], cleaned["longitude"]) == (v["latitude"], v["longitude"])
        assert cleaned["licence_states"] == v["licence_states"]
