"""Every page at a phone's width (390 px) and a laptop's (1366 px): no horizontal overflow.

The pages are the GET routes of the authorization matrix (tests/authz/matrix.py) that answer
HTML, each opened as a role that may see it (anonymous for public pages and share links, the
signed-in user for "self" pages, the owner for an object's page, the allowed role for a role
page), plus the home page per role, the main allauth pages, the admin index, a QI project
with charts and the 404 page, over demo-like records. Each is loaded in Debian's Chromium at
390x844, then widened to 1366x900; a full-page screenshot of each lands in
test-artifacts/responsive/ and the test fails when the document is wider than the window,
naming the page and the outermost elements that stick out. The phone's width is checked
again with every <details> open, and for a few table-heavy pages without JavaScript.

A new page route in the matrix is covered without editing this file; a new route that
answers something other than HTML fails here until it is listed in NOT_PAGES.

Runs with CI=true (or BROWSER_TESTS=1).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.authz import builders
from tests.authz.matrix import ENTRIES

# django_db (not transactional): pytest-django then sets up the test database; the records
# are committed once by the `site` fixture, and each test only reads.
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "responsive"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
LONG_EMAIL = (
    "alexandria.montgomery-worthington@st-bartholomews-regional-medical-centre.example.test"
)

# GET routes of the matrix that answer something other than an HTML page.
NOT_PAGES: dict[str, str] = {
    "healthz": "JSON health check",
    "readyz": "JSON readiness check",
    "security_txt": "text/plain",
    "outcomes:plotly_js": "JavaScript file",
    "accounts:proof_download": "file download",
    "credits:certificate_download": "file download",
    "credits:shared_certificate": "file download",
    "credits:completion_badge": "JSON badge",
    "credits:transcript_csv": "CSV download",
    "credits:transcript_pdf": "PDF download",
    "credits:shared_pdf": "PDF download",
    "outcomes:report_pdf": "PDF download",
    "hub:feed": "Atom feed",
    "hub:feed_all": "Atom feed",
    "planner:plan_ical": "iCalendar download",
    "outcomes:activity_search": "htmx fragment (search results for the linked-CME picker)",
}
# "self" pages meant for another role than a clinician.
SELF_ROLE = {"catalog:provider_home": "provider"}
# allauth's pages (the matrix tests them as a group): those that render without a key or a
# pending login (confirm-email and password-reset-from-key need a key, the MFA code pages a
# half-finished login, the recovery-code pages an activated authenticator).
ALLAUTH_PAGES: list[tuple[str, str]] = [
    ("account_login", "anonymous"),
    ("account_signup", "anonymous"),
    ("account_reset_password", "anonymous"),
    ("account_reset_password_done", "anonymous"),
    ("account_email_verification_sent", "anonymous"),
    ("account_inactive", "anonymous"),
    ("account_email", "clinician_a"),
    ("account_change_password", "clinician_a"),
    ("account_logout", "clinician_a"),
    ("mfa_index", "clinician_a"),
    ("mfa_activate_totp", "clinician_a"),
    ("mfa_index", "admin"),
]


@dataclass(frozen=True)
class Case:
    id: str
    role: str
    name: str | None = None  # URL name
    builder: str | None = None  # tests/authz/builders.py function for the URL's kwargs
    path: str | None = None  # a literal path instead of a URL name
    qi_series: bool = False  # a QI project with a measured series, charts and tables


def _cases() -> list[Case]:
    cases: list[Case] = []
    for e in ENTRIES:
        if "GET" not in e.methods or e.name in NOT_PAGES:
            continue
        if e.name.startswith("api:") and e.name != "api:openapi-view":
            continue  # JSON
        if e.scope == "public":
            cases.append(Case(e.name, "anonymous", e.name))
        elif e.scope == "self":
            cases.append(Case(e.name, SELF_ROLE.get(e.name, "clinician_a"), e.name, e.builder))
        elif e.scope == "object":
            cases.append(Case(e.name, e.owner, e.name, e.builder))
        elif e.scope == "role":
            cases.append(Case(e.name, sorted(e.allowed)[0], e.name))
        elif e.scope == "token":
            cases.append(Case(e.name, "anonymous", e.name, e.builder))
        elif e.scope != "unused":
            raise ValueError(f"{e.name}: scope {e.scope!r} has no role to open it here")
    # The home page and the catalog differ by role (menus, dashboards).
    for role in ("clinician_a", "provider", "admin", "employer"):
        cases.append(Case(f"core:home@{role}", role, "core:home"))
    cases.append(Case("catalog:search@clinician_a", "clinician_a", "catalog:search"))
    for name, role in ALLAUTH_PAGES:
        cases.append(Case(f"{name}@{role}" if role == "admin" else name, role, name))
    cases.append(Case("outcomes:project_detail@series", "clinician_a", qi_series=True))
    cases.append(Case("admin:index", "admin", "admin:index"))
    cases.append(Case("404", "clinician_a", path="/no-such-page/"))
    return cases


# Pages drawn by their script after load: what to wait for before measuring.
READY = {"api:openapi-view": ".swagger-ui .information-container"}

# Pages checked once more at 390 px with JavaScript off (tables and filters have a CSS-only
# fallback): the widest tables, a table labelled in its template, and the catalog.
WITHOUT_JS = {
    "credits:dashboard",
    "credits:history",
    "credits:shared",
    "catalog:wishlist",
    "catalog:provider_home",
    "catalog:search@clinician_a",
    "accounts:licences",
    "accounts:tokens",
}

# Pages that still overflow because of a template this change does not own:
# {case id: the template change that fixes it}.
XFAIL: dict[str, str] = {}


def _params() -> list[Any]:
    return [
        pytest.param(
            c,
            id=c.id,
            marks=[pytest.mark.xfail(strict=True, reason=XFAIL[c.id])] if c.id in XFAIL else [],
        )
        for c in _cases()
    ]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        pytest.fail(
            "Debian's chromium package is required for browser tests (scripts/ensure-chromium.sh)"
        )
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # no screenshot of a page no longer checked
    ARTIFACTS.mkdir(parents=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
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
            ],
        )
        yield chromium
        chromium.close()


def _users() -> dict[str, Any]:
    """One user per role, as tests/authz/conftest.py makes them; clinician A is demo-like
    (a long email address, a name, licences, a board certification)."""
    from allauth.mfa.totp.internal.auth import TOTP

    from cmepath.accounts.models import Profile
    from tests.factories import UserFactory

    made = {
        "clinician_a": UserFactory(role="clinician", email=LONG_EMAIL),
        "clinician_b": UserFactory(role="clinician"),
        "employer": UserFactory(role="employer"),
        "provider": UserFactory(role="provider"),
        "provider_b": UserFactory(role="provider"),
        "editor": UserFactory(role="editor"),
        "admin": UserFactory(role="admin", is_staff=True, is_superuser=True),
    }
    for key in ("editor", "admin"):
        TOTP.activate(made[key], "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    Profile.objects.filter(user=made["clinician_a"]).update(
        first_name="Alexandria",
        last_name="Montgomery-Worthington",
        profession="MD",
        primary_specialty="207R00000X",
    )
    return made


def _world(users: dict[str, Any]) -> None:
    """Demo-like records so that tables, lists and cards have rows to lay out."""
    from cmepath.accounts.services import token_create
    from cmepath.catalog.services import activity_index_rebuild, wishlist_add
    from cmepath.credits.services import share_link_create
    from tests.catalog.factories import ProviderFactory, make_activity
    from tests.credits.factories import CompletionFactory
    from tests.factories import BoardCertificationFactory, LicenceFactory

    a = users["clinician_a"]
    LicenceFactory(user=a, state="CA", number="A-1234567-CALIFORNIA")
    LicenceFactory(user=a, state="TX", number="TX-M-99887766", expiry_date=date(2026, 8, 31))
    BoardCertificationFactory(user=a)
    CompletionFactory(
        user=a,
        title="Pain management and the prevention of opioid misuse: a case-based course",
        topics=["opioid_prescribing", "pain_management"],
        credits={"ama_pra_1": 3, "abim_moc": 3},
    )
    CompletionFactory(user=a, title="Implicit bias in clinical care", completed_on=date(2025, 3, 2))
    provider = ProviderFactory(name="Regional Continuing Medical Education Consortium")
    provider.members.add(users["provider"])
    long_title = "Antimicrobial stewardship in outpatient paediatrics: urinary tract infections"
    saved = make_activity(provider, title=long_title, topics=["quality_improvement"], cost=0)
    wishlist_add(actor=a, activity=saved)
    make_activity(
        provider,
        title="Opioid tapering workshop",
        topics=["opioid_prescribing", "pain_management"],
        delivery="live",
        state="TX",
        city="Austin",
        cost=450,
    )
    activity_index_rebuild()
    token_create(actor=a, name="Hospital credentialing system integration")
    share_link_create(actor=a, label="Medical staff office, St Bartholomew's Regional")
    builders.qi_project(users)


def _qi_series(users: dict[str, Any]) -> str:
    """Clinician A's QI project with a measured series (8 clinics x 24 months of synthetic
    counts, first-line use rising at the intervention), so that its charts and tables are
    drawn; returns its page's path."""
    from django.urls import reverse

    from cmepath.outcomes.models import Dataset, Project, SeriesPoint

    project = builders._qi_project(users)
    Project.objects.filter(pk=project.pk).update(
        intervention_date=date(2023, 1, 1),
        title="Pediatric UTI antibiotic stewardship across eight community clinics",
    )
    dataset = Dataset.objects.create(
        project=project,
        uploaded_by=users["clinician_a"],
        format="csv",
        kind="series",
        original_name="uti-series-2022-2023-all-clinics-synthetic.csv",
        status="done",
        progress=1.0,
    )
    points = []
    for c in range(8):
        for m in range(24):
            denominator = 40 + (c * 7 + m * 3) % 17
            rate = (0.43 if m < 12 else 0.62) + ((c * 5 + m * 11) % 9 - 4) / 100
            points.append(
                SeriesPoint(
                    project=project,
                    dataset=dataset,
                    measure_id="uti-first-line",
                    unit=f"Clinic {chr(65 + c)}",
                    period=f"{2022 + m // 12}-{m % 12 + 1:02d}",
                    numerator=round(rate * denominator),
                    denominator=denominator,
                )
            )
    SeriesPoint.objects.bulk_create(points)
    return reverse("outcomes:project_detail", kwargs={"pk": project.pk})


