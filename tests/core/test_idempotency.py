"""``Idempotency-Key`` on API POSTs (core.idempotency): a retry is answered, not done again.

The tests go through the real API (completions, share links, certificates) with a token or
a session; the parallel ones need PostgreSQL (``DATABASE_URL=postgres://...``).
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections
from django.test import Client, RequestFactory
from django.test.client import encode_multipart
from django.utils import timezone

from cmepath.core.idempotency import request_fingerprint
from cmepath.core.models import AuditEvent, IdempotentRequest
from cmepath.credits.models import Certificate, Completion, ShareLink

URL = "/api/v1/me/completions"


@pytest.fixture
def api(clinician, token_for):
    return Client(headers={"Authorization": f"Bearer {token_for(clinician)}"})


@pytest.fixture
def body(db):
    from cmepath.credits.selectors import today

    return {"title": "Ethics", "completed_on": today().isoformat(), "credits": {"ama_pra_1": 1}}


def _post(client, body, key=None, url=URL):
    headers = {"Idempotency-Key": key} if key is not None else {}
    return client.post(url, json.dumps(body), content_type="application/json", headers=headers)


def test_a_retry_with_the_same_key_replays_the_first_answer(api, body):
    # given a completion logged with a key
    first = _post(api, body, key="k-1")
    assert first.status_code == 201, first.content
    assert "Idempotent-Replayed" not in first
    audited = AuditEvent.objects.count()
    # when the client retries the same request with the same key
    again = _post(api, body, key="k-1")
    # then it gets the same status and body back, marked as a replay, and nothing is written
    assert again.status_code == 201
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert again["Content-Type"] == first["Content-Type"]
    assert Completion.objects.count() == 1
    assert AuditEvent.objects.count() == audited


def test_without_a_key_every_post_is_a_new_request(api, body):
    assert _post(api, body).status_code == 201
    assert _post(api, body).status_code == 201
    assert Completion.objects.count() == 2


@pytest.mark.parametrize(
    ("change", "url"),
    [
        ({"title": "Another"}, URL),
        ({"credits": {"ama_pra_1": 2}}, URL),
        ({}, f"{URL}?x=1"),
    ],
)
def test_the_same_key_for_another_request_is_422(api, body, change, url):
    assert _post(api, body, key="k-2").status_code == 201
    response = _post(api, {**body, **change}, key="k-2", url=url)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert "POST /api/v1/me/completions" in response.json()["message"]
    assert Completion.objects.count() == 1


def test_the_same_key_on_another_operation_is_422(api, body):
    assert _post(api, body, key="k-3").status_code == 201
    response = _post(api, {"label": "HR"}, key="k-3", url="/api/v1/me/share-links")
    assert response.status_code == 422
    assert not ShareLink.objects.exists()


def test_keys_belong_to_one_user(api, body, clinician_b, token_for):
    other = Client(headers={"Authorization": f"Bearer {token_for(clinician_b)}"})
    mine = _post(api, body, key="shared-key")
    theirs = _post(other, body, key="shared-key")
    assert (mine.status_code, theirs.status_code) == (201, 201)
    assert "Idempotent-Replayed" not in theirs
    assert theirs.json()["id"] != mine.json()["id"]
    assert Completion.objects.filter(user=clinician_b).count() == 1


@pytest.mark.parametrize("key", ["", "x" * 256, "tab\there", "caf\u00e9", "line\nbreak"])
def test_unusable_keys_are_422(api, body, key):
    response = _post(api, body, key=key)
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_invalid"
    assert "255 printable" in response.json()["message"]
    assert not Completion.objects.exists()


def test_a_key_of_255_printable_characters_is_accepted(api, body):
    key = "".join(chr(32 + i % 95) for i in range(255))
    assert _post(api, body, key=key).status_code == 201
    assert _post(api, body, key=key)["Idempotent-Replayed"] == "true"


def test_a_failed_attempt_stores_nothing_and_releases_the_key(api, body):
    # given a request refused by validation (a future date)
    future = {**body, "completed_on": (timezone.now() + timedelta(days=5)).date().isoformat()}
    first = _post(api, future, key="k-4")
    assert first.status_code == 422
    # then the same request is refused again by the operation itself (not replayed)
    again = _post(api, future, key="k-4")
    assert again.status_code == 422 and "Idempotent-Replayed" not in again
    assert not IdempotentRequest.objects.exists()
    # and the corrected request may use the same key
    assert _post(api, body, key="k-4").status_code == 201


def _fingerprint(body, url=URL):
    request = RequestFactory().post(url, json.dumps(body), content_type="application/json")
    return request_fingerprint(request)


def test_a_request_still_running_is_409(api, body, clinician):
    # given the first attempt with this key still running
    IdempotentRequest.objects.create(
        user=clinician, key="k-5", method="POST", path=URL, fingerprint=_fingerprint(body)
    )
    # when the client sends it again
    response = _post(api, body, key="k-5")
    # then it is told to retry shortly, and nothing is done twice
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    assert response["Retry-After"] == "1"
    assert not Completion.objects.exists()


def test_an_abandoned_attempt_is_taken_over_after_five_minutes(api, body, clinician):
    IdempotentRequest.objects.create(
        user=clinician,
        key="k-6",
        method="POST",
        path=URL,
        fingerprint=_fingerprint(body),
        claimed_at=timezone.now() - timedelta(minutes=6),
    )
    response = _post(api, body, key="k-6")
    assert response.status_code == 201
    assert _post(api, body, key="k-6")["Idempotent-Replayed"] == "true"
    assert Completion.objects.count() == 1


def test_answers_are_kept_24_hours(api, body):
    first = _post(api, body, key="k-7")
    with time_machine.travel(timezone.now() + timedelta(hours=23, minutes=59)):
        assert _post(api, body, key="k-7")["Idempotent-Replayed"] == "true"
    with time_machine.travel(timezone.now() + timedelta(hours=24, minutes=1)):
        later = _post(api, body, key="k-7")
    assert later.status_code == 201 and "Idempotent-Replayed" not in later
    assert later.json()["id"] != first.json()["id"]
    assert IdempotentRequest.objects.count() == 1  # the expired answer is gone


def test_stored_answers_are_encrypted(api):
    # given a share link created with a key (its answer carries the raw token, shown once)
    created = _post(api, {"label": "HR"}, key="k-8", url="/api/v1/me/share-links")
    token = created.json()["token"]
    # then the database does not hold the raw token, and the replay still shows it
    stored = bytes(IdempotentRequest.objects.get().body)
    assert token.encode() not in stored and b"HR" not in stored
    again = _post(api, {"label": "HR"}, key="k-8", url="/api/v1/me/share-links")
    assert again.json()["token"] == token
    assert ShareLink.objects.count() == 1


def test_an_upload_matches_whatever_its_multipart_boundary(api, pdf_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def upload(boundary):
        data = encode_multipart(
            boundary, {"file": SimpleUploadedFile("c.pdf", pdf_bytes, "application/pdf")}
        )
        return api.post(
            "/api/v1/me/certificates",
            data,
            content_type=f"multipart/form-data; boundary={boundary}",
            headers={"Idempotency-Key": "upload-1"},
        )

    first = upload("boundary-one")
    assert first.status_code == 201, first.content
    again = upload("a-different-boundary")
    assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
    assert Certificate.objects.count() == 1


def test_session_clients_must_pass_csrf_before_a_key_counts(clinician, body):
    client = Client(enforce_csrf_checks=True)
    client.force_login(clinician)
    response = _post(client, body, key="k-9")
    assert response.status_code in (401, 403)
    assert not IdempotentRequest.objects.exists()


def test_session_clients_get_replays_too(clinician, client_for, body):
    client = client_for(clinician)
    assert _post(client, body, key="k-10").status_code == 201
    assert _post(client, body, key="k-10")["Idempotent-Replayed"] == "true"


def test_anonymous_requests_are_answered_by_the_api(client, body):
    response = _post(client, body, key="k-11")
    assert response.status_code == 401
    assert not IdempotentRequest.objects.exists()


def test_pages_ignore_the_header(clinician, client_for, body):
    client = client_for(clinician)
    form = {"title": "Ethics", "completed_on": body["completed_on"]}
    for _ in range(2):
        response = client.post(
            "/credits/completions/new/",
            {**form, "credit_type": "ama_pra_1", "amount": "1"},
            headers={"Idempotency-Key": "page-key"},
        )
        assert response.status_code == 302
    assert Completion.objects.count() == 2
    assert not IdempotentRequest.objects.exists()


# -- parallel requests (PostgreSQL) ------------------------------------------------------------


def _require_postgres() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (runs with CI=true)")


@pytest.mark.postgres
def test_parallel_identical_posts_with_one_key_make_one_row(clinician, token_for, transactional_db):
    _require_postgres()
    from cmepath.credits.selectors import today

    # given 10 clients sending the same completion with the same key at the same moment
    token = token_for(clinician)
    body = {"title": "Ethics", "completed_on": today().isoformat(), "credits": {"ama_pra_1": 1}}
    barrier = threading.Barrier(10)
    responses: list = [None] * 10

    def send(i: int) -> None:
        try:
            client = Client(headers={"Authorization": f"Bearer {token}"})
            barrier.wait(timeout=30)
            responses[i] = _post(client, body, key="parallel-1")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(i,)) for i in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    # then one row is made; one answer did the work, the others were replays or told to retry
    assert Completion.objects.count() == 1
    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, statuses
    fresh = [r for r in responses if r.status_code == 201 and "Idempotent-Replayed" not in r]
    assert len(fresh) == 1
    assert all(r.json()["id"] == fresh[0].json()["id"] for r in responses if r.status_code == 201)


@pytest.mark.postgres
def test_a_same_key_request_during_the_first_gets_409_then_the_answer(
    clinician, token_for, transactional_db
):
    _require_postgres()
    from cmepath.credits.selectors import today

    token = token_for(clinician)
    body = {"title": "Ethics", "completed_on": today().isoformat(), "credits": {"ama_pra_1": 1}}
    inserting, release = threading.Event(), threading.Event()
    first: list = []

    def hold_insert(execute, sql, params, many, context):
        if sql.lstrip().startswith('INSERT INTO "credits_completion"'):
            inserting.set()
            release.wait(timeout=30)
        return execute(sql, params, many, context)

    def send_first() -> None:
        try:
            with connection.execute_wrapper(hold_insert):
                client = Client(headers={"Authorization": f"Bearer {token}"})
                first.append(_post(client, body, key="held"))
        finally:
            connections.close_all()

    # given a first request held in the middle of its write
    thread = threading.Thread(target=send_first)
    thread.start()
    assert inserting.wait(timeout=30)
    # when the same request arrives with the same key
    second = _post(Client(headers={"Authorization": f"Bearer {token}"}), body, key="held")
    # then it is told to retry, and after the first finishes a retry gets its answer
    assert second.status_code == 409 and second["Retry-After"] == "1"
    release.set()
    thread.join(timeout=60)
    assert first[0].status_code == 201
    third = _post(Client(headers={"Authorization": f"Bearer {token}"}), body, key="held")
    assert third["Idempotent-Replayed"] == "true" and third.content == first[0].content
    assert Completion.objects.count() == 1
