"""Outcome uploads (issue 12, item 10): one limit from settings, a per-user quota, and a
streaming check of the head before the file is kept; 413 and 422 with clear messages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.urls import reverse

from cmepath.core.errors import ValidationError
from cmepath.outcomes import services
from cmepath.outcomes.models import Dataset

pytestmark = pytest.mark.django_db

HEADER = b"period,unit,numerator,denominator\n"


@pytest.fixture(autouse=True)
def _outcomes_dir(settings, tmp_path):
    settings.CMEPATH_OUTCOMES_DIR = tmp_path / "outcomes"


@pytest.fixture
def project(clinician):
    return services.project_create(
        actor=clinician,
        title="UTI stewardship",
        practice_gap="Too few first-line",
        measure_ids=["uti-first-line"],
        intervention_date=date(2024, 6, 1),
    )


def _series(rows: int) -> bytes:
    return HEADER + b"".join(
        f"2024-{1 + i % 12:02d},Clinic {i // 12},{20 + i % 5},50\n".encode() for i in range(rows)
    )


class Counted:
    """Chunks of an upload that count how many were read."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks
        self.read = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self.chunks:
            self.read += 1
            yield chunk


def _upload(project, actor, chunks, fmt="csv", name="series.csv"):
    return services.dataset_upload(
        actor=actor, project=project, chunks=chunks, filename=name, fmt=fmt
    )


def _left_on_disk(settings) -> list:
    folder = settings.CMEPATH_OUTCOMES_DIR / "uploads"
    return list(folder.iterdir()) if folder.exists() else []


def test_an_upload_over_the_limit_is_a_413_and_stops_being_read(project, clinician, settings):
    """Fails on the old code: a 422, not a 413 (and no UploadTooLargeError)."""
    settings.CMEPATH_MAX_EXTRACT_BYTES = 10_000
    data = _series(2000)
    chunks = Counted([data[i : i + 4096] for i in range(0, len(data), 4096)])
    with pytest.raises(services.UploadTooLargeError) as err:
        _upload(project, clinician, chunks)
    assert err.value.status == 413 and err.value.code == "too_large"
    assert "larger than the 10 KiB upload limit for QI data" in err.value.message
    assert chunks.read == 3 < len(chunks.chunks)
    assert not Dataset.objects.exists() and _left_on_disk(settings) == []


