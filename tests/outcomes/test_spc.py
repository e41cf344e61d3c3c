"""SPC charts checked against published limits.

Main source: the qcc package vignette "A quick tour of qcc" (Scrucca, qcc 3.0, file
``docs/articles/qcc_a_quick_tour.html`` in luca-scr/qcc), whose printed output gives the
limits for Montgomery's textbook data sets (Introduction to Statistical Quality Control):
orangejuice (p, np), circuit (c, u), pcmanufact (u), pistonrings (X̄-R, X̄-S) and the
viscosity data (I chart). The data are qcc's ``data/*.txt`` files.
"""

import csv
import math
from collections import defaultdict
from pathlib import Path

import pytest

from cmepath.outcomes.stats.errors import StatsInputError
from cmepath.outcomes.stats.spc import (
    D2_TABLE,
    D3_TABLE,
    anhoej_limits,
    c4,
    d2,
    d2_exact,
    d3,
    runs_analysis,
    spc_chart,
)

DATA = Path(__file__).parent / "data"

# qcc data/orangejuice.txt, column D (defectives out of 50); samples 1-30 are the trial
ORANGEJUICE_D = [12, 15, 8, 10, 4, 7, 16, 9, 14, 10, 5, 6, 17, 12, 22, 8, 10, 5, 13, 11,
                 20, 18, 24, 15, 9, 12, 7, 13, 9, 6, 9, 6, 12, 5, 6, 4, 6, 3, 7, 6, 2, 4,
                 3, 6, 5, 4, 8, 5, 6, 7, 5, 6, 3, 5]  # fmt: skip
# qcc data/circuit.txt, column x (nonconformities per 100 boards); samples 1-26 trial
CIRCUIT_X = [21, 24, 16, 12, 15, 5, 28, 20, 31, 25, 20, 24, 16, 19, 10, 17, 13, 22, 18,
             39, 30, 24, 16, 19, 17, 15, 16, 18, 12, 15, 24, 21, 28, 20, 25, 19, 18, 21,
             16, 22, 19, 12, 14, 9, 16, 21]  # fmt: skip
# qcc data/pcmanufact.txt (nonconformities in 5 computers)
PCMANUFACT_X = [10, 12, 8, 14, 10, 16, 11, 7, 10, 15, 9, 5, 7, 11, 12, 6, 8, 10, 7, 5]
# viscosity data, Montgomery p. 242, as typed in the qcc vignette
VISCOSITY = [33.75, 33.05, 34, 33.81, 33.46, 34.02, 33.68, 33.27, 33.49, 33.20, 33.62,
             33.00, 33.54, 33.12, 33.84]  # fmt: skip


def _periods(n):
    return [str(i) for i in range(1, n + 1)], list(range(1, n + 1))


def _limits(point):
    return point.center, point.lcl, point.ucl


def test_p_chart_orangejuice_trial_samples_match_qcc():
    """qcc vignette: p chart for D[trial]: CL 0.2313333, LCL 0.05242755, UCL 0.4102391;
    samples 15 and 23 are out of control (Montgomery example 7.1)."""
    periods, time = _periods(30)
    result = spc_chart(
        "p", periods=periods, time=time, values=ORANGEJUICE_D[:30], denominators=[50] * 30
    )
    assert _limits(result.points[0]) == pytest.approx((0.2313333, 0.05242755, 0.4102391), rel=1e-6)
    assert result.signals == (15, 23)
    assert result.points[14].signals == ("outside limits",)


def test_np_chart_orangejuice_matches_qcc():
    """qcc vignette: np chart: CL 11.56667, LCL 2.621377, UCL 20.51196."""
    periods, time = _periods(30)
    result = spc_chart(
        "np", periods=periods, time=time, values=ORANGEJUICE_D[:30], denominators=[50] * 30
    )
    assert _limits(result.points[0]) == pytest.approx((11.56667, 2.621377, 20.51196), rel=1e-6)


