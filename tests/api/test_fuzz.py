"""API contract fuzzing (security-checks row 27): schemathesis against /api/v1/openapi.json.

Every operation, for each role's personal access token, with all of schemathesis's
default checks: no 5xx, status codes and bodies conform to the schema, and invalid input
is rejected (4xx). The app is called in-process through WSGI, inside the test's
transaction. ``FUZZ_EXAMPLES`` sets the examples per operation and role (default 10: 2-3
minutes on two workers, so it runs when ``CI=true`` or ``FUZZ_EXAMPLES`` is set, and is
skipped in a plain local ``make test``; ``make fuzz`` runs 200).

The served schema is fuzzed as it is: it documents the one error shape
(``{code, message, errors}``) for 400/401/403/404/409/422 on every operation
(``cmepath.api.CmepathAPI``), and the two tests below keep it that way.
"""

from __future__ import annotations

import json
import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from django.test import Client
from hypothesis import HealthCheck, Phase
from hypothesis import settings as hypothesis_settings
from schemathesis.config import SchemathesisConfig

from tests.factories import BoardCertificationFactory, LicenceFactory, UserFactory

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
ROLES = ["clinician", "employer", "provider", "editor", "admin"]
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - test fixture
SCHEMA_PATH = "/api/v1/openapi.json"
ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message", "errors"],
    "properties": {
        "code": {"type": "string"},
        "message": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
}


def _served_schema() -> dict:
    # Serving the schema touches no database, so it can load at collection time.
    response = Client().get(SCHEMA_PATH)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


# Schema-valid data may still break a domain rule the schema cannot state (expiry after
# issue, a known NUCC code, the NPI check digit): the API answers 422 for those, so 422 is
# an accepted answer to schema-valid data. Everything else is schemathesis's default.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429", "5xx"]
            }
        },
    }
)
RAW_SCHEMA = _served_schema()
schema = schemathesis.openapi.from_dict(RAW_SCHEMA, config=CONFIG)
schema.app = get_wsgi_application()
schema.location = SCHEMA_PATH


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI app would close "old" connections at each request, which on PostgreSQL
    closes the test's own transaction; Django's test client disconnects that handler too."""
    from django.core.signals import request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)


@pytest.fixture
def role_token(role, db):
    """A user of the role with a licence and a board cert to act on, and a token."""
    from allauth.mfa.totp.internal.auth import TOTP

    from cmepath.accounts.services import token_create

    # Admin and editor tokens need an admin's permission (api_tokens_allowed).
    user = UserFactory(
        role=role,
        is_staff=role == "admin",
        is_superuser=role == "admin",
        api_tokens_allowed=role in ("admin", "editor"),
    )
    if role in ("admin", "editor"):
        TOTP.activate(user, TOTP_SECRET)  # the API refuses privileged roles without TOTP
    LicenceFactory(user=user)
    BoardCertificationFactory(user=user)
    _, raw = token_create(actor=user, name=f"fuzz {role}")
    return raw


RUN_FUZZ = os.environ.get("CI") == "true" or "FUZZ_EXAMPLES" in os.environ


@pytest.mark.skipif(not RUN_FUZZ, reason="fuzzing runs with CI=true or FUZZ_EXAMPLES=n (make fuzz)")
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=os.environ.get("FUZZ_RANDOM") != "1",
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case, role, role_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {role_token}"})


def test_schema_documents_error_responses():
    missing = [
        f"{method.upper()} {path}: {code}"
        for path, operations in RAW_SCHEMA["paths"].items()
        for method, operation in operations.items()
        for code in ("401", "422")
        if code not in operation.get("responses", {})
        and not (code == "401" and operation.get("security") == [])
    ]
    assert missing == []


@pytest.mark.django_db
def test_a_body_that_is_not_json_gets_the_api_error_shape(client, clinician, token_for):
    response = client.post(
        "/api/v1/me/licences",
        "\x00",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(clinician)}",
    )
    assert response.status_code in (400, 422)
    assert set(response.json()) == {"code", "message", "errors"}
