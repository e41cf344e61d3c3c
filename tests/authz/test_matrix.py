"""Generated authorization tests: every route x every role x someone else's object."""

from __future__ import annotations

from typing import Any

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.authz import builders
from tests.authz.matrix import ADMIN_NAMESPACE, ALLAUTH_PREFIXES, ENTRIES, ROLES, Entry

DENIED = {302, 401, 403, 404, 405}


def _route_names() -> dict[str, str]:
    names: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str = "", ns: str | None = None) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                inner = (
                    ns if p.namespace is None else (f"{ns}:{p.namespace}" if ns else p.namespace)
                )
                walk(p.url_patterns, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern):
                name = (f"{ns}:" if ns else "") + str(p.name)
                names[name] = prefix + str(p.pattern)

    walk(get_resolver().url_patterns)
    return names


def test_matrix_covers_every_route():
    """Meta-test: a route missing from the matrix fails the build until someone adds it."""
    listed = {e.name for e in ENTRIES}
    missing = sorted(
        name
        for name in _route_names()
        if name not in listed
        and not name.startswith(ALLAUTH_PREFIXES)
        and not name.startswith(f"{ADMIN_NAMESPACE}:")
    )
    assert missing == [], f"add these routes to tests/authz/matrix.py: {missing}"
    stale = sorted(listed - set(_route_names()))
    assert stale == [], f"these matrix entries name no route: {stale}"


def test_matrix_covers_every_api_operation(client):
    schema = client.get("/api/v1/openapi.json").json()
    operations = {(path, method.upper()) for path, ops in schema["paths"].items() for method in ops}
    covered = set()
    for e in ENTRIES:
        if not e.name.startswith("api:"):
            continue
        pattern = "/" + _route_names()[e.name]
        path = pattern.replace("<", "{").replace(">", "}")
        for method in e.methods:
            covered.add((path, method))
    assert operations - covered == set(), (
        f"API operations missing from the matrix: {sorted(operations - covered)}"
    )


def _body(entry: Entry, users: dict[str, Any]) -> dict[str, Any] | None:
    """Entry bodies may name a user as "<role>": replaced by that user's email."""
    if entry.body is None:
        return None
    return {
        k: (
            users[v[1:-1]].email
            if isinstance(v, str) and v.startswith("<") and v.endswith(">")
            else v
        )
        for k, v in entry.body.items()
    }


def _client(users: dict[str, Any], role: str) -> Client:
    c = Client()
    if role != "anonymous":
        c.force_login(users[role])
    return c


def _call(c: Client, method: str, url: str, body: dict[str, Any] | None) -> Any:
    if url.startswith("/api/"):
        import json

        return c.generic(method, url, json.dumps(body or {}), content_type="application/json")
    if method == "GET":
        return c.get(url)
    return c.post(url, body or {})


def _snapshot(obj: Any) -> dict[str, Any] | None:
    model = type(obj)
    fresh = model._default_manager.filter(pk=obj.pk).first()
    return None if fresh is None else model_to_dict(fresh)


def _cases(scope: str) -> list[Any]:
    return [pytest.param(e, id=e.name) for e in ENTRIES if e.scope == scope]


@pytest.mark.parametrize("entry", _cases("object"))
def test_no_role_acts_on_someone_elses_object(entry: Entry, users):
    builder = getattr(builders, entry.builder or "")
    obj, kwargs = builder(users)
    url = reverse(entry.name, kwargs=kwargs)
    before = _snapshot(obj)
    for role in ROLES:
        if role == entry.owner or role in entry.allowed:
            continue
        for method in entry.methods:
            response = _call(_client(users, role), method, url, _body(entry, users))
            assert response.status_code in DENIED, (
                f"{role} {method} {url} -> {response.status_code}"
            )
            assert _snapshot(obj) == before, f"{role} {method} {url} changed the object"


@pytest.mark.parametrize("entry", _cases("object"))
def test_owner_and_allowed_roles_reach_the_object(entry: Entry, users):
    """The matrix is not vacuous: the owner (or the allowed role) gets through."""
    builder = getattr(builders, entry.builder or "")
    _, kwargs = builder(users)
    url = reverse(entry.name, kwargs=kwargs)
    role = (
        next(iter(sorted(entry.allowed)))
        if entry.allowed and "proof_decide" in entry.name
        else entry.owner
    )
    response = _call(_client(users, role), entry.methods[0], url, _body(entry, users))
    # 4xx validation answers (e.g. an upload without a file) still prove the route let them in.
    assert response.status_code not in {401, 403, 404} and response.status_code < 500, (
        f"{role} {entry.methods[0]} {url} -> {response.status_code}"
    )


@pytest.mark.parametrize("entry", _cases("self"))
def test_anonymous_is_refused_self_routes(entry: Entry, users):
    kwargs = getattr(builders, entry.builder)(users)[1] if entry.builder else {}
    url = reverse(entry.name, kwargs=kwargs)
    for method in entry.methods:
        response = _call(_client(users, "anonymous"), method, url, _body(entry, users))
        assert response.status_code in {302, 401, 403}, (
            f"anonymous {method} {url} -> {response.status_code}"
        )


@pytest.mark.parametrize("entry", _cases("role"))
def test_role_routes_refuse_other_roles(entry: Entry, users):
    url = reverse(entry.name)
    for role in ROLES:
        response = _call(_client(users, role), entry.methods[0], url, _body(entry, users))
        if role in entry.allowed:
            assert response.status_code == 200, f"{role} {url} -> {response.status_code}"
        else:
            assert response.status_code in DENIED, f"{role} {url} -> {response.status_code}"


@pytest.mark.parametrize("entry", _cases("public"))
def test_public_routes_answer_everyone(entry: Entry, users):
    url = reverse(entry.name)
    for role in ("anonymous", "clinician_b", "admin"):
        for method in entry.methods:
            status = _call(_client(users, role), method, url, _body(entry, users)).status_code
            if method == "GET":
                assert status == 200, f"{role} {method} {url} -> {status}"
            else:  # e.g. badge verification: no sign-in needed, bad input is a 4xx
                assert status not in {401, 403} and status < 500, (
                    f"{role} {method} {url} -> {status}"
                )


@pytest.mark.parametrize("entry", _cases("token"))
def test_capability_urls_need_the_right_token(entry: Entry, users):
    _, kwargs = getattr(builders, entry.builder or "")(users)
    url = reverse(entry.name, kwargs=kwargs)
    wrong = reverse(entry.name, kwargs={**kwargs, "token": "x" * len(kwargs["token"])})
    for role in ROLES:
        assert _call(_client(users, role), "GET", url, None).status_code == 200, f"{role} {url}"
        assert _call(_client(users, role), "GET", wrong, None).status_code == 404, f"{role} {wrong}"


def test_admin_site_is_for_admins_only(users):
    urls = [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/core/auditevent/",
        "/admin/accounts/licenceproof/",
    ]
    for role in ROLES:
        for url in urls:
            status = _call(_client(users, role), "GET", url, None).status_code
            if role == "admin":
                assert status == 200, f"admin {url} -> {status}"
            else:
                assert status in DENIED, f"{role} {url} -> {status}"


def test_admin_login_goes_through_allauth_and_totp(client):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
