"""Meta-test: no module in src over 500 lines unless docs/development.md says why.

A module past ~500 lines becomes a package by concern (STYLE.md). The few whose single
concern reads worse split are named, each with its concern, in the bullet list of the
"Modules over 500 lines" section of docs/development.md (as paths relative to src/cmepath). This fails the build
when a module grows past 500 lines without being listed there, and when a listed module is
gone or back under 500 lines, so the list cannot go stale.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGE = SRC / "cmepath"
LIMIT = 500
SECTION = "### Modules over 500 lines"


def _lines(path: Path) -> int:
    """Lines as ``wc -l`` counts them."""
    return path.read_bytes().count(b"\n")


def _big_modules() -> dict[str, int]:
    return {
        Path(os.path.relpath(path, PACKAGE)).as_posix(): n
        for path in sorted(SRC.rglob("*.py"))
        if (n := _lines(path)) > LIMIT
    }


def _listed_modules() -> list[str]:
    doc = (ROOT / "docs" / "development.md").read_text(encoding="utf-8")
    assert SECTION in doc, f'docs/development.md lost its "{SECTION}" section'
    section = doc.split(SECTION, 1)[1]
    section = re.split(r"^#{1,3} ", section, maxsplit=1, flags=re.M)[0]
    # The bullet items (a "- " line and its indented continuation lines) name the modules;
    # the prose around them may name other files.
    bullets = re.findall(r"^- .*(?:\n  .*)*", section, flags=re.M)
    return re.findall(r"`([\w./-]+\.py)`", "\n".join(bullets))


def test_the_section_lists_modules():
    assert len(_listed_modules()) >= 4


def test_every_module_over_500_lines_is_listed():
    listed = set(_listed_modules())
    unlisted = {name: n for name, n in _big_modules().items() if name not in listed}
    assert not unlisted, (
        f"modules over {LIMIT} lines: {unlisted}; split each into a package by concern, or, "
        f'if its single concern justifies the size, name it and that concern in "{SECTION}" '
        "of docs/development.md"
    )


def test_every_listed_module_exists_and_is_over_500_lines():
    big = _big_modules()
    stale = [name for name in _listed_modules() if name not in big]
    assert not stale, (
        f'listed in "{SECTION}" of docs/development.md but missing or no longer over '
        f"{LIMIT} lines: {stale}; take them off the list"
    )
