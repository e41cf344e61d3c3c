"""The load test's anchor: a minimal templated Django page as a WSGI app (gunicorn bench.anchor_app).

Same Django, one view rendering a small template (title + 20-item loop), SecurityMiddleware
and CommonMiddleware, no database. ``make load`` serves it beside cmepath with the same
gunicorn settings and drives it with the same locust at the base rate.
"""

from __future__ import annotations

import django
from django.conf import settings

TEMPLATE = """<!doctype html><html><head><title>{{ title }}</title></head><body>
<h1>{{ title }}</h1><ul>{% for item in items %}<li>{{ item.name }}: {{ item.value }}</li>{% endfor %}</ul>
</body></html>"""

if not settings.configured:
    settings.configure(
        DEBUG=False,
        SECRET_KEY="anchor-only-" + "x" * 40,
        ROOT_URLCONF=__name__,
        ALLOWED_HOSTS=["127.0.0.1", "localhost"],
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

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.shortcuts import render  # noqa: E402
from django.urls import path  # noqa: E402


def page(request: HttpRequest) -> HttpResponse:
    items = [{"name": f"item {i}", "value": i * 3} for i in range(20)]
    return render(request, "page.html", {"title": "Minimal page", "items": items})


urlpatterns = [path("", page)]
application = get_wsgi_application()