def _login(context: Any, user: Any, base_url: str) -> None:
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


_MEASURE = """() => {
  const vw = window.innerWidth, de = document.documentElement;
  const out = {scrollWidth: de.scrollWidth, innerWidth: vw,
    htmlOverflowX: getComputedStyle(de).overflowX,
    bodyOverflowX: getComputedStyle(document.body).overflowX, offenders: []};
  if (de.scrollWidth <= vw) return out;
  // Clipped by an ancestor's overflow: for an absolutely positioned element, only by its
  // containing block or above (a scrolling table does not clip a .sr-only span in a cell
  // unless the table is positioned).
  const clipped = (el) => {
    const position = getComputedStyle(el).position;
    if (position === "fixed") return false;
    let beforeContainingBlock = position === "absolute";
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (beforeContainingBlock) {
        if (s.position === "static" && s.transform === "none") continue;
        beforeContainingBlock = false;
      }
      if (s.overflowX !== "visible") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + (el.classList.length ? "." + [...el.classList].join(".") : "");
  const path = (el) => {
    const parts = [];
    for (let e = el; e && e !== document.body; e = e.parentElement) parts.unshift(name(e));
    return parts.slice(-4).join(" > ");
  };
  const bad = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > vw + 0.5 && !clipped(el)) bad.push({el, r});
  }
  const set = new Set(bad.map((b) => b.el));
  const outermost = bad.filter((b) => !set.has(b.el.parentElement));
  outermost.sort((x, y) => y.r.right - x.r.right);
  out.offenders = outermost.slice(0, 5).map((b) => ({
    element: path(b.el), right: Math.round(b.r.right), width: Math.round(b.r.width),
    text: (b.el.textContent || "").trim().replace(/\\s+/g, " ").slice(0, 60)}));
  return out;
}"""


_SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
# Open every <details> (the toggle events are queued as tasks: see the wait after it).
_OPEN_DETAILS = """() => {
  document.querySelectorAll("details:not([open])").forEach((d) => { d.open = true; });
}"""
# Every Plotly chart drawn, at its container's width.
_CHARTS_FIT = """() => [...document.querySelectorAll(".chart")].every((c) => {
  const svg = c.querySelector(".main-svg");
  return svg && Math.abs(svg.getBoundingClientRect().width - c.clientWidth) <= 1;
})"""


class Site:
    """The live server, one world of records and one signed-in browser context per role,
    shared by every page of this module (building them per page was most of its time)."""

    def __init__(self, base_url: str, urls: dict[str, str], contexts: dict[str, Any]):
        self.base_url, self.urls, self.contexts = base_url, urls, contexts

    def check(self, case: Case, *, javascript: bool = True) -> list[str]:
        """Load the page at a phone's width, then widen the window to a laptop's (one
        request per page: the layout at 1366 px is the same as after a fresh load, since
        nothing but CSS and Plotly's resize handler depends on the width); a screenshot and
        the overflow found at each width. Without JavaScript: the phone's width only."""
        url = self.urls[case.id]
        page = self.contexts[case.role if javascript else f"{case.role}/nojs"].new_page()
        page.set_default_timeout(15000)
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        try:
            response = page.goto(self.base_url + url)
            assert response is not None
            expected = 404 if case.path == "/no-such-page/" else 200
            assert response.status == expected, f"{case.id}: GET {url} -> {response.status}"
            kind = response.headers.get("content-type", "")
            assert kind.startswith("text/html"), (
                f"{case.id}: {url} answers {kind}: list the route in NOT_PAGES"
            )
            if javascript and case.id in READY:
                page.wait_for_selector(READY[case.id])
            problems = []
            widths = (PHONE, DESKTOP) if javascript else (PHONE,)
            for viewport in widths:
                page.set_viewport_size(viewport)
                problems.append(self._measure(page, case, url, viewport, javascript))
            # What a reader unfolds must fit a phone too: every <details> open (no screenshot).
            page.set_viewport_size(PHONE)
            page.evaluate(_OPEN_DETAILS)
            page.wait_for_timeout(50)  # site.js's toggle handler; no page timers without JS
            problems.append(self._measure(page, case, url, PHONE, javascript, True))
            if javascript and case.id not in SHOWS_CODES:
                problems.append(_raw_codes(case, url, page.evaluate(_VISIBLE_PROSE)))
        finally:
            page.close()
        csp = [e for e in errors if "Content Security Policy" in e]
        assert not csp, f"{case.id}: {csp}"
        return [p for p in problems if p]

    def _measure(  # noqa: PLR0913
        self,
        page: Any,
        case: Case,
        url: str,
        viewport: dict[str, int],
        javascript: bool,
        unfolded: bool = False,
    ) -> str:
        if javascript:
            page.evaluate(_SETTLED)
            if page.locator(".chart").count():  # Plotly draws after load, and again on resize
                page.wait_for_function(_CHARTS_FIT)
        if not unfolded:
            name = case.id.replace(":", "_") + ("" if javascript else "-nojs")
            page.screenshot(path=str(ARTIFACTS / f"{name}-{viewport['width']}.png"), full_page=True)
        m = page.evaluate(_MEASURE)
        assert m["htmlOverflowX"] not in ("hidden", "clip"), "html hides its overflow"
        assert m["bodyOverflowX"] not in ("hidden", "clip"), "body hides its overflow"
        if m["scrollWidth"] <= m["innerWidth"]:
            return ""
        culprits = "; ".join(
            f"{o['element']} (right {o['right']}px, {o['width']}px wide: {o['text']!r})"
            for o in m["offenders"]
        )
        return (
            f"{case.id} ({url}){'' if javascript else ' without JavaScript'}"
            f"{' with every <details> open' if unfolded else ''} at"
            f" {viewport['width']} px is {m['scrollWidth']} px wide;"
            f" sticking out: {culprits or 'nothing found'}"
        )


