"""Bodies that used to crash a parser are refused first (core.bodylimits, issue 13).

JSON nested deeper than 64 levels and ``multipart/form-data`` without a usable boundary
get a 400 that says what to change: in the API's error shape on the API, as the error page
on pages. Deeply nested JSON activity files are refused by the catalog importer.
"""

from __future__ import annotations

import json
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from cmepath.catalog.importers import ImportFileError, parse_json
from cmepath.core.bodylimits import (
    MAX_JSON_DEPTH,
    JsonTooDeepError,
    check_json_depth,
    json_depth,
    multipart_problem,
)
from tests.catalog.factories import ProviderFactory
from tests.factories import LicenceFactory, UserFactory

NO_BOUNDARY = "multipart/form-data"
DEEP = "[" * 50_000 + "]" * 50_000


# --- the depth measure (pure) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        ("", 0),
        ("17", 0),
        ("[]", 1),
        ('{"a": [1, {"b": 2}]}', 3),
        ('"[[[[{{{{"', 0),  # brackets inside a string do not count
        ('["a\\"[[[[", 1]', 1),  # nor after an escaped quote inside a string
        ('["\\\\", [[[]]]]', 4),  # an escaped backslash ends before the closing quote
        ('["\\u005b[[", {"k": "]]]"}]', 2),
        ('["unterminated [[[[[', 1),  # json fails at the open string, never deeper
        ("]]]][[", 0),  # json fails at the first stray "]" before going deeper
    ],
)
def test_json_depth(text, depth):
    assert json_depth(text) == depth
    assert json_depth(text.encode()) == depth


def _reference_depth(value) -> int:
    if isinstance(value, list):
        return 1 + max((_reference_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_reference_depth(v) for v in value.values()), default=0)
    return 0


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab\n\u00e9'),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(alphabet='[]{}"\\k'), children, max_size=4)
    ),
    max_leaves=40,
)


@given(_JSON_VALUES)
def test_json_depth_agrees_with_the_parsed_structure(value):
    for text in (json.dumps(value), json.dumps(value, ensure_ascii=False, indent=1)):
        assert json_depth(text) == _reference_depth(value)


def test_check_json_depth_allows_the_limit_and_refuses_one_more():
    check_json_depth("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)

    with pytest.raises(JsonTooDeepError) as caught:
        check_json_depth("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1))

    assert (caught.value.depth, caught.value.limit) == (65, 64)
    assert "nested 65 levels deep; at most 64" in caught.value.message


def test_fifty_thousand_brackets_are_measured_without_recursion():
    # json.loads itself raises RecursionError on this
    with pytest.raises(RecursionError):
        json.loads(DEEP)

    with pytest.raises(JsonTooDeepError) as caught:
        check_json_depth(DEEP)

    assert caught.value.depth == 50_000


@pytest.mark.parametrize(
    ("hostile", "depth"),
    [
        ("[" * 6_000_000, 6_000_000),
        # quadratic for a regex that tries to match a string from each quote
        ('"' + '\\"' * 3_000_000, 0),
        ('["' + "\\\\" * 3_000_000 + '", ' + "[" * 100, 101),
    ],
    ids=["brackets", "escaped-quotes", "escapes-then-deep"],
)
def test_measuring_is_linear_on_large_hostile_input(hostile, depth):
    started = time.perf_counter()
    measured = json_depth(hostile)
    elapsed = time.perf_counter() - started

    assert measured == depth
    assert elapsed < 2.0


@pytest.mark.parametrize(
    ("content_type", "length", "says"),
    [
        ("multipart/form-data", "10", "no boundary"),
        ("multipart/form-data; charset=utf-8", "10", "no boundary"),
        ("multipart/form-data; boundary=", "10", "no boundary"),
        ("multipart/form-data; boundary=" + "x" * 300, "10", "not valid"),
        ("multipart/form-data; boundary=abc\u00e9", "10", "non-ASCII"),
        ("multipart/form-data; boundary=abc", "-5", "negative"),
    ],
)
def test_multipart_problem_names_what_is_wrong(content_type, length, says):
    assert says in (multipart_problem(content_type, length) or "")


def test_multipart_with_a_boundary_is_fine():
    assert multipart_problem("multipart/form-data; boundary=----abc123", "100") is None


# --- the API ---------------------------------------------------------------------------------


@pytest.fixture
def api(clinician, token_for):
    token = token_for(clinician)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def project(clinician, settings, tmp_path):
    from cmepath.outcomes import services

    settings.CMEPATH_OUTCOMES_DIR = tmp_path / "outcomes"
    return services.project_create(
        actor=clinician,
        title="UTI stewardship",
        practice_gap="Too few first-line",
        measure_ids=["uti-first-line"],
        activity_ids=[12],
    )


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"code", "message", "errors"}
    assert body["code"] == code
    return body


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "application/merge-patch+json"]
)
def test_deeply_nested_json_to_the_api_is_a_400_saying_so(api, content_type):
    # django-ninja json.loads any non-form body, whatever its content type says
    response = api.post("/api/v1/me/completions", data=DEEP, content_type=content_type)

    body = _error(response, 400, "json_too_deep")
    assert "nested 50000 levels deep" in body["message"]


