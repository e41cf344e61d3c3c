"""``cmepath outcomes analyze``: formats, published results end to end, and bad input.

Reference data: Lopez Bernal et al. (2017) Sicily series (ITS), qcc's pistonrings and
orangejuice (SPC), Card & Krueger (1994) (DiD); see the engine tests for the sources.
"""

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

DATA = Path(__file__).parent / "data"
ORANGEJUICE_D = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11,
                 20, 18, 24, 15, 9, 12, 7, 13, 9, 6]  # fmt: skip


def run(*args):
    out = io.StringIO()
    call_command("outcomes", "analyze", *args, stdout=out)
    return out.getvalue()


def run_json(*args):
    return json.loads(run(*args, "--json"))


@pytest.fixture
def sicily_monthly(tmp_path):
    """The Sicily series with a YYYY-MM period column, as a clinician's export would be."""
    path = tmp_path / "sicily.csv"
    with (DATA / "sicily.csv").open() as src, path.open("w", newline="") as dst:
        writer = csv.writer(dst)
        writer.writerow(["period", "aces", "stdpop"])
        for row in csv.DictReader(src):
            writer.writerow([f"{row['year']}-{int(row['month']):02d}", row["aces"], row["stdpop"]])
    return path


@pytest.fixture
def orangejuice(tmp_path):
    path = tmp_path / "oj.csv"
    lines = ["period,defective,cans"] + [f"{i + 1},{d},50" for i, d in enumerate(ORANGEJUICE_D)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_its_json_matches_the_published_sicily_rate_ratio(sicily_monthly):
    """Lopez Bernal, Cummins & Gasparrini (2017): seasonally adjusted quasi-Poisson model,
    rate ratio 0.885 for the smoking ban (January 2005)."""
    data = run_json(
        "--series",
        str(sicily_monthly),
        "--method",
        "its",
        "--outcome",
        "aces",
        "--offset",
        "stdpop",
        "--intervention",
        "2005-01",
        "--family",
        "quasipoisson",
        "--seasonality",
        "2",
        "--period-length",
        "12",
        "--no-slope-change",
    )
    level = data["terms"]["level_change"]
    assert round(level["ratio"], 3) == 0.885
    assert set(level) == {"estimate", "se", "ci", "ratio", "ratio_ci"}
    assert set(data["terms"]) == {"level_change", "trend"}
    assert data["n"] == 59
    assert data["dispersion"] > 1


def test_its_with_slope_change_has_all_three_terms(sicily_monthly):
    data = run_json(
        "--series",
        str(sicily_monthly),
        "--method",
        "its",
        "--outcome",
        "aces",
        "--offset",
        "stdpop",
        "--intervention",
        "2005-01",
        "--family",
        "poisson",
    )
    assert set(data["terms"]) == {"level_change", "slope_change", "trend"}


def test_spc_json_points_signals_and_runs(orangejuice):
    """qcc vignette: p chart for the orangejuice trial samples, limits 0.0524-0.4102,
    samples 15 and 23 out of control."""
    data = run_json(
        "--series",
        str(orangejuice),
        "--method",
        "spc",
        "--chart",
        "p",
        "--outcome",
        "defective",
        "--denominator",
        "cans",
    )
    first = data["points"][0]
    assert set(first) >= {"period", "value", "center", "lcl", "ucl"}
    assert first["lcl"] == pytest.approx(0.05242755, rel=1e-6)
    assert first["ucl"] == pytest.approx(0.4102391, rel=1e-6)
    assert data["signals"] == [15, 23]
    assert set(data["runs"]) >= {
        "longest_run",
        "longest_run_max",
        "crossings",
        "crossings_min",
        "signal",
    }


def test_spc_xbar_r_groups_rows_by_period():
    """qcc vignette: pistonrings X̄ chart limits 73.98805-74.0143 from samples 1-25."""
    data = run_json(
        "--series",
        str(DATA / "pistonrings.csv"),
        "--method",
        "spc",
        "--chart",
        "xbar-r",
        "--outcome",
        "diameter",
        "--baseline-end",
        "25",
    )
    assert len(data["points"]) == 40
    assert data["points"][-1]["lcl"] == pytest.approx(73.98805, rel=1e-7)
    assert data["points"][-1]["ucl"] == pytest.approx(74.0143, rel=1e-7)
    assert data["secondary"]["chart"] == "R"


def test_did_json_matches_card_krueger():
    """Card & Krueger (1994) Table 3: difference-in-differences 2.76 FTE."""
    data = run_json(
        "--series",
        str(DATA / "card_krueger_fte.csv"),
        "--method",
        "did",
        "--outcome",
        "fte",
        "--group",
        "state",
        "--unit",
        "store",
        "--intervention",
        "2",
    )
    assert data["estimate"] == pytest.approx(2.76, abs=0.01)
    assert set(data) >= {"estimate", "se", "se_cluster", "ci"}
    assert data["se_cluster"] < data["se"]


def test_prepost_proportions_human_output(tmp_path):
    path = tmp_path / "abx.csv"
    path.write_text(
        "period,first_line_antibiotic_use,patients\n2024-01,215,500\n2024-02,215,500\n"
        "2024-03,310,500\n2024-04,310,500\n"
    )
    text = run(
        "--series",
        str(path),
        "--method",
        "prepost",
        "--outcome",
        "first_line_antibiotic_use",
        "--denominator",
        "patients",
        "--intervention",
        "2024-03",
    )
    assert text.startswith(
        "First line antibiotic use rose from 43.0% to 62.0% (difference 19.0 points, 95% CI"
    )
    assert "Newcombe" in text


def test_human_spc_output_is_a_table(orangejuice):
    text = run(
        "--series",
        str(orangejuice),
        "--method",
        "spc",
        "--chart",
        "p",
        "--outcome",
        "defective",
        "--denominator",
        "cans",
    )
    assert "p chart of 30 points" in text
    assert "outside limits" in text


@pytest.mark.parametrize(
    ("content", "args", "message"),
    [
        (
            "period,x,n\n1,1,5\n2,1,0\n3,1,5\n4,1,5\n5,1,5\n6,1,5\n7,1,5\n8,1,5\n",
            ["--method", "spc", "--chart", "p", "--outcome", "x", "--denominator", "n"],
            "denominator of 0",
        ),
        (
            "period,x\n1,1\n2,2\n3,3\n",
            ["--method", "spc", "--chart", "i", "--outcome", "x"],
            "at least 8 points",
        ),
        (
            "period,x\n1,1\n2,2\n3,3\n4,4\n",
            ["--method", "its", "--outcome", "x", "--intervention", "3"],
            "at least 3 periods before",
        ),
        ("period,x\nJan 2024,1\n", ["--method", "spc", "--outcome", "x"], "does not parse"),
        (
            "period,x\n1,3\n2,4\n3,2\n4,5\n5,0\n6,0\n7,0\n8,0\n",
            ["--method", "its", "--outcome", "x", "--intervention", "5", "--family", "poisson"],
            "perfect separation",
        ),
        (
            "period,x\n1,1\n",
            ["--method", "spc", "--outcome", "missing"],
            "column 'missing' is not in the series",
        ),
        (
            "period,x\n1,1\n2,2\n",
            ["--method", "its", "--outcome", "x"],
            "--intervention is required",
        ),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, content, args, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(CommandError, match=message) as info:
        run("--series", str(path), *args)
    assert info.value.returncode == 2


def test_missing_file_exits_2(tmp_path):
    with pytest.raises(CommandError, match="does not exist") as info:
        run("--series", str(tmp_path / "nope.csv"), "--method", "spc", "--outcome", "x")
    assert info.value.returncode == 2
