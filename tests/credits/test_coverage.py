"""Issue 17 item 5: the coverage of the shipped rules (jurisdiction x licence type, national
boards, DEA) as a public page and as the table in docs/credits-engine.md, from one source."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from cmepath.credits.rules import coverage_markdown, coverage_table, default_rules
from cmepath.credits.rules.boards import BODY_KEYS, board_directory
from cmepath.credits.rules.coverage import (
    JURISDICTIONS,
    MARKER_END,
    MARKER_START,
    PROFESSIONS,
    markdown_between_markers,
    replace_between_markers,
)

DOCS = Path(__file__).resolve().parents[2] / "docs" / "credits-engine.md"


def test_the_docs_table_is_up_to_date():
    expected = coverage_markdown(coverage_table(default_rules()))
    current = markdown_between_markers(DOCS.read_text(encoding="utf-8"))
    assert current == expected, (
        "docs/credits-engine.md's coverage table is stale: run "
        "`cmepath credits coverage --update docs/credits-engine.md`"
    )


def test_the_table_has_every_jurisdiction_and_licence_type():
    coverage = coverage_table(default_rules())
    assert len(coverage.rows) == 51 == len(JURISDICTIONS)  # 50 states and DC
    assert {row.code for row in coverage.rows} >= {"DC", "TX", "WY"}
    assert coverage.professions == ("MD", "DO", "NP", "PA", "RN", "PharmD")
    for row in coverage.rows:
        assert len(row.cells) == 6
        for profession, cell in zip(PROFESSIONS, row.cells, strict=True):
            for rule in cell.rules:  # every rule listed applies to that cell
                regime = next(r for r in default_rules() if r.id == rule.regime_id)
                assert regime.applies_to.licence_state == row.code
                assert profession in regime.applies_to.professions
    assert 0 < coverage.covered_cells < coverage.total_cells == 306


def test_cells_carry_source_as_of_and_secondary_marking():
    coverage = coverage_table(default_rules())
    texas = next(row for row in coverage.rows if row.code == "TX")
    (md,) = texas.cells[0].rules
    tx_md = next(r for r in default_rules() if r.id == "tx-md")
    assert (md.regime_id, md.source_url, md.as_of) == ("tx-md", tx_md.sources[0], tx_md.as_of)
    assert not md.secondary
    utah = next(row for row in coverage.rows if row.code == "UT")
    assert [(r.regime_id, r.secondary) for r in utah.cells[0].rules] == [("ut-md", True)]
    markdown = coverage_markdown(coverage)
    assert "*secondary source only*" in markdown and "**not covered**" in markdown


def test_uncovered_cells_name_the_board_to_check_with():
    # Given a rule set without the Texas nursing rule, the Texas RN cell is "not covered"
    rules = tuple(r for r in default_rules() if r.id != "tx-rn")
    texas = next(row for row in coverage_table(rules).rows if row.code == "TX")
    rn = texas.cells[PROFESSIONS.index("RN")]
    assert not rn.covered
    assert rn.authority is not None and rn.authority.name == "Texas Board of Nursing"


def test_the_national_section_lists_boards_and_the_dea():
    coverage = coverage_table(default_rules())
    national = {row.code: row for row in coverage.national}
    assert [r.regime_id for r in national["ABIM"].cell.rules] == ["abim-moc"]
    assert national["ABIM"].professions == ("MD", "DO")
    assert [r.regime_id for r in national["DEA"].cell.rules] == ["dea-mate"]
    assert not national["BPS"].cell.covered  # no pharmacy-specialty rule yet


def test_the_boards_file_has_every_jurisdiction_and_safe_links():
    directory = board_directory()
    for code in JURISDICTIONS:
        for profession in BODY_KEYS:
            body = directory.licensing_body(code, profession)
            assert body is not None and body.name, (code, profession)
            assert body.url == "" or body.url.startswith("https://")
    assert directory.sources and directory.as_of


def test_coverage_command_prints_and_updates(tmp_path):
    out = StringIO()
    call_command("credits", "coverage", stdout=out)
    assert out.getvalue() == coverage_markdown(coverage_table(default_rules()))
    doc = tmp_path / "doc.md"
    doc.write_text(f"# Title\n\n{MARKER_START}\nold table\n{MARKER_END}\n\nAfter.\n")
    call_command("credits", "coverage", "--update", str(doc), stdout=StringIO())
    text = doc.read_text()
    assert "old table" not in text and text.endswith(f"{MARKER_END}\n\nAfter.\n")
    assert markdown_between_markers(text) == out.getvalue()
    assert replace_between_markers(text, out.getvalue()) == text  # idempotent


@pytest.mark.django_db
def test_the_coverage_page_is_public_accessible_and_complete(client):
    response = client.get(reverse("credits:coverage"))
    assert response.status_code == 200
    body = response.content.decode()
    # accessible table: caption, column and row headers
    assert "<caption>" in body
    assert body.count('<th scope="col">') >= 7 + 3
    assert body.count('<th scope="row">') == 51 + len(coverage_table(default_rules()).national)
    # every cell visible: a rule with its source and date, or "not covered"
    tx_md = next(r for r in default_rules() if r.id == "tx-md")
    assert f'href="{tx_md.sources[0]}"' in body
    assert f"as of {tx_md.as_of:%b} {tx_md.as_of.day}, {tx_md.as_of.year}" in body
    assert 'data-status="not_covered">not covered</span>' in body
    assert "secondary source only" in body
    # works without JavaScript, no inline styles
    assert "<script" not in re.sub(r"<script[^>]*src=[^>]*></script>", "", body)
    assert "style=" not in body
