"""The API at ``/api/v1/``: django-ninja, OpenAPI at ``/api/v1/openapi.json``.

Authentication: the browser's session (with CSRF) or a personal access token sent as
``Authorization: Bearer cmp_...``. Domain errors map to HTTP here, once.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from cmepath.core.errors import DomainError, constraint_error
from cmepath.core.filecheck import human_size


class TokenAuth(HttpBearer):
    """Personal access tokens, stored hashed (accounts.ApiToken).

    An unknown or revoked token falls through to the generic 401. One that exists but may
    not be used raises a domain error with the reason: expired or not allowed for the role
    (401), read-only on a write (403).
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from cmepath.accounts.services import token_authenticate

        user = token_authenticate(token, method=request.method or "GET")
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session; unsafe methods must carry the CSRF token."""

    param_name = "sessionid"

    def __init__(self) -> None:
        from django.conf import settings

        self.param_name = settings.SESSION_COOKIE_NAME
        super().__init__(csrf=True)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return user
        return None


ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "errors"],
    "properties": {
        "code": {"type": "string", "description": "machine-readable error code"},
        "message": {"type": "string", "description": "what was wrong and how to fix it"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
            "description": "messages per field",
        },
    },
}
ERROR_RESPONSES = {
    "400": "The request body is not valid JSON.",
    "401": "Not signed in: send a session cookie or 'Authorization: Bearer <token>'.",
    "403": "Signed in, but not allowed (or MFA enrolment required).",
    "404": "Not found, or not yours to see.",
    "409": "Conflicts with what is already recorded.",
    "422": "The input did not pass validation; 'errors' says which field and why.",
}


class CmepathAPI(NinjaAPI):
    """NinjaAPI whose schema documents the one error shape every operation can answer."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for code, description in ERROR_RESPONSES.items():
                    responses.setdefault(code, {"description": description, **ref})
        return schema


api = CmepathAPI(
    title="cmepath API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
    # Swagger UI from django-ninja's own static files ("ninja" is in INSTALLED_APPS, so its
    # template loads them, with no inline script): the page works offline under the CSP.
    # No online validator badge: it would load an image from validator.swagger.io.
    docs=Swagger(settings={"validatorUrl": None}),
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(IntegrityError)
def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # A row the database refused: the constraint's own message next to its field (409 for a
    # duplicate, 422 for a check), never the constraint's name.
    return _domain_error(request, constraint_error(exc))


@api.exception_handler(NinjaValidationError)
def _validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "payload", "query", "path")]
        errors.setdefault(".".join(loc) or "request", []).append(str(err.get("msg", "invalid")))
    first = next(iter(errors.items())) if errors else ("request", ["invalid"])
    return api.create_response(
        request,
        {"code": "validation_error", "message": f"{first[0]}: {first[1][0]}", "errors": errors},
        status=422,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # django-ninja raises HttpError(400) for a body that is not JSON; keep the one error shape.
    if exc.status_code == 400:
        body = {
            "code": "invalid_json",
            "message": "The request body is not valid JSON; send a JSON object.",
            "errors": {},
        }
    else:
        body = {"code": "http_error", "message": str(exc), "errors": {}}
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(OverflowError)
def _overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # An id too large for the database cannot name a row: answer like any unknown id.
    return api.create_response(
        request, {"code": "not_found", "message": "Not found.", "errors": {}}, status=404
    )


@api.exception_handler(MultiPartParserError)
def _multipart_error(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A multipart body Django cannot split (core.bodylimits catches a missing boundary
    # before this; a malformed body is found only while reading it).
    message = "The multipart form could not be read; let your HTTP client build the request."
    return api.create_response(
        request,
        {"code": "invalid_multipart", "message": message, "errors": {"request": [message]}},
        status=400,
    )


@api.exception_handler(SuspiciousOperation)
def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
    # Django answers these 400 with an HTML page (too many fields or files, a body over
    # DATA_UPLOAD_MAX_MEMORY_SIZE...); keep the one error shape, and Django's security log.
    logging.getLogger(f"django.security.{type(exc).__name__}").error(str(exc))
    if isinstance(exc, RequestDataTooBig):
        limit = human_size(int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
        code, message = "body_too_large", f"The request body is larger than {limit}."
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        code, message = "too_many_fields", "The request has too many form fields or files."
    else:
        code, message = "bad_request", "The request could not be accepted."
    return api.create_response(
        request, {"code": code, "message": message, "errors": {"request": [message]}}, status=400
    )


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "unauthorized",
            "message": "Sign in, or send a personal access token as 'Authorization: Bearer <token>'.",
            "errors": {},
        },
        status=401,
    )


from cmepath.accounts.api import router as accounts_router  # noqa: E402

api.add_router("/", accounts_router)

from cmepath.catalog.api import router as catalog_router  # noqa: E402

api.add_router("/", catalog_router)

from cmepath.credits.api import router as credits_router  # noqa: E402

api.add_router("/", credits_router)

from cmepath.outcomes.api import router as outcomes_router  # noqa: E402

api.add_router("/", outcomes_router)

from cmepath.jobs.api import router as jobs_router  # noqa: E402

api.add_router("/", jobs_router)

from cmepath.hub.api import router as hub_router  # noqa: E402

api.add_router("/", hub_router)

from cmepath.planner.api import router as planner_router  # noqa: E402

api.add_router("/", planner_router)
