"""The engine's speed-ups give the same answers as the plain computation they replace.

``add_months`` reads month lengths from a table (not ``calendar.monthrange``); credential
entries and certification labels are cached; the "in addition to" flag is cached per regime
object; ``_Pool.hours`` splits single-credit from multi-credit completions.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta

import pytest

from cmepath.credits.rules import (
    BoardCert,
    Completion,
    add_months,
    compile_rules,
    engine,
    evaluate,
    parse_rule_text,
)
from tests.credits.rules_helpers import done, licence, profile

AS_OF = date(2026, 12, 7)


def _reference_add_months(d: date, months: int) -> date:
    is_month_end = d.day == calendar.monthrange(d.year, d.month)[1]
    years, month0 = divmod(d.month - 1 + months, 12)
    year, month = d.year + years, month0 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, last if is_month_end else min(d.day, last))


def test_month_table_matches_the_calendar() -> None:
    for year in range(1896, 2105):
        for month in range(1, 13):
            assert engine._month_days(year, month) == calendar.monthrange(year, month)[1]


@pytest.mark.parametrize("months", [-48, -25, -24, -12, -1, 0, 1, 11, 12, 18, 36, 42])
def test_add_months_matches_the_calendar_reference(months: int) -> None:
    day = date(1999, 12, 1)
    while day < date(2001, 3, 31):  # includes 2000-02-29 (a leap century)
        assert add_months(day, months) == _reference_add_months(day, months)
        day += timedelta(days=1)


def test_hours_split_matches_the_largest_accepted_credit() -> None:
    comps = [
        Completion("a", "a", date(2026, 1, 1), {"ama_pra_1": 2.0}),
        Completion("b", "b", date(2026, 1, 2), {"ama_pra_1": 1.0, "abim_moc": 3.0}),
        Completion("c", "c", date(2026, 1, 3), {"ancc": 0.0, "ama_pra_1": -1.0}),
        Completion("d", "d", date(2026, 1, 4), {}),
        Completion("e", "e", date(2026, 1, 5), {"ama_pra_1": 0.0, "ancc": 4.0}),
    ]
    pool = engine._Pool(comps)
    for types in (None, frozenset({"ama_pra_1"}), frozenset({"abim_moc", "ancc"}), frozenset()):
        expected = [
            max(
                [0.0] + [v for t, v in c.credits.items() if v > 0 and (types is None or t in types)]
            )
            for c in comps
        ]
        assert pool.hours(types) == expected
        assert pool.hours(types) is pool.hours(types)  # cached per type set


def test_credential_entries_are_shared_and_follow_the_status() -> None:
    rules = compile_rules([parse_rule_text(_RULE, "xx-md.yaml")])
    lic = licence("XX", expiry_date=date(2027, 6, 30))
    ok = [done("dv", date(2026, 1, 1), 2, "domestic_violence"), done("g", date(2026, 2, 1), 24)]
    met = evaluate(profile(lic), ok, AS_OF, rules)
    again = evaluate(profile(lic), ok, AS_OF, rules)
    unmet = evaluate(profile(lic), [], AS_OF, rules)
    assert met.credentials[0] is again.credentials[0]  # built once
    assert (met.credentials[0].status, unmet.credentials[0].status) == ("met", "unmet")
    assert met.credentials[0].regime_ids == unmet.credentials[0].regime_ids == ("xx-md",)
    # a licence with no rule: "not covered", each with its own state and licence type
    pr = evaluate(profile(licence("PR")), [], AS_OF).credentials[0]
    pr_rn = evaluate(profile(licence("PR", "RN")), [], AS_OF).credentials[0]
    assert pr.status == pr_rn.status == "not_covered"
    assert (pr.label, pr_rn.label) == ("Puerto Rico MD licence", "Puerto Rico RN licence")


def test_certification_labels_are_cached_per_board_and_specialty() -> None:
    certs = (
        BoardCert("ABIM", "internal_medicine", date(2023, 1, 1), date(2027, 12, 31)),
        BoardCert("ABIM", "", date(2023, 1, 1), date(2027, 12, 31)),
    )
    evaluation = evaluate(profile(board_certifications=certs), [], AS_OF)
    labels = [c.label for c in evaluation.credentials]
    assert labels == ["ABIM certification (internal medicine)", "ABIM certification"]


_RULE = """\
id: xx-md
name: Test
jurisdiction: XX
kind: licence
applies_to: {professions: [MD], licence_state: XX}
cycle: {length_months: 24, anchor: expiry}
source_url: https://example.org
as_of: 2026-12-07
requirements:
  - {id: total, label: 24 h, hours: 24}
  - {id: dv, label: 2 h dv, hours: 2, topics: [domestic_violence]}
"""


def test_in_addition_flag_follows_each_regime_object() -> None:
    plain = parse_rule_text(_RULE, "xx-md.yaml")
    added = parse_rule_text(
        _RULE.replace(
            "topics: [domestic_violence]}", "topics: [domestic_violence], in_addition_to: [total]}"
        ),
        "xx-md.yaml",
    )
    records = [
        done("dv", date(2026, 1, 1), 2, "domestic_violence"),
        done("g", date(2026, 2, 1), 22),
    ]
    lic = licence("XX", expiry_date=date(2027, 6, 30))
    first = evaluate(profile(lic), records, AS_OF, compile_rules([plain]))
    second = evaluate(profile(lic), records, AS_OF, compile_rules([added]))
    third = evaluate(profile(lic), records, AS_OF, compile_rules([replace(added)]))
    assert first.regimes[0].requirements[0].hours_counted == 24
    assert second.regimes[0].requirements[0].hours_counted == 22
    assert third.regimes[0].requirements[0].hours_counted == 22
