"""Every API schema has a name of its own.

The OpenAPI document keys its component schemas by class name: two classes with the same
name in different apps silently become one entry, and the API docs then describe one of the
two operations wrongly (a planner ``CredentialOut`` once replaced the credits one). Shared
shapes live once in ``cmepath.core.schemas``.
"""

from __future__ import annotations

import importlib
import inspect
from collections import defaultdict

from pydantic import BaseModel

import cmepath.api  # noqa: F401  (registers every app's router)

API_MODULES = [
    "cmepath.core.schemas",
    "cmepath.api",
    *(
        f"cmepath.{app}.api"
        for app in ("accounts", "catalog", "credits", "outcomes", "jobs", "hub", "planner")
    ),
]


def test_no_two_api_schemas_share_a_name() -> None:
    seen: dict[str, set[str]] = defaultdict(set)
    for name in API_MODULES:
        module = importlib.import_module(name)
        for cls_name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseModel) and cls.__module__ == name:
                seen[cls_name].add(name)
    clashes = {n: sorted(mods) for n, mods in seen.items() if len(mods) > 1}
    assert not clashes, f"rename one of each (or share it in cmepath.core.schemas): {clashes}"


def test_the_openapi_document_keeps_every_schema() -> None:
    from cmepath.api import api

    schemas = api.get_openapi_schema()["components"]["schemas"]
    for name in ("CompletionCreditOut", "CreditOut", "GoalCredentialOut", "CredentialOut"):
        assert name in schemas, name
    assert "pharmacology_hours" in schemas["CreditOut"]["properties"]
    assert "regime_ids" in schemas["CredentialOut"]["properties"]
    assert "requirements" in schemas["GoalCredentialOut"]["properties"]
