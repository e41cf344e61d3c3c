"""docs/tour.md and the screenshots of tests/browser/test_tour.py cannot drift apart.

The browser test declares its screenshots (SHOTS) and writes them to docs/tour/ under
UPDATE_TOUR=1; these checks need no browser: the tour shows every declared screenshot and
no other image, each file is there, and nothing stale is left in docs/tour/.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.browser.test_tour import ACCOUNTS, README_FROM, README_SHOT, SHOTS, TOUR

DOCS = Path(__file__).resolve().parents[2] / "docs"
TOUR_MD = DOCS / "tour.md"
README = DOCS.parent / "README.md"
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)\)")


def _images(text: str) -> list[tuple[str, str]]:
    """(alt text, path) of every Markdown image."""
    return _IMAGE.findall(text)


def test_the_tour_shows_every_declared_screenshot_and_no_other_image():
    images = _images(TOUR_MD.read_text(encoding="utf-8"))
    paths = [path for _, path in images]
    assert all(path.startswith("tour/") and path.endswith(".png") for path in paths), paths
    shown = {path.removeprefix("tour/").removesuffix(".png") for path in paths}
    declared = {shot.name for shot in SHOTS}
    assert declared - shown == set(), "declared in test_tour.py but not shown in docs/tour.md"
    assert shown - declared == set(), "shown in docs/tour.md but not taken by test_tour.py"
    assert all(alt.strip() for alt, _ in images), "every screenshot needs alt text"


def test_every_image_of_the_tour_exists_and_none_is_stale():
    paths = {path for _, path in _images(TOUR_MD.read_text(encoding="utf-8"))}
    missing = sorted(path for path in paths if not (DOCS / path).is_file())
    assert not missing, f"run the regeneration command in docs/tour.md: {missing}"
    assert TOUR == DOCS / "tour"
    stale = sorted(p.name for p in TOUR.glob("*") if f"tour/{p.name}" not in paths)
    assert not stale, f"files in docs/tour/ that the tour does not show: {stale}"


def test_the_tour_says_how_its_screenshots_are_regenerated():
    text = TOUR_MD.read_text(encoding="utf-8")
    assert "UPDATE_TOUR=1" in text and "tests/browser/test_tour.py" in text


def test_the_readme_screenshot_is_the_one_the_tour_test_writes():
    assert README_SHOT == DOCS / "screenshot-home.png" and README_SHOT.is_file()
    assert "docs/screenshot-home.png" in {path for _, path in _images(README.read_text())}
    assert README_FROM in {shot.name for shot in SHOTS}


def test_shot_names_are_role_and_page():
    """<role>-<page>, lower case, one per name; every role signs in with a demo login."""
    names = [shot.name for shot in SHOTS]
    assert len(set(names)) == len(names), names
    for shot in SHOTS:
        assert re.fullmatch(r"[a-z]+-[a-z0-9-]+", shot.name), shot.name
        assert shot.name.startswith(f"{shot.role}-"), shot.name
        assert shot.role in ACCOUNTS, shot.role
    assert {shot.role for shot in SHOTS} == set(ACCOUNTS), "a screenshot for every role"
