"""The rule loader refuses malformed files and says which file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from cmepath.credits.rules import RuleFileError, load_rules, parse_rule_text

GOOD = """\
id: xx-md
name: Test state
jurisdiction: XX
kind: licence
applies_to:
  professions: [MD]
  licence_state: XX
cycle:
  length_months: 24
  anchor: expiry
source_url: https://example.org/board
as_of: 2026-11-25
requirements:
  - id: total
    label: 10 h
    hours: 10
"""


def test_good_rule_parses() -> None:
    regime = parse_rule_text(GOOD, "xx.yaml")
    assert regime.id == "xx-md"
    assert regime.requirements[0].hours == 10
    assert regime.source_url == "https://example.org/board"


def test_unknown_field_is_refused_naming_file_and_line(tmp_path: Path) -> None:
    bad = GOOD.replace("    hours: 10\n", "    hours: 10\n    huors: 12\n")
    (tmp_path / "xx-md.yaml").write_text(bad)
    with pytest.raises(RuleFileError) as excinfo:
        load_rules(tmp_path)
    assert excinfo.value.path == "xx-md.yaml"
    assert excinfo.value.line == 17
    assert str(excinfo.value).startswith("xx-md.yaml:17: unknown field 'huors' in requirement")


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("source_url: https://example.org/board\n", ""), "needs source_url"),
        (lambda t: t.replace("as_of: 2026-11-25\n", ""), "needs as_of"),
        (
            lambda t: t.replace("hours: 10", "hours: 10\n    credit_types: [ama_pra_3]"),
            "unknown credit type 'ama_pra_3'",
        ),
        (
            lambda t: t.replace("hours: 10", "hours: 10\n    topics: [opiods]"),
            "unknown topic 'opiods'",
        ),
        (lambda t: t.replace("anchor: expiry", "anchor: sometimes"), "'sometimes' is not one of"),
        (lambda t: t.replace("hours: 10", "hours: ten"), "non-negative number"),
        (lambda t: t.replace("  licence_state: XX\n", ""), "needs applies_to.licence_state"),
        (
            lambda t: t + "  - id: total\n    label: again\n    hours: 1\n",
            "duplicate requirement id",
        ),
        (
            lambda t: t.replace("hours: 10", "proportion: {of: nope, share: 0.2}"),
            "must name an hours requirement",
        ),
        (lambda t: t.replace("kind: licence", "kind: [licence"), "invalid YAML"),
    ],
)
def test_malformed_rules_are_refused(edit, message: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuleFileError, match="^xx.yaml:\\d+: ") as excinfo:
        parse_rule_text(edit(GOOD), "xx.yaml")
    assert message in str(excinfo.value)


def test_duplicate_regime_ids_across_files_are_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(GOOD)
    (tmp_path / "b.yaml").write_text(GOOD)
    with pytest.raises(RuleFileError, match="also used in a.yaml"):
        load_rules(tmp_path)
