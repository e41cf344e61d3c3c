"""The screenshots of docs/tour.md and the README, taken over the demo data in Chromium.

Every demo role signs in through the sign-in form (the demo password; the administrator
and the editor also give the TOTP code, as in `cmepath demo_totp`) and opens the pages it
acts on, at 1366 px wide (the clinician's home also at 390 px). Each page must answer 200,
show its heading and be no wider than the window; a screenshot of it is always taken.

The screenshots go to pytest's tmp_path, so a plain run changes no tracked file. With
UPDATE_TOUR=1, and every page passing, they replace docs/tour/<role>-<page>.png and
docs/screenshot-home.png (the clinician's home, its first 900 px):

    UPDATE_TOUR=1 BROWSER_TESTS=1 DJANGO_ALLOW_ASYNC_UNSAFE=true \\
        .venv/bin/pytest tests/browser/test_tour.py

tests/core/test_tour_doc.py checks that docs/tour.md shows every screenshot of SHOTS and
nothing else, without a browser.

Runs with CI=true (or BROWSER_TESTS=1).
"""

from __future__ import annotations

import io
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs"
TOUR = DOCS / "tour"
README_SHOT = DOCS / "screenshot-home.png"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
#: A full page is cut at this height (px): the tour shows what a page opens with.
MAX_HEIGHT = 2000
#: Colours kept in a saved PNG (a palette keeps each file far under 250 KB).
COLOURS = 256


@dataclass(frozen=True)
class Shot:
    """One screenshot: ``docs/tour/<name>.png``."""

    name: str
    role: str  # a key of ACCOUNTS
    path: str
    heading: str  # a regex matching the start of the first heading (h1, else h2) in <main>
    follow: str | None = None  # open `path`, then the link this selector finds
    phone: bool = False  # 390 px wide instead of 1366


#: The demo logins (src/cmepath/demo/services.py) by role.
ACCOUNTS = {
    "clinician": "ada.demo@demo.cmepath.invalid",
    "provider": "provider@demo.cmepath.invalid",
    "employer": "employer@demo.cmepath.invalid",
    "editor": "editor@demo.cmepath.invalid",
    "admin": "admin@demo.cmepath.invalid",
}
#: Roles that sign in with a TOTP code after the password.
TOTP_ROLES = {"editor", "admin"}

SHOTS: list[Shot] = [
    Shot("clinician-home", "clinician", "/", "Welcome, Ada"),
    Shot("clinician-home-390", "clinician", "/", "Welcome, Ada", phone=True),
    Shot("clinician-compliance", "clinician", "/credits/", "Compliance as of"),
    # the first gap's "Find CME for this" on the home page
    Shot("clinician-catalog", "clinician", "/", "Find CME", follow="[data-testid=gap] a.button"),
    # the demo's saved plan, from the planner's list
    Shot(
        "clinician-planner",
        "clinician",
        "/planner/",
        r".+: \d+-month plan",  # the plan page's first heading is the plan's h2
        follow="#plan-result a[href^='/planner/plans/']",
    ),
    Shot("clinician-jobs", "clinician", "/jobs/for-you/", "Jobs for you"),
    Shot("clinician-hub", "clinician", "/hub/", "Knowledge hub"),
    Shot("provider-home", "provider", "/", "Welcome"),
    Shot("employer-home", "employer", "/", "Welcome"),
    Shot("employer-vacancies", "employer", "/jobs/employer/", "Your vacancies"),
    Shot("editor-home", "editor", "/", "Welcome"),
    Shot("editor-review", "editor", "/hub/review/", "Review queue"),
    Shot("admin-home", "admin", "/", "Welcome"),
    Shot("admin-verification", "admin", "/me/verification/", "Verification queue"),
]
#: The README's picture: the clinician's home at 1366 px, its first screen.
README_FROM = "clinician-home"

_WIDTH = """() => {
  const vw = window.innerWidth;
  const wide = [...document.body.querySelectorAll("*")]
    .filter((el) => el.getBoundingClientRect().right > vw + 0.5)
    .filter((el) => !(el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 0.5))
    .slice(0, 3)
    .map((el) => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""));
  return {doc: document.documentElement.scrollWidth, window: vw, wide};
}"""
_SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _png(data: bytes, *, height: int | None = None) -> bytes:
    """Chromium's PNG with a 256-colour palette (text and flat colours stay sharp), cut to
    ``height`` px when given."""
    from PIL import Image

    image = Image.open(io.BytesIO(data)).convert("RGB")
    if height is not None and image.height > height:
        image = image.crop((0, 0, image.width, height))
    out = io.BytesIO()
    image.quantize(colors=COLOURS, method=Image.Quantize.MEDIANCUT).save(
        out, format="PNG", optimize=True
    )
    return out.getvalue()


