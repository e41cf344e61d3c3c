"""Pre/post comparisons checked against published worked examples."""

import pytest

from cmepath.outcomes.stats.errors import StatsInputError
from cmepath.outcomes.stats.prepost import (
    compare_means,
    compare_means_clustered,
    compare_proportions,
    compare_proportions_clustered,
    wilson_interval,
)

# R's `sleep` data (Cushny & Peebles 1905), extra hours of sleep by drug group
SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]


@pytest.mark.parametrize(
    ("x1", "n1", "x2", "n2", "lower", "upper"),
    [(56, 70, 48, 80, 0.0524, 0.3339), (9, 10, 3, 10, 0.1705, 0.8090)],
)
def test_difference_matches_newcombe_1998(x1, n1, x2, n2, lower, upper):
    """Newcombe RG (1998) Stat Med 17:873-890, Table II, method 10 (hybrid score):
    56/70 - 48/80 -> 0.0524 to 0.3339; 9/10 - 3/10 -> 0.1705 to 0.8090."""
    result = compare_proportions(x_pre=x2, n_pre=n2, x_post=x1, n_post=n1)
    assert result.difference.estimate == pytest.approx(x1 / n1 - x2 / n2)
    assert result.difference.ci == pytest.approx((lower, upper), abs=5e-5)


def test_wilson_interval_matches_newcombe_1998a():
    """Newcombe RG (1998) Stat Med 17:857-872, example 81/263: Wilson score interval
    0.2553 to 0.3662."""
    assert wilson_interval(81, 263) == pytest.approx((0.2553, 0.3662), abs=5e-5)


def test_ratio_matches_koopman_score_interval():
    """Koopman (1984) score interval for the risk ratio; R PropCIs::riskscoreci(7, 34, 1,
    34, 0.95) prints 1.220853 to 42.575718 (reproduced in statsmodels' test suite)."""
    result = compare_proportions(x_pre=1, n_pre=34, x_post=7, n_post=34)
    assert result.ratio is not None
    assert result.ratio.estimate == pytest.approx(7.0)
    assert result.ratio.ci == pytest.approx((1.220853, 42.575718), rel=1e-5)


def test_welch_matches_r_t_test_on_sleep_data():
    """R documentation example t.test(extra ~ group, data = sleep): Welch t = -1.8608,
    df = 17.776, 95% CI -3.3654832 to 0.2054832 for group 1 - group 2."""
    result = compare_means(SLEEP_1, SLEEP_2)
    assert result.difference.estimate == pytest.approx(1.58)
    assert result.difference.ci == pytest.approx((-0.2054832, 3.3654832), abs=1e-7)
    assert result.difference.estimate / result.difference.se == pytest.approx(1.8608, abs=1e-4)


def test_sentence_reads_like_a_clinician_would_say_it():
    result = compare_proportions(
        x_pre=430, n_pre=1000, x_post=620, n_post=1000, label="First-line antibiotic use"
    )
    assert result.sentence.startswith(
        "First-line antibiotic use rose from 43.0% to 62.0% (difference 19.0 points, 95% CI "
    )
    assert result.to_dict()["difference"]["ci"][0] == pytest.approx(0.147, abs=0.01)


def test_no_change_sentence_says_the_interval_includes_no_change():
    result = compare_proportions(x_pre=10, n_pre=20, x_post=11, n_post=20)
    assert "includes no change" in result.sentence


def test_clustered_proportion_estimate_is_the_pooled_difference():
    numerators = [5, 6, 7, 8, 12, 14, 15, 16]
    denominators = [20, 20, 20, 20, 20, 20, 20, 20]
    post = [False] * 4 + [True] * 4
    units = ["a", "b", "c", "d"] * 2
    result = compare_proportions_clustered(
        numerators=numerators, denominators=denominators, post=post, units=units
    )
    assert result.difference.estimate == pytest.approx(57 / 80 - 26 / 80)
    assert result.ratio is not None
    assert result.ratio.estimate == pytest.approx(57 / 26)
    assert result.clusters == 4
    assert result.notes  # few clusters are flagged


def test_clustered_means_widen_the_interval_when_units_repeat():
    """Duplicating every unit's rows must not shrink the cluster-robust SE the way it
    shrinks the naive Welch SE: the cluster count, not the row count, drives precision."""
    pre = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    post = [2.0, 3.5, 3.0, 6.0, 6.5, 7.0]
    units = [f"u{i}" for i in range(6)]
    once = compare_means_clustered(
        values=pre + post, post=[False] * 6 + [True] * 6, units=units * 2
    )
    twice = compare_means_clustered(
        values=(pre + post) * 2, post=([False] * 6 + [True] * 6) * 2, units=units * 4
    )
    welch_once = compare_means(pre, post)
    welch_twice = compare_means(pre * 2, post * 2)
    assert twice.difference.estimate == pytest.approx(once.difference.estimate)
    assert twice.difference.se == pytest.approx(once.difference.se, rel=0.1)
    assert welch_twice.difference.se < 0.75 * welch_once.difference.se


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x_pre": 1, "n_pre": 0, "x_post": 1, "n_post": 5}, "denominator of 0"),
        ({"x_pre": 6, "n_pre": 5, "x_post": 1, "n_post": 5}, "6 events out of 5"),
    ],
)
def test_bad_counts_are_clear_errors(kwargs, message):
    with pytest.raises(StatsInputError, match=message):
        compare_proportions(**kwargs)


def test_too_few_values_for_welch():
    with pytest.raises(StatsInputError, match="at least 2 values"):
        compare_means([1.0], [2.0, 3.0])
