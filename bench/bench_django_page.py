"""The anchor for the load test: a minimal templated Django page against cmepath's pages.

    python bench/bench_django_page.py [--requests 2000]

Each side runs in its own process through Django's test client (no network, one
thread), so the figure is the framework's own cost per request:

* anchor: a bare Django project, one view rendering a small template (a title and a
  20-item loop), the same Django version, SecurityMiddleware + CommonMiddleware;
* cmepath: the anonymous landing page ``/`` and ``/healthz`` with the full middleware
  stack (sessions, CSRF, CSP, allauth, axes, ...), dev settings on a temporary SQLite,
  and ``/healthz`` signed in (session and user loaded: the floor of every signed-in page).

Writes ``bench/results/django_page.json`` (landing page vs anchor; ratio = how many
times the anchor's time per request) with CPU ms per request and requests per second
for each. ``make load`` compares its measured CPU ms per request under gunicorn with
these figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

TEMPLATE = """<!doctype html><html><head><title>{{ title }}</title></head><body>
<h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item.name }}: {{ item.value }}</li>{% endfor %}</ul>
</body></html>"""


def _measure(client, path: str, n: int) -> dict:
    for _ in range(50):  # warm-up: template caches, URL resolver, lazy imports
        assert client.get(path).status_code == 200
    times = []
    cpu0 = time.process_time()
    wall0 = time.perf_counter()
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - t0)
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code}")
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    return {"times": times, "rps": n / wall, "cpu_ms": cpu / n * 1000}


def child_anchor(n: int) -> dict:
    import django
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-only-" + "x" * 40,
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["testserver"],
        MIDDLEWARE=[
            "django.middleware.security.SecurityMiddleware",
            "django.middleware.common.CommonMiddleware",
        ],
        TEMPLATES=[
            {
                "BACKEND": "django.template.backends.django.DjangoTemplates",
                "OPTIONS": {
                    "loaders": [("django.template.loaders.locmem.Loader", {"page.html": TEMPLATE})]
                },
            }
        ],
        INSTALLED_APPS=[],
    )
    django.setup()
    from django.shortcuts import render
    from django.test import Client
    from django.urls import path

    def page(request):
        items = [{"name": f"item {i}", "value": i * 3} for i in range(20)]
        return render(request, "page.html", {"title": "Minimal page", "items": items})

    globals()["urlpatterns"] = [path("", page)]
    return {"anchor": _measure(Client(), "/", n)}


def child_app(n: int) -> dict:
    os.environ["DJANGO_SETTINGS_MODULE"] = "cmepath.settings.dev"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    call_command("migrate", verbosity=0)
    client = Client()
    out = {"landing": _measure(client, "/", n), "healthz": _measure(client, "/healthz", n)}
    # the floor of every signed-in page: session, user and the middleware around a view that does nothing
    from cmepath.accounts.models import User

    signed_in = Client()
    signed_in.force_login(User.objects.create_user(email="bench@example.invalid", password=None))
    out["healthz_signed_in"] = _measure(signed_in, "/healthz", n)
    return out


def run_child(kind: str, n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-page-") as tmp:
        env = {**os.environ, "CMEPATH_DATA_DIR": tmp, "CMEPATH_LOG_LEVEL": "ERROR"}
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT.parent / "src"), env.get("PYTHONPATH", "")])
        proc = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, __file__, "--child", kind, "--requests", str(n)],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp,
            check=False,
        )
    if proc.returncode != 0:
        raise SystemExit(f"{kind} child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--child", choices=["anchor", "app"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        out = child_anchor(args.requests) if args.child == "anchor" else child_app(args.requests)
        sys.stdout.write(json.dumps(out) + "\n")
        return

    from harness import write_result

    anchor = run_child("anchor", args.requests)["anchor"]
    app = run_child("app", args.requests)
    ms = [t * 1000 for t in app["landing"]["times"]]
    anchor_ms = [t * 1000 for t in anchor["times"]]
    extra = {
        "requests_per_side": args.requests,
        "anchor_rps": round(anchor["rps"]),
        "anchor_cpu_ms_per_request": round(anchor["cpu_ms"], 3),
        "landing_rps": round(app["landing"]["rps"]),
        "landing_cpu_ms_per_request": round(app["landing"]["cpu_ms"], 3),
        "healthz_rps": round(app["healthz"]["rps"]),
        "healthz_cpu_ms_per_request": round(app["healthz"]["cpu_ms"], 3),
        "healthz_signed_in_cpu_ms_per_request": round(app["healthz_signed_in"]["cpu_ms"], 3),
        "note": "Django test client, one process, no network; gunicorn adds HTTP parsing and WSGI overhead.",
    }
    out = write_result(
        "django_page",
        size=args.requests,
        samples=ms,
        anchor_samples=anchor_ms,
        unit="ms",
        anchor_name="minimal templated Django page",
        extra=extra,
        target="landing page <= 5x the minimal page's time per request",
    )
    print(f"{'':10}{'req/s':>8}{'CPU ms/req':>12}")
    print(f"{'anchor':10}{anchor['rps']:8.0f}{anchor['cpu_ms']:12.3f}")
    print(f"{'landing':10}{app['landing']['rps']:8.0f}{app['landing']['cpu_ms']:12.3f}")
    print(f"{'healthz':10}{app['healthz']['rps']:8.0f}{app['healthz']['cpu_ms']:12.3f}")
    print(
        f"{'healthz, signed in':10}{app['healthz_signed_in']['rps']:8.0f}{app['healthz_signed_in']['cpu_ms']:12.3f}"
    )
    print(f"wrote {out.relative_to(ROOT.parent)}")


if __name__ == "__main__":
    main()