# Pages whose subject is the codes themselves (the API reference documents field values).
SHOWS_CODES = {"api:openapi-view"}
# The page's text (screen-reader-only text and select options included) without <code>,
# <pre> and <kbd>: a file format's column codes are shown as code on purpose.
_VISIBLE_PROSE = """() => {
  const copy = document.body.cloneNode(true);
  copy.querySelectorAll("code, pre, kbd, script, style, template").forEach((e) => e.remove());
  return copy.textContent;
}"""
_SNAKE = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")


def _label_codes() -> frozenset[str]:
    """Codes that have a label: credit types, topics, competencies and the status and
    provenance words the pages translate. One of them in a page's visible text is a raw
    code where a label exists."""
    from cmepath.core.vocabulary import COMPETENCIES, CREDIT_TYPES, TOPICS

    words = {"not_covered", "at_risk", "not_applicable", "self_reported", "provider_reported"}
    codes = {*CREDIT_TYPES, *TOPICS, *COMPETENCIES, *words}
    return frozenset(c for c in codes if "_" in c)


def _raw_codes(case: Case, url: str, text: str) -> str:
    found = sorted(set(_SNAKE.findall(text)) & _label_codes())
    if not found:
        return ""
    return f"{case.id} ({url}) shows raw codes where a label exists: {', '.join(found)}"


