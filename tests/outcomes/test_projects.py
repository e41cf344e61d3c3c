"""QI projects: services, visibility (members only; employers and others get 404),
PI-CME stages and credits, uploads through the guard, rows kept only under a DUA,
suppression on the API and the export."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from cmepath.core.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from cmepath.outcomes import services
from cmepath.outcomes.models import Dataset, Outcome, SeriesPoint
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outcomes_dir(settings, tmp_path):
    settings.CMEPATH_OUTCOMES_DIR = tmp_path / "outcomes"


@pytest.fixture
def employer(db):
    return UserFactory(role="employer")


@pytest.fixture
def project(clinician):
    return services.project_create(
        actor=clinician,
        title="UTI stewardship",
        practice_gap="Too few first-line",
        measure_ids=["uti-first-line", "uti-duration"],
        activity_ids=[12],
        intervention_date=date(2023, 1, 1),
    )


def _synthetic_csv(tmp_path: Path, per_clinic_month: float = 6.0) -> Path:
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    from cmepath.outcomes import synthetic
    from cmepath.outcomes.ingest import ORDERS_SCHEMA

    cols = synthetic.orders_table(
        list(synthetic.generate_orders(per_clinic_month=per_clinic_month))
    )
    pq.write_table(pa.table(cols, schema=ORDERS_SCHEMA), tmp_path / "o.parquet")
    path = tmp_path / "orders.csv"
    duckdb.execute(
        f"COPY (SELECT order_date, unit, prescriber, patient_key, age, setting, dx_system, dx_code, "
        f"drug_code, days_supply FROM '{tmp_path / 'o.parquet'}') TO '{path}' (HEADER)"
    )
    return path


def _upload(project, actor, path: Path, fmt: str, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        dataset = services.dataset_upload(
            actor=actor, project=project, chunks=[path.read_bytes()], filename=path.name, fmt=fmt
        )
    dataset.refresh_from_db()
    return dataset


def test_create_sets_lead_stages_measures_and_activities(project, clinician):
    assert project.members.get().role == "lead"
    assert sorted(project.stages.values_list("stage", flat=True)) == ["A", "B", "C"]
    assert sorted(project.measures.values_list("measure_id", flat=True)) == [
        "uti-duration",
        "uti-first-line",
    ]
    assert list(project.activities.values_list("activity_id", flat=True)) == [12]
    assert len(project.patient_salt) == 64


def _join(project, lead, user, role="member"):
    """The invite-and-accept path, the only way onto a team."""
    invitation = services.project_invite(
        actor=lead, project=project, email=user.email, role=role, base_url="http://testserver/"
    )
    return services.project_invitation_accept(actor=user, invitation=invitation)


def test_employers_cannot_create_or_join(employer, project, clinician):
    with pytest.raises(PermissionDeniedError):
        services.project_create(actor=employer, title="x", practice_gap="y")
    with pytest.raises(NotFoundError):
        _join(project, clinician, employer)
    assert not project.members.filter(user=employer).exists()


def test_upload_process_keeps_series_only_and_deletes_the_raw_file(
    project, clinician, tmp_path, django_capture_on_commit_callbacks, settings
):
    dataset = _upload(
        project, clinician, _synthetic_csv(tmp_path), "csv", django_capture_on_commit_callbacks
    )
    assert dataset.status == "done", dataset.message
    assert dataset.kept_rows is False and dataset.rows_path == ""
    assert list((settings.CMEPATH_OUTCOMES_DIR / "uploads").iterdir()) == []  # raw upload deleted
    assert not (settings.CMEPATH_OUTCOMES_DIR / "projects").exists()  # no rows without a DUA
    assert (
        1200
        < SeriesPoint.objects.filter(dataset=dataset, measure_id="uti-first-line").count()
        <= 27 * 48
    )


def test_rows_are_kept_only_with_a_data_use_agreement(
    project, clinician, tmp_path, django_capture_on_commit_callbacks, settings
):
    services.project_dua_record(
        actor=clinician, project=project, reference="DUA-2024-17 with County Health"
    )
    project.refresh_from_db()
    dataset = _upload(
        project, clinician, _synthetic_csv(tmp_path, 2.0), "csv", django_capture_on_commit_callbacks
    )
    assert dataset.kept_rows is True
    assert (settings.CMEPATH_OUTCOMES_DIR / dataset.rows_path / "orders.parquet").exists()


def test_refused_upload_lists_columns_and_keeps_nothing(project, clinician, tmp_path, settings):
    path = tmp_path / "bad.csv"
    path.write_text(
        "order_date,unit,patient_key,drug_code,phone\n2024-01-02,A,k1,2231,555-123-4567\n"
    )
    with pytest.raises(ValidationError) as err:
        services.dataset_upload(
            actor=clinician,
            project=project,
            chunks=[path.read_bytes()],
            filename="bad.csv",
            fmt="csv",
        )
    assert err.value.errors["columns"] == ["phone"]
    assert not Dataset.objects.exists()
    assert list((settings.CMEPATH_OUTCOMES_DIR / "uploads").iterdir()) == []


def test_stages_in_order_with_credits_then_finish(
    project, clinician, tmp_path, django_capture_on_commit_callbacks
):
    with pytest.raises(ValidationError, match="baseline"):
        services.project_stage_complete(actor=clinician, project=project, stage="A")
    _upload(project, clinician, _synthetic_csv(tmp_path), "csv", django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="stage A first"):
        services.project_stage_complete(actor=clinician, project=project, stage="C")
    # the synthetic data runs 2021-01..2024-12 with the intervention in 2023-01: A and B
    # back-dated to when they were done, C on data uploaded (today) after B
    dates = {"A": date(2022, 12, 15), "B": date(2023, 6, 30), "C": None}
    records = [
        services.project_stage_complete(
            actor=clinician, project=project, stage=s, completed_on=dates[s]
        )
        for s in "ABC"
    ]
    assert [int(r.credits) for r in records] == [5, 5, 10]
    try:
        from cmepath.credits.models import Completion
    except ImportError:  # the credits app is not in this build
        pass
    else:
        assert all(r.credit_recorded for r in records)
        recorded = Completion.objects.filter(user=clinician, pi_cme=True)
        assert sorted(c.credit_summary for c in recorded) == [
            "ama_pra_1=10",
            "ama_pra_1=5",
            "ama_pra_1=5",
        ]
    with pytest.raises(ConflictError):
        services.project_stage_complete(actor=clinician, project=project, stage="A")
    outcome = services.project_finish(actor=clinician, project=project, moore_level=5)
    assert isinstance(outcome, Outcome) and outcome.user == clinician and outcome.moore_level == 5
    assert outcome.summary.startswith("First-line antibiotic use for pediatric UTI rose from 4")


def test_non_members_and_employers_see_nothing(
    client_for, project, clinician_b, employer, token_for, client
):
    pk = project.pk
    for user in (clinician_b, employer):
        c = client_for(user)
        assert c.get(reverse("outcomes:project_detail", args=[pk])).status_code == 404
        assert c.get(reverse("outcomes:report_pdf", args=[pk])).status_code == 404
        assert c.get(reverse("outcomes:dataset_upload", args=[pk])).status_code == 404
        assert (
            c.post(reverse("outcomes:stage_complete", args=[pk]), {"stage": "A"}).status_code == 404
        )
        assert "UTI stewardship" not in c.get(reverse("outcomes:project_list")).content.decode()
        auth = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"}
        assert client.get(f"/api/v1/outcomes/projects/{pk}", **auth).status_code == 404
        assert client.get(f"/api/v1/outcomes/projects/{pk}/series", **auth).status_code == 404
        assert client.get("/api/v1/outcomes/projects", **auth).json() == []


def test_reviewer_sees_aggregates_but_cannot_upload(project, clinician, clinician_b, client_for):
    _join(project, clinician, clinician_b, role="reviewer")
    c = client_for(clinician_b)
    assert c.get(reverse("outcomes:project_detail", args=[project.pk])).status_code == 200
    assert c.get(reverse("outcomes:dataset_upload", args=[project.pk])).status_code == 404


def test_api_series_and_page_are_suppressed(
    project, clinician, tmp_path, client_for, django_capture_on_commit_callbacks
):
    # a tiny series: every count is 1..10, so every shown count must be hidden
    path = tmp_path / "series.csv"
    path.write_text(
        "period,unit,numerator,denominator\n"
        + "".join(f"2024-{m:02d},Clinic {u},{3},{7}\n" for m in range(1, 7) for u in "AB")
    )
    _upload(project, clinician, path, "csv", django_capture_on_commit_callbacks)
    c = client_for(clinician)
    data = c.get(f"/api/v1/outcomes/projects/{project.pk}/series?measure=uploaded-series").json()
    shown = [
        v for row in data["pooled"] for k, v in row.items() if k in ("numerator", "denominator")
    ]
    shown += [
        v
        for row in data["units"]
        for k, v in row.items()
        if k.endswith(("numerator", "denominator"))
    ]
    assert shown and all(v is None or v == 0 or v >= 11 for v in shown)
    page = c.get(reverse("outcomes:project_detail", args=[project.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert "suppressed" in body and "<td>3</td>" not in body and "<td>7</td>" not in body
    assert 'id="outcome-charts" type="application/json"' in body
    pdf = c.get(reverse("outcomes:report_pdf", args=[project.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_upload_page_polls_status(
    project, clinician, tmp_path, client_for, django_capture_on_commit_callbacks
):
    c = client_for(clinician)
    csv_path = _synthetic_csv(tmp_path, 1.0)
    with django_capture_on_commit_callbacks(execute=False), csv_path.open("rb") as fh:
        response = c.post(
            reverse("outcomes:dataset_upload", args=[project.pk]), {"file": fh, "format": "csv"}
        )
    assert response.status_code == 302
    dataset = Dataset.objects.get()
    status = c.get(
        reverse("outcomes:dataset_upload_status", args=[project.pk, dataset.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert 'hx-trigger="every 2s"' in status.content.decode()


def test_plotly_js_is_served_locally(client):
    response = client.get(reverse("outcomes:plotly_js"))
    assert response.status_code == 200
    assert "max-age=31536000" in response["Cache-Control"]


def test_api_create_and_mass_assignment(client_for, clinician):
    c = client_for(clinician)
    ok = c.post(
        "/api/v1/outcomes/projects",
        {"title": "T", "practice_gap": "G", "measure_ids": ["uti-first-line"]},
        content_type="application/json",
    )
    assert ok.status_code == 201
    pk = ok.json()["id"]
    bad = c.patch(
        f"/api/v1/outcomes/projects/{pk}",
        {"status": "finished", "patient_salt": "00"},
        content_type="application/json",
    )
    assert bad.status_code == 422


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("comparison_units", "comparison_units: send a list of unit names"),
        ("title", "title: send some text"),
        ("practice_gap", "practice_gap: send some text"),
        ("unit_of_analysis", "Choose clinic, practice or prescriber"),
    ],
)
def test_api_patch_with_null_is_a_clear_422(client_for, clinician, project, field, message):
    """Issue 13: ``{"comparison_units": null}`` was a 500 (NOT NULL constraint)."""
    response = client_for(clinician).patch(
        f"/api/v1/outcomes/projects/{project.pk}",
        {field: None},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["message"].startswith(message)
    project.refresh_from_db()
    assert project.comparison_units == [] and project.title == "UTI stewardship"


def test_api_patch_null_intervention_date_clears_it(client_for, clinician, project):
    response = client_for(clinician).patch(
        f"/api/v1/outcomes/projects/{project.pk}",
        {"intervention_date": None, "comparison_units": ["Clinic Z"]},
        content_type="application/json",
    )
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.intervention_date is None and project.comparison_units == ["Clinic Z"]