def test_p_chart_limits_frozen_on_baseline_and_extended():
    """qcc vignette: p chart on the trial samples without 15 and 23, newdata = samples
    31-54: CL 0.215, LCL 0.04070284, UCL 0.3892972 applied to the new samples."""
    keep = [i for i in range(54) if i not in (14, 22)]
    values = [ORANGEJUICE_D[i] for i in keep]
    periods = [str(i + 1) for i in keep]
    time = [i + 1 for i in keep]
    result = spc_chart(
        "p",
        periods=periods,
        time=time,
        values=values,
        denominators=[50] * len(keep),
        baseline_end=30,
    )
    for point in result.points:
        assert _limits(point) == pytest.approx((0.215, 0.04070284, 0.3892972), rel=1e-6)
    assert [p.baseline for p in result.points].count(True) == 28
    # after the machine adjustment the process runs lower: a long run below the centre line
    assert result.runs.signal


def test_p_chart_limits_recomputed_after_intervention():
    """Same data split at sample 31: the second phase gets its own limits, which equal
    qcc's orangejuice2-style recomputation from samples 31-54 alone."""
    periods, time = _periods(54)
    result = spc_chart(
        "p",
        periods=periods,
        time=time,
        values=ORANGEJUICE_D,
        denominators=[50] * 54,
        intervention=31,
    )
    post_mean = sum(ORANGEJUICE_D[30:]) / (50 * 24)
    assert result.points[40].center == pytest.approx(post_mean)
    assert result.points[0].center == pytest.approx(0.2313333, rel=1e-6)
    assert {p.phase for p in result.points} == {1, 2}
    assert len(result.runs_by_phase) == 2


def test_c_chart_circuit_matches_qcc():
    """qcc vignette: c chart for x[trial] (26 samples): CL 19.84615, LCL 6.481447,
    UCL 33.21086; samples 6 and 20 out of control (Montgomery example 7.3)."""
    periods, time = _periods(26)
    result = spc_chart("c", periods=periods, time=time, values=CIRCUIT_X[:26])
    assert _limits(result.points[0]) == pytest.approx((19.84615, 6.481447, 33.21086), rel=1e-6)
    assert result.signals == (6, 20)


def test_c_and_u_charts_circuit_revised_limits_match_qcc():
    """qcc vignette: without samples 6 and 20 and with newdata 27-46: c chart CL 19.66667,
    LCL 6.362532, UCL 32.9708; u chart (size 100) CL 0.1966667, LCL 0.06362532,
    UCL 0.329708."""
    keep = [i for i in range(46) if i not in (5, 19)]
    values = [CIRCUIT_X[i] for i in keep]
    periods = [str(i + 1) for i in keep]
    time = [i + 1 for i in keep]
    c_chart = spc_chart("c", periods=periods, time=time, values=values, baseline_end=26)
    assert _limits(c_chart.points[-1]) == pytest.approx((19.66667, 6.362532, 32.9708), rel=1e-6)
    u_chart = spc_chart(
        "u",
        periods=periods,
        time=time,
        values=values,
        denominators=[100] * len(keep),
        baseline_end=26,
    )
    assert _limits(u_chart.points[-1]) == pytest.approx((0.1966667, 0.06362532, 0.329708), rel=1e-6)


def test_u_chart_pcmanufact_matches_qcc():
    """qcc vignette: u chart for pcmanufact (size 5): CL 1.93, LCL 0.06613305, UCL 3.793867."""
    periods, time = _periods(20)
    result = spc_chart("u", periods=periods, time=time, values=PCMANUFACT_X, denominators=[5] * 20)
    assert _limits(result.points[0]) == pytest.approx((1.93, 0.06613305, 3.793867), rel=1e-6)
    assert result.signals == ()


