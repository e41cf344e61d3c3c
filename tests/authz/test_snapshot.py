"""Refactoring guard: routes, the OpenAPI schema and the status every role gets stay as committed.

The structure issue reshapes modules with behaviour unchanged. These tests compare what an
outside client sees against snapshots committed before the reshaping:

- ``routes.json``: every URL name and its pattern;
- ``openapi.json``: the whole API schema, byte for byte (after a stable JSON dump);
- ``statuses.json``: for every matrix entry, the status code each role gets for each method.

A deliberate change (a new route, a new field) regenerates the snapshots with
``UPDATE_SNAPSHOTS=1 pytest tests/authz/test_snapshot.py`` and the diff is reviewed in the
same commit; an accidental one fails here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from tests.authz import builders
from tests.authz.matrix import ENTRIES, ROLES
from tests.authz.test_matrix import _body, _call, _client, _route_names

SNAPSHOTS = Path(__file__).parent / "snapshots"


def _dump(obj: Any) -> str:
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _check(name: str, obj: Any) -> None:
    path = SNAPSHOTS / name
    text = _dump(obj)
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} missing: run with UPDATE_SNAPSHOTS=1 once and commit it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the committed snapshot; if the change is deliberate, regenerate it "
        "with UPDATE_SNAPSHOTS=1 and commit the diff"
    )


def test_route_table_matches_snapshot():
    _check("routes.json", _route_names())


def test_openapi_schema_matches_snapshot(client):
    _check("openapi.json", client.get("/api/v1/openapi.json").json())


@pytest.mark.django_db
def test_status_per_role_matches_snapshot(users: dict[str, Any]):
    """Each entry on fresh objects; the owner (and allowed roles) go last so their writes
    cannot change what the others see."""
    observed: dict[str, dict[str, int]] = {}
    for entry in ENTRIES:
        if entry.scope == "unused":
            continue
        kwargs: dict[str, Any] = {}
        if entry.builder:
            _, kwargs = getattr(builders, entry.builder)(users)
        url = reverse(entry.name, kwargs=kwargs)
        first = [r for r in ROLES if r != entry.owner and r not in entry.allowed]
        last = [r for r in ROLES if r not in first]
        row: dict[str, int] = {}
        for role in first + last:
            for method in entry.methods:
                row[f"{role} {method}"] = _call(
                    _client(users, role), method, url, _body(entry, users)
                ).status_code
        observed[entry.name] = row
    _check("statuses.json", observed)
