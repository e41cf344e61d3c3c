"""The demo project: synthetic UTI data with the published effect sizes."""

from __future__ import annotations

import pytest

from cmepath.outcomes.demo import DEMO_EMAIL, outcomes_demo_load
from cmepath.outcomes.selectors import project_reports
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_demo_load_writes_files_and_builds_the_project(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.CMEPATH_OUTCOMES_DIR = tmp_path / "outcomes"
    assert outcomes_demo_load() is None  # no demo clinician yet: files only
    assert (tmp_path / "demo-outcomes" / "orders.parquet").exists()
    assert (tmp_path / "demo-outcomes" / "fhir" / "MedicationRequest.ndjson").exists()
    user = UserFactory(email=DEMO_EMAIL, role="clinician")
    project = outcomes_demo_load()
    assert project is not None and project.lead == user
    assert outcomes_demo_load() == project  # idempotent
    assert list(
        project.stages.filter(completed_on__isnull=False).values_list("stage", flat=True)
    ) == ["A", "B"]
    reports = {r.measure_id: r for r in project_reports(project=project)}
    first = reports["uti-first-line"].results["prepost"]
    assert first["pre"] == pytest.approx(0.43, abs=0.015) and first["post"] == pytest.approx(
        0.62, abs=0.015
    )
    duration = reports["uti-duration"].results["prepost"]
    assert duration["pre"] == pytest.approx(7.3, abs=0.1) and duration["post"] == pytest.approx(
        6.0, abs=0.1
    )
    assert reports["uti-first-line"].sentence.startswith(
        "First-line antibiotic use for pediatric UTI rose from 4"
    )
    assert list((settings.CMEPATH_OUTCOMES_DIR / "uploads").iterdir()) == []