def _url(case: Case, users: dict[str, Any]) -> str:
    from django.urls import reverse

    if case.qi_series:
        return _qi_series(users)
    if case.path:
        return case.path
    kwargs = getattr(builders, case.builder)(users)[1] if case.builder else {}
    return reverse(case.name, kwargs=kwargs)


@pytest.fixture(scope="module")
def site(browser, django_db_setup, django_db_blocker, tmp_path_factory):
    """A live server of its own over records committed once for the module (every page's
    objects included), emptied afterwards as a transactional test's teardown does. Each
    test only reads (its django_db transaction is rolled back; the live server shares the
    in-memory SQLite connection, as the browser tests run on SQLite)."""
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    from cmepath.core import audit_guard

    cases = _cases()
    contexts: dict[str, Any] = {}
    server = None
    with django_db_blocker.unblock():
        if not (connection.vendor == "sqlite" and connection.is_in_memory_db()):
            name = connection.settings_dict["NAME"]
            pytest.fail(f"the responsive pages need the in-memory SQLite test database: {name}")
    with override_settings(CMEPATH_SEARCH_DIR=tmp_path_factory.mktemp("search")):
        try:
            with django_db_blocker.unblock():
                users = _users()
                _world(users)
                urls = {c.id: _url(c, users) for c in cases}
                server = LiveServer("localhost")
                nojs = {f"{c.role}/nojs" for c in cases if c.id in WITHOUT_JS}
                for key in {c.role for c in cases} | nojs:
                    role = key.removesuffix("/nojs")
                    contexts[key] = browser.new_context(
                        viewport=PHONE, java_script_enabled=not key.endswith("/nojs")
                    )
                    if role != "anonymous":
                        _login(contexts[key], users[role], server.url)
            yield Site(server.url, urls, contexts)
        finally:
            for context in contexts.values():
                context.close()
            if server is not None:
                server.stop()
            with django_db_blocker.unblock():
                with connection.cursor() as cursor:
                    audit_guard.uninstall(cursor, connection.vendor)
                call_command("flush", interactive=False, verbosity=0)
                with connection.cursor() as cursor:
                    audit_guard.install(cursor, connection.vendor)


@pytest.mark.parametrize("case", _params())
def test_page_has_no_horizontal_overflow(case: Case, site: Site):
    problems = site.check(case)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", [c for c in _cases() if c.id in WITHOUT_JS], ids=lambda c: c.id)
def test_page_has_no_horizontal_overflow_without_javascript(case: Case, site: Site):
    """site.js only enhances: without it a table too wide for a phone scrolls inside itself
    and the catalog's filters follow its results."""
    problems = site.check(case, javascript=False)
    assert not problems, "\n".join(problems)


def test_catalog_filters_sit_behind_a_button_on_phones(site: Site):
    """At 390 px the results come first and the facet panel opens from a "Filters" button
    (site.js), which keeps its state across htmx's swaps; at 1366 px the panel is beside
    the results and the button is gone."""
    page = site.contexts["clinician_a"].new_page()
    page.set_default_timeout(15000)
    try:
        page.set_viewport_size(PHONE)
        page.goto(f"{site.base_url}/catalog/")
        page.wait_for_load_state("networkidle")  # htmx is wired once its script has run
        toggle = page.locator(".filters-toggle")
        panel = page.locator(".catalog-facets")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert panel.is_hidden()
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true" and panel.is_visible()
        heading = page.locator("#results-h").bounding_box()
        assert panel.bounding_box()["y"] < heading["y"]  # open: between the button and results
        page.check("input[name=delivery][value=live]")
        page.wait_for_selector("#results-h:has-text('1 activity')")
        assert page.locator(".filters-toggle").get_attribute("aria-expanded") == "true"
        ticked = page.locator(".catalog-facets input:checked").count()  # the live one and more
        assert ticked >= 1
        assert page.locator(".filters-toggle").inner_text().startswith(f"Filters ({ticked} on)")
        page.locator(".filters-toggle").click()
        assert page.locator(".catalog-facets").is_hidden()
        page.set_viewport_size(DESKTOP)
        assert page.locator(".filters-toggle").is_hidden()
        assert page.locator(".catalog-facets").is_visible()
    finally:
        page.close()
