"""A failed upload names the person's file, never a path or stored name of our server."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cmepath.outcomes import services
from cmepath.outcomes.models import Dataset
from cmepath.outcomes.views import dataset_view

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize(
    "body",
    [
        b"period,unit,numerator\n2024-01,Clinic A,3\n",  # a column missing
        b"\xff\xfe\x00garbage,\x00\x00\n\x00\x01",  # not a CSV at all
    ],
)
def test_the_upload_page_names_the_users_file(client_for, clinician, project, settings, body):
    response = client_for(clinician).post(
        reverse("outcomes:dataset_upload", args=[project.pk]),
        {"file": SimpleUploadedFile("Clinic orders 2024.csv", body), "format": "csv"},
    )
    html = response.content.decode()
    assert response.status_code in (400, 413, 422)
    errors = html[html.find('class="error"') :]
    assert errors, "the page shows an error"
    assert str(settings.CMEPATH_OUTCOMES_DIR) not in html
    assert "/uploads/" not in html
    assert "Clinic orders 2024.csv" in html


def test_a_failed_dataset_message_is_shown_with_the_users_file_name(project, clinician, settings):
    stored = str(settings.CMEPATH_OUTCOMES_DIR / "uploads" / "0f3c9d.csv")
    dataset = Dataset.objects.create(
        project=project,
        uploaded_by=clinician,
        format="csv",
        original_name="March extract.csv",
        status="failed",
        message=f'{stored}: cannot be read (IO Error: could not open "{stored}")',
        upload_path=stored,
        report={"problems": [{"file": stored, "line": 4, "detail": "bad date"}]},
    )
    shown = dataset_view(dataset)
    assert (
        shown["message"]
        == "“March extract.csv”: cannot be read (IO Error: could not open “March extract.csv”)"
    )
    assert shown["problems"] == [{"file": "March extract.csv", "line": 4, "detail": "bad date"}]


def test_the_api_gives_the_same_message_without_server_paths(
    project, clinician, settings, client_for
):
    """GET .../datasets/{id} answers the message the page shows: the stored upload path
    is gone even after processing cleared ``upload_path``."""
    stored = str(settings.CMEPATH_OUTCOMES_DIR / "uploads" / "0f3c9d.csv")
    dataset = Dataset.objects.create(
        project=project,
        uploaded_by=clinician,
        format="csv",
        original_name="March extract.csv",
        status="failed",
        message=f"{stored}: cannot be read",
        upload_path="",
    )
    url = f"/api/v1/outcomes/projects/{project.pk}/datasets/{dataset.pk}"
    body = client_for(clinician).get(url).json()
    assert body["message"] == "“March extract.csv”: cannot be read"
    assert str(settings.CMEPATH_OUTCOMES_DIR) not in body["message"]
