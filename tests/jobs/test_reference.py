"""Sourced reference data: OEWS wages, Doximity physician pay, SOC codes, market facts."""

from __future__ import annotations

import csv

import pytest

from cmepath.accounts.taxonomy import load_taxonomy
from cmepath.core.vocabulary import STATES
from cmepath.jobs import reference

JURISDICTIONS = [code for code in STATES if code != "PR"]
WAGE_SOCS = ("29-1141", "29-1171", "29-1071", "29-1051")


# --- SOC ---------------------------------------------------------------------------------------


def test_soc_codes_cover_the_practitioner_codes_a_vacancy_may_carry():
    codes = reference.SOC_CODES
    for soc in ("29-1141", "29-1151", "29-1171", "29-1071", "29-1051", "11-9111", "29-1229"):
        assert soc in codes
    assert codes["29-1215"] == "Family Medicine Physicians"
    assert codes["29-1216"] == "General Internal Medicine Physicians"
    assert {c for c in codes if c.startswith("29-12")} >= {
        "29-1211", "29-1212", "29-1213", "29-1214", "29-1215", "29-1216", "29-1217", "29-1218",
        "29-1221", "29-1222", "29-1223", "29-1224", "29-1229", "29-1241", "29-1242", "29-1243",
        "29-1249",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("profession", "soc"),
    [("MD", "29-1229"), ("DO", "29-1229"), ("NP", "29-1171"), ("PA", "29-1071"),
     ("RN", "29-1141"), ("PharmD", "29-1051"), ("CRNA", "29-1151")],
)  # fmt: skip
def test_default_soc_per_profession(profession, soc):
    assert reference.default_soc(profession) == soc


def test_default_soc_refuses_an_unknown_profession():
    with pytest.raises(ValueError, match="unknown profession 'Dentist'"):
        reference.default_soc("Dentist")


@pytest.mark.parametrize(
    ("profession", "specialty", "leadership", "soc"),
    [
        ("MD", "207Q00000X", False, "29-1215"),  # family medicine
        ("DO", "207R00000X", False, "29-1216"),  # general internal medicine
        ("MD", "207RI0011X", False, "29-1212"),  # interventional cardiology stays cardiology
        ("MD", "207K00000X", False, "29-1229"),  # allergy: physicians, all other
        ("MD", "207X00000X", False, "29-1242"),
        ("NP", "363LF0000X", False, "29-1171"),
        ("MD", "207Q00000X", True, "11-9111"),  # medical director
        ("RN", "163W00000X", True, "11-9111"),  # nurse manager
    ],
)
def test_soc_for_picks_the_most_specific_code(profession, specialty, leadership, soc):
    assert reference.soc_for(profession, specialty, leadership=leadership) == soc


def test_every_mapped_specialty_is_a_physician_code_we_ship():
    taxonomy = load_taxonomy()
    for code, soc in reference.load_soc().nucc_to_soc.items():
        assert taxonomy[code].profession_hint == "MD/DO", code
        assert soc in reference.SOC_CODES


# --- wages -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("soc", "median", "employment"),
    [("29-1141", 71040, 53340), ("29-1171", 106930, 4730), ("29-1071", 101620, 770),
     ("29-1051", 133930, 5880)],
)  # fmt: skip
def test_alabama_matches_the_may_2024_figures_in_the_reference(soc, median, employment):
    figure = reference.wage(soc, "AL")
    assert figure is not None and not figure.national_fallback
    assert figure.median == median and figure.employment == employment
    assert reference.median_wage(soc, "al") == median


@pytest.mark.parametrize("soc", WAGE_SOCS)
def test_every_state_and_dc_has_a_median_and_mean(soc):
    for state in JURISDICTIONS:
        assert reference.median_wage(soc, state) is not None, state
        assert reference.mean_wage(soc, state) is not None, state


def test_the_file_has_a_row_per_soc_and_jurisdiction():
    rows = reference.load_wages()
    assert set(rows) == {(soc, state) for soc in WAGE_SOCS for state in JURISDICTIONS}


def test_a_suppressed_cell_falls_back_to_the_derived_national_figure():
    # Given Nevada's NP wage, suppressed in the May 2024 state file
    assert reference.load_wages()[("29-1171", "NV")].median is None
    # When it is asked for
    figure = reference.wage("29-1171", "NV")
    # Then the employment-weighted national figure answers, marked as a fallback
    assert figure is not None and figure.national_fallback and figure.state == "US"
    medians = [f.median for f in reference.load_wages().values() if f.soc == "29-1171" and f.median]
    assert min(medians) < figure.median < max(medians)


def test_an_unknown_soc_has_no_wage():
    assert reference.wage("29-1215", "CA") is None
    assert reference.median_wage("29-1215", "CA") is None