def test_the_api_refuses_a_declared_size_over_the_limit_before_reading(
    project, clinician, client_for, settings
):
    settings.CMEPATH_MAX_EXTRACT_BYTES = 1024 * 1024
    response = client_for(clinician).post(
        f"/api/v1/outcomes/projects/{project.pk}/datasets",
        data=b"x",
        content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    body = response.json()
    assert body["code"] == "too_large" and "1 MiB upload limit" in body["message"]


def test_the_page_refuses_a_declared_size_over_the_limit_before_reading(
    project, clinician, client_for, settings
):
    settings.CMEPATH_MAX_EXTRACT_BYTES = 1024 * 1024
    response = client_for(clinician).post(
        reverse("outcomes:dataset_upload", args=[project.pk]),
        data=b"x",
        content_type="multipart/form-data; boundary=zz",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "1 MiB upload limit" in response.content.decode()


def test_the_page_still_checks_csrf(project, clinician, settings, tmp_path):
    from django.test import Client

    c = Client(enforce_csrf_checks=True)
    c.force_login(clinician)
    path = tmp_path / "s.csv"
    path.write_bytes(_series(30))
    with path.open("rb") as fh:
        response = c.post(
            reverse("outcomes:dataset_upload", args=[project.pk]), {"file": fh, "format": "csv"}
        )
    assert response.status_code == 403
    assert not Dataset.objects.exists()


def test_a_per_user_quota_counts_what_the_users_uploads_hold(
    project, clinician, settings, django_capture_on_commit_callbacks
):
    """Fails on the old code: there was no quota, the second upload was kept."""
    data = _series(100)
    settings.CMEPATH_OUTCOMES_QUOTA_BYTES = int(len(data) * 1.5)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = _upload(project, clinician, [data])
    assert first.stored_bytes == len(data) and first.upload_bytes == len(data)
    with pytest.raises(services.UploadTooLargeError) as err:
        _upload(project, clinician, [data])
    assert err.value.status == 413 and err.value.code == "quota_exceeded"
    assert "quota of" in err.value.message and "Wait for your uploads" in err.value.message
    assert Dataset.objects.count() == 1 and len(_left_on_disk(settings)) == 1
    for callback in queued:  # processing frees the room (only series are kept: no DUA)
        callback()
    first.refresh_from_db()
    assert first.status == "done" and first.stored_bytes == 0
    with django_capture_on_commit_callbacks(execute=True):
        second = _upload(project, clinician, [data])
    second.refresh_from_db()
    assert second.status == "done"


def test_rows_kept_under_a_dua_count_against_the_quota(
    project, clinician, settings, django_capture_on_commit_callbacks
):
    services.project_dua_record(actor=clinician, project=project, reference="DUA-1")
    project.refresh_from_db()
    orders = b"order_date,unit,patient_key,drug_code,age,dx_system,dx_code\n" + b"".join(
        f"2024-{1 + i % 12:02d}-03,Clinic A,{i:032x},2231,{4 + i % 10},icd10cm,N39.0\n".encode()
        for i in range(300)
    )
    with django_capture_on_commit_callbacks(execute=True):
        dataset = _upload(project, clinician, [orders], name="orders.csv")
    dataset.refresh_from_db()
    assert dataset.kept_rows and dataset.stored_bytes > 0
    kept = settings.CMEPATH_OUTCOMES_DIR / dataset.rows_path
    assert dataset.stored_bytes == sum(f.stat().st_size for f in kept.rglob("*") if f.is_file())


def test_the_header_is_checked_while_streaming(project, clinician, settings):
    """A refused column is seen in the first chunk; the rest is never read.

    Fails on the old code: the whole file was written before the guard ran."""
    header = b"order_date,unit,patient_key,drug_code,phone\n"
    rows = b"2024-01-02,A,k1,2231,555-123-4567\n" * 200
    chunks = Counted([header + rows] + [rows] * 50)
    with pytest.raises(ValidationError) as err:
        _upload(project, clinician, chunks, name="bad.csv")
    assert err.value.status == 422 and err.value.errors["columns"] == ["phone"]
    assert chunks.read == 1
    assert not Dataset.objects.exists() and _left_on_disk(settings) == []


def test_the_first_rows_are_checked_while_streaming(project, clinician, settings):
    """Identifiers in the values of an allowed column are refused from the guard's sample
    (the first 1,000 rows), before the rest of the file arrives."""
    header = b"order_date,unit,patient_key,drug_code\n"
    rows = [b"2024-01-02,jane.doe@example.com,k1,2231\n" * 100 for _ in range(60)]
    chunks = Counted([header, *rows])
    with pytest.raises(ValidationError) as err:
        _upload(project, clinician, chunks, name="values.csv")
    assert err.value.errors["columns"] == ["unit"]
    assert chunks.read <= 12 < len(chunks.chunks)
    assert _left_on_disk(settings) == []


def test_ndjson_that_is_not_fhir_is_a_422(project, clinician, settings):
    with pytest.raises(ValidationError, match="is not FHIR R4 NDJSON") as err:
        _upload(project, clinician, [b'{"hello": "world"}\n'], fmt="fhir", name="x.ndjson")
    assert err.value.status == 422 and _left_on_disk(settings) == []


def test_the_api_answers_413_for_the_quota(project, clinician, client_for, settings, tmp_path):
    settings.CMEPATH_OUTCOMES_QUOTA_BYTES = 100
    path = tmp_path / "s.csv"
    path.write_bytes(_series(30))
    with path.open("rb") as fh:
        response = client_for(clinician).post(
            f"/api/v1/outcomes/projects/{project.pk}/datasets", {"file": fh, "format": "csv"}
        )
    assert response.status_code == 413 and response.json()["code"] == "quota_exceeded"
