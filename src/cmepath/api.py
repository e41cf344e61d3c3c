"""The API at ``/api/v1/``: django-ninja, OpenAPI at ``/api/v1/openapi.json``.

Authentication: the browser's session (with CSRF) or a personal access token sent as
``Authorization: Bearer cmp_...``. Domain errors map to HTTP here, once.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from cmepath.core.errors import DomainError


class TokenAuth(HttpBearer):
    """Personal access tokens, stored hashed (accounts.ApiToken)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        from cmepath.accounts.services import token_authenticate

        user = token_authenticate(token)
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


api = NinjaAPI(
    title="cmepath API",
    version="1",
    urls_namespace="api",
    auth=[TokenAuth(), SessionAuth()],
    docs_url="/docs",
)


@api.exception_handler(DomainError)
def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


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


@api.exception_handler(AuthenticationError)
def _auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"code": "unauthorized", "message": "Sign in, or send a personal access token as 'Authorization: Bearer <token>'.",
         "errors": {}},
        status=401,
    )


from cmepath.accounts.api import router as accounts_router  # noqa: E402

api.add_router("/", accounts_router)

from cmepath.catalog.api import router as catalog_router  # noqa: E402

api.add_router("/", catalog_router)

from cmepath.credits.api import router as credits_router  # noqa: E402

api.add_router("/", credits_router)


