"""Difference-in-differences checked against Card & Krueger (1994).

Data: ``data/card_krueger_fte.csv``, full-time-equivalent employment (FTE) in 410 fast-food
restaurants in New Jersey (treated: minimum wage rose in April 1992) and eastern
Pennsylvania (control), wave 1 (Feb-Mar 1992) and wave 2 (Nov-Dec 1992). Taken from the
`fte` column of the Card-Krueger extract in UChicago-pol-methods/SOSC13200-W22
(data/card-krueger.csv, originally from Angrist's MHE data archive), with store ids
added by position (the two waves list the stores in the same order).
Published: Card D, Krueger AB (1994) AER 84(4):772-793, Table 3.
"""

from pathlib import Path

import numpy as np
import pytest

from cmepath.outcomes.stats.did import did_fit, parse_group
from cmepath.outcomes.stats.errors import StatsInputError
from cmepath.outcomes.stats.series import load_series_csv

DATA = Path(__file__).parent / "data"


def _card_krueger():
    table = load_series_csv(DATA / "card_krueger_fte.csv")
    fte = table.numeric("fte", allow_missing=True)
    treated = parse_group(table.text("state"))
    return fte, treated, np.array(table.time), np.array(table.text("store"))


def test_cell_means_and_estimate_match_card_krueger_table_3():
    """Table 3 rows 1-3 (all available observations): FTE before PA 23.33, NJ 20.44;
    after PA 21.17, NJ 21.03; difference-in-differences 2.76."""
    fte, treated, time, stores = _card_krueger()
    result = did_fit(outcome=fte, treated=treated, time=time, intervention=2, units=stores)
    means = result.cell_means
    assert [
        round(means[k], 2) for k in ("control_pre", "treated_pre", "control_post", "treated_post")
    ] == [
        23.33,
        20.44,
        21.17,
        21.03,
    ]
    assert result.estimate == pytest.approx(2.76, abs=0.01)
    assert result.clusters == 410
    assert result.se_cluster is not None
    assert result.se_cluster < result.se  # within-store correlation is positive


def test_balanced_sample_matches_card_krueger_table_3_row_4():
    """Table 3 row 4 (balanced sample of stores): change in mean FTE PA -2.28, NJ 0.47,
    NJ - PA 2.75 (standard error 1.34); CR1 by store gives the same 1.34."""
    fte, treated, time, stores = _card_krueger()
    observed = dict.fromkeys(stores, 0)
    for s, v in zip(stores, fte, strict=True):
        observed[s] += bool(np.isfinite(v))
    balanced = np.array([observed[s] == 2 for s in stores])
    result = did_fit(
        outcome=fte[balanced],
        treated=treated[balanced],
        time=time[balanced],
        intervention=2,
        units=stores[balanced],
    )
    means = result.cell_means
    assert round(means["treated_post"] - means["treated_pre"], 2) == 0.47
    assert round(means["control_post"] - means["control_pre"], 2) == -2.28
    assert round(result.estimate, 2) == 2.75
    assert round(result.se_cluster, 2) == 1.34


def test_event_time_recovers_effects_and_flat_pre_trends():
    rng = np.random.default_rng(7)
    units, periods = 30, 8
    unit_effect = rng.normal(0, 5, units)
    rows = []
    for u in range(units):
        treated = u < 15
        for t in range(1, periods + 1):
            effect = (t - 5 + 1) * 2.0 if treated and t >= 5 else 0.0
            rows.append((u, t, float(treated), 10 + unit_effect[u] + 0.5 * t + effect))
    u, t, g, y = (np.array(col) for col in zip(*rows, strict=True))
    result = did_fit(outcome=y, treated=g, time=t, intervention=5, units=[f"c{x}" for x in u])
    by_k = {e.event_time: e.estimate.estimate for e in result.event_time}
    assert -2 not in by_k or by_k[-2] == pytest.approx(0, abs=1e-9)
    assert by_k[-4] == pytest.approx(0, abs=1e-9)
    assert [by_k[k] for k in range(4)] == pytest.approx([2, 4, 6, 8])
    assert -1 not in by_k  # reference period


def test_missing_cell_is_a_clear_error():
    with pytest.raises(StatsInputError, match="treated post"):
        did_fit(outcome=[1, 2, 3], treated=[1, 0, 0], time=[1, 1, 2], intervention=2)


def test_unit_in_both_groups_is_a_clear_error():
    with pytest.raises(StatsInputError, match="both groups"):
        did_fit(
            outcome=[1, 2, 3, 4, 5, 6, 7, 8],
            treated=[1, 1, 0, 0, 1, 0, 0, 0],
            time=[1, 2] * 4,
            intervention=2,
            units=["a", "a", "b", "b", "c", "c", "d", "d"],
        )


def test_group_labels_must_be_treated_or_control():
    assert parse_group(["treated", "Control", "1", "0"]).tolist() == [1, 0, 1, 0]
    with pytest.raises(StatsInputError, match="not 'treated' or 'control'"):
        parse_group(["maybe"])