def test_i_chart_viscosity_matches_qcc():
    """qcc vignette: xbar.one chart for the viscosity data (Montgomery p. 242):
    CL 33.52333, LCL 32.24484, UCL 34.80183 (sigma = MR-bar / 1.128 = 0.4261651)."""
    periods, time = _periods(15)
    result = spc_chart("i", periods=periods, time=time, values=VISCOSITY)
    assert _limits(result.points[0]) == pytest.approx((33.52333, 32.24484, 34.80183), rel=1e-6)
    assert result.sigma_by_phase[0] == pytest.approx(0.4261651, rel=1e-6)
    assert result.secondary_name == "MR"
    assert result.secondary[0].value is None
    assert result.secondary[1].value == pytest.approx(0.70)
    assert result.secondary[1].ucl == pytest.approx(3.267 * result.secondary[1].center, rel=1e-3)


def _pistonrings():
    groups = defaultdict(list)
    with (DATA / "pistonrings.csv").open() as fh:
        for row in csv.DictReader(fh):
            groups[int(row["period"])].append(float(row["diameter"]))
    keys = sorted(groups)
    return [str(k) for k in keys], keys, [groups[k] for k in keys]


def test_xbar_r_chart_pistonrings_matches_qcc():
    """qcc vignette: xbar chart for diameter[1:25,] with newdata 26:40: CL 74.00118,
    sd 0.009785039, LCL 73.98805, UCL 74.0143; R chart CL 0.02276, UCL 0.04812533."""
    periods, time, groups = _pistonrings()
    result = spc_chart("xbar-r", periods=periods, time=time, subgroups=groups, baseline_end=25)
    assert _limits(result.points[39]) == pytest.approx((74.00118, 73.98805, 74.0143), rel=1e-7)
    assert result.sigma_by_phase[0] == pytest.approx(0.009785039, rel=1e-6)
    r_point = result.secondary[0]
    assert (r_point.center, r_point.lcl, r_point.ucl) == pytest.approx(
        (0.02276, 0, 0.04812533), rel=1e-4
    )
    # Montgomery example 6.3: the phase II samples drift up; points 37-40 signal
    assert set(result.signals) >= {37, 38, 39}


def test_xbar_s_chart_pistonrings_matches_qcc():
    """qcc vignette: S chart for diameter[1:25,]: CL 0.009240037, LCL 0, UCL 0.01930242,
    sd 0.009829977."""
    periods, time, groups = _pistonrings()
    result = spc_chart("xbar-s", periods=periods, time=time, subgroups=groups, baseline_end=25)
    assert result.sigma_by_phase[0] == pytest.approx(0.009829977, rel=1e-6)
    s_point = result.secondary[0]
    assert (s_point.center, s_point.lcl, s_point.ucl) == pytest.approx(
        (0.009240037, 0, 0.01930242), rel=1e-6
    )
    sigma = 0.009829977
    assert _limits(result.points[0]) == pytest.approx(
        (74.00118, 74.00118 - 3 * sigma / math.sqrt(5), 74.00118 + 3 * sigma / math.sqrt(5)),
        rel=1e-7,
    )


def test_laney_p_prime_follows_laney_formula():
    """Laney (2002), as documented for Minitab's Laney P' chart: z_i = (p_i - p̄)/sigma_p_i,
    sigma_z = MR-bar(z)/1.128, limits p̄ ± 3 sigma_p_i sigma_z. No published numeric
    example with data was found, so this recomputes the formula by hand on the
    orangejuice data and checks that the p′ chart is the p chart widened by sigma_z."""
    periods, time = _periods(30)
    p_chart = spc_chart(
        "p", periods=periods, time=time, values=ORANGEJUICE_D[:30], denominators=[50] * 30
    )
    pp_chart = spc_chart(
        "pprime", periods=periods, time=time, values=ORANGEJUICE_D[:30], denominators=[50] * 30
    )
    pbar = sum(ORANGEJUICE_D[:30]) / 1500
    sd = math.sqrt(pbar * (1 - pbar) / 50)
    z = [(d / 50 - pbar) / sd for d in ORANGEJUICE_D[:30]]
    sigma_z = sum(abs(b - a) for a, b in zip(z, z[1:], strict=False)) / 29 / 1.128
    assert pp_chart.sigma_by_phase[0] == pytest.approx(sigma_z)
    assert pp_chart.points[0].ucl == pytest.approx(pbar + 3 * sd * sigma_z)
    assert pp_chart.points[0].ucl - pbar == pytest.approx((p_chart.points[0].ucl - pbar) * sigma_z)