def test_nesting_a_little_too_deep_is_refused_before_validation(api):
    # valid JSON that json.loads would parse (no RecursionError) is still refused
    body = {"title": "x", "completed_on": "2025-01-01", "extra": [[[[[[[[[[]]]]]]]]]] * 1}
    nested = json.dumps(body).replace("[[[[[[[[[[]]]]]]]]]]", "[" * 70 + "]" * 70)

    response = api.post("/api/v1/me/completions", data=nested, content_type="application/json")

    _error(response, 400, "json_too_deep")


def test_ordinary_json_still_reaches_the_api(api):
    response = api.post(
        "/api/v1/me/completions",
        data=json.dumps({"title": "Sepsis update", "completed_on": "not a date"}),
        content_type="application/json",
    )

    assert response.status_code == 422
    assert response.json()["code"] == "validation_error"


def test_body_over_the_memory_limit_is_a_400_in_the_error_shape(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

    response = api.post(
        "/api/v1/me/completions",
        data=json.dumps({"title": "x" * 4000}),
        content_type="application/json",
    )

    body = _error(response, 400, "body_too_large")
    assert "larger than 1 KiB" in body["message"]


def _upload_urls(project) -> list[str]:
    return [
        "/api/v1/me/certificates",
        "/api/v1/me/completions/import",
        f"/api/v1/outcomes/projects/{project.pk}/datasets",
    ]


@pytest.mark.parametrize(
    "endpoint", range(3), ids=["certificates", "completions-import", "datasets"]
)
@pytest.mark.parametrize(
    "content_type",
    [NO_BOUNDARY, "multipart/form-data; charset=utf-8", "multipart/form-data; boundary="],
)
def test_multipart_without_a_boundary_on_the_upload_endpoints(api, project, endpoint, content_type):
    url = _upload_urls(project)[endpoint]
    body = b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF\r\n--x--\r\n'

    response = api.post(url, data=body, content_type=content_type)

    answer = _error(response, 400, "invalid_multipart")
    assert "no boundary" in answer["message"]


@pytest.mark.parametrize(
    "endpoint", range(3), ids=["certificates", "completions-import", "datasets"]
)
def test_too_many_multipart_fields_on_the_upload_endpoints(api, project, settings, endpoint):
    # found only while Django reads the body, inside the view: the API's handler answers
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    data = {f"field{i}": "x" for i in range(5)}
    data["file"] = SimpleUploadedFile("a.csv", b"title,completed_on\n")

    response = api.post(_upload_urls(project)[endpoint], data=data)

    _error(response, 400, "too_many_fields")


def test_a_well_formed_upload_still_works(api, pdf_bytes):
    response = api.post(
        "/api/v1/me/certificates", data={"file": SimpleUploadedFile("c.pdf", pdf_bytes)}
    )

    assert response.status_code == 201, response.content[:300]


# --- pages -----------------------------------------------------------------------------------


@pytest.fixture
def pages(clinician):
    client = Client(raise_request_exception=False)
    client.force_login(clinician)
    return client


def test_multipart_without_a_boundary_on_the_upload_pages(pages, clinician, project):
    licence = LicenceFactory(user=clinician)
    provider_member = UserFactory(role="provider")
    provider = ProviderFactory(name="Alpha CME")
    provider.members.add(provider_member)
    provider_pages = Client(raise_request_exception=False)
    provider_pages.force_login(provider_member)
    body = b"--x\r\n"
    targets = [
        (pages, "/credits/certificates/"),
        (pages, "/credits/completions/import/"),
        (pages, f"/outcomes/{project.pk}/upload/"),
        (pages, f"/me/licences/{licence.pk}/proof/"),
        (provider_pages, f"/catalog/provider/{provider.pk}/import/"),
    ]

    for client, url in targets:
        response = client.post(url, data=body, content_type=NO_BOUNDARY)

        assert response.status_code == 400, url
        assert "no boundary" in response.content.decode(), url


# --- JSON activity files ---------------------------------------------------------------------


def test_deeply_nested_activity_file_is_unusable_not_a_crash():
    with pytest.raises(ImportFileError) as caught:
        list(parse_json('{"activities": ' + DEEP + "}"))

    assert "nested 50001 levels deep" in caught.value.message


def test_deeply_nested_activity_file_on_the_provider_import_page(db):
    member = UserFactory(role="provider")
    provider = ProviderFactory(name="Alpha CME")
    provider.members.add(member)
    client = Client(raise_request_exception=False)
    client.force_login(member)

    response = client.post(
        f"/catalog/provider/{provider.pk}/import/",
        {"file": SimpleUploadedFile("activities.json", DEEP.encode()), "file_format": "json"},
    )

    assert response.status_code == 422
    assert "nested 50000 levels deep" in response.content.decode()


def test_deeply_nested_activity_file_on_the_command_line(db, tmp_path):
    path = tmp_path / "activities.json"
    path.write_text(DEEP)

    with pytest.raises(CommandError, match="nested 50000 levels deep") as caught:
        call_command("catalog", "import", str(path), "--provider", "CLI Org")

    assert caught.value.returncode == 2