def test_the_wage_file_names_the_bls_release_and_the_extract():
    header = [
        line for line in reference.WAGES_FILE.read_text().splitlines() if line.startswith("#")
    ]
    text = "\n".join(header)
    assert "May 2024" in text and "oesm24st" in text
    assert "mz00m/ai-labor-predictions" in text and "state-occupation-employment.json" in text
    assert "national" in text  # the fallback is documented


def test_a_malformed_wage_file_raises_naming_it(tmp_path):
    bad = tmp_path / "wages_bad.csv"
    bad.write_text("soc,state,median\n29-1141,AL,1\n")
    with pytest.raises(ValueError, match="wages_bad.csv: expected columns"):
        reference.load_wages(bad)
    worse = tmp_path / "wages_worse.csv"
    worse.write_text("soc,state,median_annual,mean_annual,employment\n29-1141,AL,lots,1,1\n")
    with pytest.raises(ValueError, match=r"wages_worse.csv: row 1: 'lots' is not a number"):
        reference.load_wages(worse)


# --- physician pay -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "average", "year"),
    [("207T00000X", 763908, 2024), ("207P00000X", 398990, 2024), ("207Q00000X", 273040, 2023),
     ("208000000X", 242832, 2023), ("207RX0202X", 479754, 2024)],
)  # fmt: skip
def test_doximity_averages_by_nucc_code(code, average, year):
    assert reference.physician_average(code) == average
    assert reference.load_physician_pay()[code].report_year == year
    assert reference.physician_estimate(code) == (average, False)


def test_an_unlisted_specialty_uses_the_documented_midpoint():
    assert reference.physician_average("207K00000X") is None
    assert reference.PHYSICIAN_FALLBACK == (273_040 + 398_990) / 2
    assert reference.physician_estimate("207K00000X") == (reference.PHYSICIAN_FALLBACK, True)


def test_every_physician_pay_row_is_a_shipped_physician_code_with_a_source():
    taxonomy = load_taxonomy()
    text = reference.PHYSICIAN_PAY_FILE.read_text()
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    assert len(rows) == len(reference.load_physician_pay()) >= 25
    for row in rows:
        assert taxonomy[row["nucc_code"]].profession_hint == "MD/DO"
        assert row["source_url"].startswith("https://www.becker")
        assert row["report_year"] in ("2023", "2024")


# --- market ------------------------------------------------------------------------------------


def test_nurse_practitioners_weigh_most_of_any_profession():
    weights = reference.market().profession_weights
    assert max(weights, key=weights.__getitem__) == "NP"
    assert set(weights) == set(reference.PROFESSIONS)


def test_incentives_are_the_sourced_figures():
    inc = reference.market().incentives
    assert (inc.sign_on_share, inc.sign_on_physician, inc.sign_on_np_pa) == (0.92, 31000, 9000)
    assert (inc.relocation_share, inc.relocation_physician, inc.relocation_np_pa) == (
        0.78, 10718, 8542,
    )  # fmt: skip
    assert inc.loan_forgiveness_share == 0.26
    assert inc.clawback_months == 24
    assert (inc.guarantee_months_min, inc.guarantee_months_max) == (12, 36)
    assert (inc.nhsc_full_time_primary_care, inc.nhsc_full_time_other) == (75000, 50000)


@pytest.mark.parametrize(
    ("profession", "low", "high", "days"),
    [("MD", 3500, 5000, (1, 6)), ("NP", 1000, 5000, (1, 6)), ("PA", 1000, 5000, (1, 6)),
     ("RN", 200, 750, (6, 6))],
)  # fmt: skip
def test_cme_ranges_by_profession(profession, low, high, days):
    cme = reference.market().cme[profession]
    assert (cme.allowance_min, cme.allowance_max) == (low, high)
    assert (cme.days_min, cme.days_max) == days
    assert low <= cme.allowance_typical <= high
    assert cme.sources


def test_physician_search_counts_map_to_shipped_codes():
    market = reference.market()
    taxonomy = load_taxonomy()
    assert market.specialty_searches["207Q00000X"] == 280  # family medicine, the most recruited
    assert all(taxonomy[c].profession_hint == "MD/DO" for c in market.specialty_searches)
    assert market.unlisted_specialty_weight < min(market.specialty_searches.values())
    assert market.crna_to_np_pay_ratio == pytest.approx(154390 / 91450, abs=0.001)


def test_a_malformed_market_file_raises_naming_it(tmp_path):
    text = reference.MARKET_FILE.read_text().replace("share: 0.92", "share: 92")
    bad = tmp_path / "market_bad.yaml"
    bad.write_text(text)
    with pytest.raises(ValueError, match="market_bad.yaml: incentives.sign_on_bonus.share"):
        reference.market(bad)
