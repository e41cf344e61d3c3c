"""The unauthenticated verifier is bounded: size, nesting, proof count and proofValue length
are refused with a 4xx and a clear message, before any expensive work."""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client

from cmepath.credits import badges, services
from tests.credits.factories import CompletionFactory

VERIFY = "/api/v1/badges/verify"


def _post(body: bytes):
    return Client().post(VERIFY, body, content_type="application/json")


@pytest.fixture
def badge(clinician, today):
    completion = CompletionFactory(user=clinician, completed_on=today, credits={"ancc": 2})
    return services.badge_issue(actor=clinician, completion=completion)


def test_deep_nesting_is_refused_before_parsing(db):
    # 50,000 nested "[" used to reach json.loads and end in a RecursionError (500). The
    # API-wide body bound (400) or the verifier's own (422) refuses it first.
    response = _post(b"[" * 50_000)
    assert response.status_code in (400, 422)
    assert "nested" in response.json()["message"]


def test_the_verifier_bounds_nesting_itself(db):
    # deeper than a badge ever nests, shallower than the API-wide bound
    response = _post(b"[" * 40 + b"]" * 40)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "badge_too_deep"
    assert "nested more than 32 levels" in body["message"]
    with pytest.raises(badges.BadgeInputRejected):
        badges.parse_badge_bytes(b"{" * 33)


def test_brackets_inside_strings_do_not_count_as_nesting(badge):
    badge["name"] = "[[[[{{{{" * 10
    response = _post(json.dumps(badge).encode())
    assert response.status_code == 200  # read and checked (the altered name fails the proof)
    assert response.json()["valid"] is False


def test_an_oversized_document_is_refused(db):
    response = _post(b'{"a": "' + b"x" * (64 * 1024) + b'"}')
    assert response.status_code == 422
    assert response.json()["code"] == "badge_too_large"


def test_a_long_proof_value_is_refused_without_decoding_it(badge):
    # a 60,000-character proofValue used to be base58-decoded (quadratic) before any check
    badge["proof"]["proofValue"] = "z" + "2" * 60_000
    started = time.perf_counter()
    response = _post(json.dumps(badge).encode())
    assert time.perf_counter() - started < 2
    assert response.status_code == 422
    assert response.json()["code"] == "proof_value_too_long"
    with pytest.raises(badges.BadgeInputRejected):
        services.badge_verify(document=badge)


def test_too_many_proofs_are_refused(badge):
    badge["proof"] = [badge["proof"]] * 9
    response = _post(json.dumps(badge).encode())
    assert response.status_code == 422
    assert response.json()["code"] == "too_many_proofs"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"{nope", "not valid JSON"),
        (b'{"a": NaN}', "not valid JSON"),
        (b'{"a": 1, "a": 2}', "repeats a key"),
        (b"\xff\xfe", "not UTF-8"),
        (b"[1, 2]", "not a JSON object"),
    ],
)
def test_unreadable_input_is_an_invalid_verdict(db, body, reason):
    response = _post(body)
    assert response.status_code == 200
    assert response.json()["valid"] is False and reason in response.json()["reason"]


def test_numbers_beyond_double_precision_do_not_crash(badge):
    # I-JSON: a JSON number is a double; 2**64 must not make the canonicaliser raise
    text = json.dumps(badge).replace(
        '"creditsEarned": 2.0', '"creditsEarned": 18446744073709551616'
    )
    assert "18446744073709551616" in text
    response = _post(text.encode())
    assert response.status_code == 200 and response.json()["valid"] is False
    assert "signature does not match" in response.json()["reason"]
