"""Bounds on request bodies, checked before anything parses them.

Two kinds of body used to reach a parser that fails badly on them:

- JSON nested thousands of levels deep (``[[[[...``): Python's ``json`` recurses once per
  level and raises ``RecursionError``. ``check_json_depth`` measures the nesting in one
  linear pass with no recursion, so a body or an uploaded JSON file deeper than
  ``MAX_JSON_DEPTH`` is refused before ``json.loads`` sees it. The catalog importer calls
  it on JSON activity files; ``BodyLimitsMiddleware`` calls it on request bodies.
- ``multipart/form-data`` whose ``Content-Type`` has no (or an unusable) boundary: the
  form cannot be split into fields, and Django's parser raises on first access to
  ``request.POST``/``request.FILES``, wherever that happens.

``BodyLimitsMiddleware`` answers both with a 400 before any view, form or CSRF check
reads the body: in the API's error shape (``{"code", "message", "errors"}``) for the API
and for JSON bodies, and as the error page for pages. A body over
``DATA_UPLOAD_MAX_MEMORY_SIZE`` gets the same treatment instead of a bare error page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from itertools import accumulate

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParser
from django.shortcuts import render
from django.utils.http import parse_header_parameters

from .filecheck import human_size

Handler = Callable[[HttpRequest], HttpResponse]

#: Deeper than any document cmepath reads (activity files and API bodies nest 3-4 levels),
#: far below where ``json`` would exhaust the interpreter's recursion limit.
MAX_JSON_DEPTH = 64
API_PREFIX = "/api/"
FORM_TYPES = frozenset({"multipart/form-data", "application/x-www-form-urlencoded"})

_ESCAPE_STR = re.compile(r"\\.", re.DOTALL)
_ESCAPE_BYTES = re.compile(rb"\\.", re.DOTALL)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
# +1 for an opening bracket, -1 for a closing one (indexed by byte value).
_STEP = [0] * 256
for _char in b"[{":
    _STEP[_char] = 1
for _char in b"]}":
    _STEP[_char] = -1


class JsonTooDeepError(ValueError):
    """JSON nested deeper than the limit; ``message`` is written for the sender."""

    def __init__(self, depth: int, limit: int) -> None:
        self.depth = depth
        self.limit = limit
        self.message = (
            f"The JSON is nested {depth} levels deep; at most {limit} levels are accepted. "
            "Send flat objects and lists."
        )
        super().__init__(self.message)


def json_depth(text: str | bytes) -> int:
    """The deepest nesting of ``[``/``{`` outside JSON strings, in linear time.

    No recursion and no per-character Python loop: escape pairs are removed first (so
    ``\\"`` is no quote), the text is split at the remaining quotes and every second part
    (the inside of a string) dropped, then only brackets are kept and their running sum
    taken. Invalid JSON may measure deeper than ``json`` would get before failing, never
    shallower, which is the safe side for a bound.
    """
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if data.count(b"[") + data.count(b"{") == 0:
        return 0
    unescaped = _ESCAPE_BYTES.sub(b"", data) if b"\\" in data else data
    outside = b"".join(unescaped.split(b'"')[0::2])
    brackets = _NOT_BRACKET.sub(b"", outside)
    return max(accumulate(map(_STEP.__getitem__, brackets), initial=0))


def check_json_depth(text: str | bytes, limit: int = MAX_JSON_DEPTH) -> None:
    """Raise :class:`JsonTooDeepError` when ``text`` nests deeper than ``limit``.

    Call it before ``json.loads`` on anything a user sent; it costs a few C-speed passes
    over the text and returns at once when there are not even ``limit`` brackets.
    """
    if isinstance(text, str):
        opening = text.count("[") + text.count("{")
    else:
        opening = text.count(b"[") + text.count(b"{")
    if opening <= limit:
        return
    depth = json_depth(text)
    if depth > limit:
        raise JsonTooDeepError(depth, limit)


def multipart_problem(content_type: str, content_length: str | None) -> str | None:
    """Why Django could not split a ``multipart/form-data`` body with this header, or None.

    The same checks as ``MultiPartParser`` makes before reading anything, said so that the
    sender knows what to change.
    """
    if not content_type.isascii():
        return "The Content-Type header contains non-ASCII characters; send it in plain ASCII."
    _, params = parse_header_parameters(content_type)
    boundary = params.get("boundary")
    if not boundary:
        return (
            "The request says multipart/form-data but its Content-Type header has no "
            "boundary, so the form cannot be read. Let your HTTP client build the header "
            "(do not set Content-Type by hand when sending a file)."
        )
    if not MultiPartParser.boundary_re.fullmatch(boundary):
        return (
            "The multipart boundary in the Content-Type header is not valid (printable "
            "ASCII, at most 200 characters, not ending in a space). Let your HTTP client "
            "build it."
        )
    try:
        length = int(content_length or 0)
    except ValueError:
        length = 0
    if length < 0:
        return "The Content-Length header is negative."
    return None


def _is_json_request(request: HttpRequest, content_type: str) -> bool:
    """True when something will ``json.loads`` this body: a JSON content type anywhere, or
    any non-form body sent to the API (django-ninja reads every such body as JSON)."""
    if content_type == "application/json" or content_type.endswith("+json"):
        return True
    return request.path_info.startswith(API_PREFIX) and content_type not in FORM_TYPES


def _json_error(code: str, message: str, field: str = "request") -> HttpResponse:
    body = {"code": code, "message": message, "errors": {field: [message]}}
    return HttpResponse(json.dumps(body), status=400, content_type="application/json")


class BodyLimitsMiddleware:
    """Refuse request bodies that would crash a parser, before anything parses them."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = (request.content_type or "").lower()
        is_api = request.path_info.startswith(API_PREFIX)
        if content_type == "multipart/form-data":
            problem = multipart_problem(
                request.META.get("CONTENT_TYPE", ""), request.META.get("CONTENT_LENGTH")
            )
            if problem is not None:
                if is_api:
                    return _json_error("invalid_multipart", problem)
                return render(request, "core/error.html", {"message": problem}, status=400)
        elif _is_json_request(request, content_type):
            try:
                body = request.body
            except RequestDataTooBig:
                limit = human_size(int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE))
                return _json_error(
                    "body_too_large",
                    f"The request body is larger than {limit}; send less data per request.",
                )
            try:
                check_json_depth(body)
            except JsonTooDeepError as exc:
                return _json_error("json_too_deep", exc.message)
        return self.get_response(request)