def _sign_in(context: Any, base_url: str, role: str) -> None:
    from cmepath.demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET
    from tests.browser.test_identity_journey import _totp_now

    page = context.new_page()
    try:
        page.goto(f"{base_url}/accounts/login/")
        page.fill("input[name=login]", ACCOUNTS[role])
        page.fill("input[name=password]", DEMO_PASSWORD)
        with page.expect_navigation():
            page.click("form button[type=submit]")
        if role in TOTP_ROLES:
            page.fill("input[name=code]", _totp_now(DEMO_TOTP_SECRET))
            with page.expect_navigation():
                page.click("form button[type=submit]")
        assert page.url == f"{base_url}/", f"{role}: signed in at {page.url}"
    finally:
        page.close()


def _take(context: Any, base_url: str, shot: Shot) -> tuple[bytes, list[str]]:
    """Open the shot's page; its screenshot (full page, Chromium's PNG) and what is wrong."""
    problems: list[str] = []
    page = context.new_page()
    page.set_viewport_size(PHONE if shot.phone else DESKTOP)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        response = page.goto(base_url + shot.path)
        if shot.follow:
            link = page.locator(shot.follow).first
            href = link.get_attribute("href")
            assert href, f"{shot.name}: no link {shot.follow!r} on {shot.path}"
            response = page.goto(base_url + href if href.startswith("/") else href)
        assert response is not None
        page.wait_for_load_state("networkidle")  # htmx and site.js have run
        page.evaluate(_SETTLED)
        where = f"{shot.name} ({page.url.removeprefix(base_url)})"
        if response.status != 200:
            problems.append(f"{where}: status {response.status}")
        heading = page.locator("main h1, main h2").first.inner_text().strip()
        if not re.match(shot.heading, heading):
            problems.append(f"{where}: heading {heading!r}, expected {shot.heading!r}...")
        m = page.evaluate(_WIDTH)
        if m["doc"] > m["window"]:
            problems.append(f"{where}: {m['doc']} px wide at {m['window']} px: {m['wide']}")
        problems += [f"{where}: {e}" for e in errors if "Content Security Policy" in e]
        return page.screenshot(full_page=True), problems
    finally:
        page.close()


def _browser(pw: Any) -> Any:
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail(
            "Debian's chromium package is required for browser tests (scripts/ensure-chromium.sh)"
        )
    return pw.chromium.launch(
        executable_path=executable,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ],
    )


def test_tour_pages_load_fit_and_are_photographed(live_server, settings, tmp_path):
    from playwright.sync_api import sync_playwright

    from cmepath.demo.services import demo_load

    # given the demo data, as `make run` loads it (its files and indexes in tmp_path)
    settings.DATA_DIR = tmp_path / "data"
    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    demo_load()
    base_url = live_server.url
    problems: list[str] = []
    pictures: dict[str, bytes] = {}  # file name -> PNG

    with sync_playwright() as pw:
        browser = _browser(pw)
        try:
            contexts: dict[str, Any] = {}
            for shot in SHOTS:
                # when each role signs in once and opens its pages
                if shot.role not in contexts:
                    contexts[shot.role] = browser.new_context(viewport=DESKTOP)
                    contexts[shot.role].set_default_timeout(30000)
                    _sign_in(contexts[shot.role], base_url, shot.role)
                data, found = _take(contexts[shot.role], base_url, shot)
                problems += found
                pictures[f"tour/{shot.name}.png"] = _png(data, height=MAX_HEIGHT)
                if shot.name == README_FROM:
                    pictures[README_SHOT.name] = _png(data, height=DESKTOP["height"])
        finally:
            browser.close()

    # the docs get the screenshots only on request, and only when every page passed
    folder = DOCS if os.environ.get("UPDATE_TOUR") == "1" and not problems else tmp_path
    for name, png in pictures.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(png)
    # then every page loaded, with its heading, and fits its width
    assert not problems, "\n".join([*problems, f"screenshots in {folder}"])
    # and no screenshot is blank (a plain page compresses to a few kilobytes)
    blank = [name for name, png in pictures.items() if len(png) < 10_000]
    assert not blank, blank