@pytest.mark.parametrize("n", range(2, 26))
def test_constants_match_published_table(n):
    """Montgomery, Introduction to SQC, Appendix VI (also ASTM E2587): d2 and d3 to three
    decimals; c4 for n = 5, 10, 25 is 0.9400, 0.9727, 0.9896."""
    assert d2(n) == D2_TABLE[n]
    assert round(d2_exact(n), 3) == D2_TABLE[n]
    assert d3(n) == pytest.approx(D3_TABLE[n], abs=1e-3)  # the table's last digit varies by source


def test_c4_matches_published_table():
    """Montgomery Appendix VI: c4(5) 0.9400, c4(10) 0.9727, c4(25) 0.9896."""
    assert [round(c4(n), 4) for n in (5, 10, 25)] == [0.9400, 0.9727, 0.9896]


@pytest.mark.parametrize(
    ("n", "longest", "crossings"),
    [(24, 8, 8), (13, 7, 3), (10, 6, 2), (30, 8, 10)],
)
def test_anhoej_limits(n, longest, crossings):
    """Anhøj & Olesen (2014) rules as coded in qicharts2 (longest.run.max =
    round(log2 n) + 3, n.crossings.min = qbinom(0.05, n - 1, 0.5)); qicharts2's summary
    example prints 8 and 8 for 24 useful points; Wentzel-Larsen & Anhøj (2019) state
    fewer than 3 crossings signals for 13 points."""
    assert anhoej_limits(n) == (longest, crossings)


def test_runs_analysis_counts_runs_and_crossings():
    """Runs and crossings counted by hand for a 24-point sequence (16 runs, longest 5)."""
    signs = [1, -1, 1, 1, -1, 1, -1, -1, 1, -1, 1, -1, -1, -1, -1, -1, 1, 1, -1, 1, -1, 1, 1, -1]
    result = runs_analysis([float(s) for s in signs], [0.0] * 24)
    assert (result.longest_run, result.crossings, result.signal) == (5, 15, False)
    shifted = runs_analysis([1.0] * 10 + [-1.0] * 14, [0.0] * 24)
    assert (shifted.longest_run, shifted.crossings, shifted.signal) == (14, 1, True)


def test_run_chart_median_and_long_run_flags():
    periods, time = _periods(20)
    values = [5, 6, 4, 5, 7, 3, 5, 6, 4, 5] + [9, 10, 9, 11, 10, 9, 12, 10, 11, 9]
    result = spc_chart("run", periods=periods, time=time, values=values, baseline_end=10)
    assert result.points[0].center == 5
    assert result.points[0].lcl is None
    assert result.runs.signal
    assert "unusually long run" in result.points[-1].signals
    assert "non-random" in result.sentence


def test_zero_denominator_is_a_clear_error():
    periods, time = _periods(10)
    with pytest.raises(StatsInputError, match="denominator of 0"):
        spc_chart("p", periods=periods, time=time, values=[1] * 10, denominators=[5] * 9 + [0])


def test_too_few_points_says_how_many_are_needed():
    periods, time = _periods(5)
    with pytest.raises(StatsInputError, match="at least 8 points"):
        spc_chart("i", periods=periods, time=time, values=[1, 2, 3, 4, 5])


def test_events_above_trials_is_a_clear_error():
    periods, time = _periods(10)
    with pytest.raises(StatsInputError, match="cannot exceed trials"):
        spc_chart("p", periods=periods, time=time, values=[6] * 10, denominators=[5] * 10)
