"""AMA PI-CME stages (issue 12, item 6): each stage only after its measured period, in real
time, and credits once per project and clinician.

The clock is moved with time_machine: uploads are stamped when they happen, so a series
cannot hold months that had not ended when it was uploaded.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.db import IntegrityError, transaction

from cmepath.core.errors import ValidationError
from cmepath.outcomes import services
from cmepath.outcomes.choices import Stage
from cmepath.outcomes.models import StageRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _outcomes_dir(settings, tmp_path):
    settings.CMEPATH_OUTCOMES_DIR = tmp_path / "outcomes"


def _at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def _months(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:])
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out


def _upload_series(project, actor, first: str, last: str, capture) -> None:
    """A pre-aggregated series (period, unit, numerator, denominator), processed at once."""
    rows = "".join(
        f"{p},Clinic {u},{20 + i % 7},{50}\n"
        for i, p in enumerate(_months(first, last))
        for u in "AB"
    )
    data = ("period,unit,numerator,denominator\n" + rows).encode()
    with capture(execute=True):
        dataset = services.dataset_upload(
            actor=actor, project=project, chunks=[data], filename="series.csv", fmt="csv"
        )
    dataset.refresh_from_db()
    assert dataset.status == "done", dataset.message


def _complete(project, actor, stage: str, **kwargs):
    return services.project_stage_complete(actor=actor, project=project, stage=stage, **kwargs)


@pytest.fixture
def project(clinician):
    return services.project_create(
        actor=clinician,
        title="Statins in diabetes",
        practice_gap="Too few statins",
        intervention_date=date(2024, 6, 1),
    )


def test_minimums_are_data():
    from cmepath.outcomes.choices import PI_CME_MINIMUMS

    assert {s: m.periods for s, m in PI_CME_MINIMUMS.items()} == {"A": 3, "B": 3, "C": 3}


def test_stages_a_b_and_c_at_once_on_made_up_data_are_refused(
    project, clinician, django_capture_on_commit_callbacks
):
    """The credit farm: a whole year of made-up data, then A, B and C in seconds.

    Fails on the old code: B and C completed at once (20 credits)."""
    with time_machine.travel(_at("2025-01-15"), tick=False):
        _upload_series(project, clinician, "2024-01", "2024-12", django_capture_on_commit_callbacks)
        assert _complete(project, clinician, "A").credits == 5
        with pytest.raises(ValidationError, match="Stage B needs an intervention period"):
            _complete(project, clinician, "B")
        with pytest.raises(ValidationError, match="Complete stage B first"):
            _complete(project, clinician, "C")
    completed = StageRecord.objects.filter(project=project, completed_on__isnull=False)
    assert list(completed.values_list("stage", flat=True)) == ["A"]


def test_each_stage_waits_for_its_measured_period(
    project, clinician, django_capture_on_commit_callbacks
):
    """Fails on the old code at the first refusal (B was allowed right after A)."""
    from cmepath.credits.models import Completion

    services.project_update(
        actor=clinician, project=project, data={"intervention_date": date(2025, 2, 1)}
    )
    capture = django_capture_on_commit_callbacks
    with time_machine.travel(_at("2025-01-15"), tick=False) as clock:
        _upload_series(project, clinician, "2024-07", "2024-12", capture)
        _complete(project, clinician, "A")
        with pytest.raises(ValidationError, match="the data has 0"):
            _complete(project, clinician, "B")

        # two intervention months are not enough
        clock.move_to(_at("2025-04-10"))
        _upload_series(project, clinician, "2024-07", "2025-03", capture)
        with pytest.raises(ValidationError, match="at least 3 periods .* the data has 2"):
            _complete(project, clinician, "B")

        # a month uploaded before it ended does not count either
        _upload_series(project, clinician, "2024-07", "2025-04", capture)
        with pytest.raises(ValidationError, match="the data has 2"):
            _complete(project, clinician, "B")

        clock.move_to(_at("2025-05-10"))
        _upload_series(project, clinician, "2024-07", "2025-04", capture)
        assert _complete(project, clinician, "B").completed_on == date(2025, 5, 10)
        with pytest.raises(ValidationError, match="Stage C needs a re-measurement after stage B"):
            _complete(project, clinician, "C")

        # the months after B, but in data uploaded before them: not a re-measurement
        clock.move_to(_at("2025-07-20"))
        _upload_series(project, clinician, "2024-07", "2025-06", capture)
        with pytest.raises(ValidationError, match="the data has 1"):
            _complete(project, clinician, "C")

        clock.move_to(_at("2025-09-02"))
        _upload_series(project, clinician, "2024-07", "2025-08", capture)
        record = _complete(project, clinician, "C")
    assert record.completed_on == date(2025, 9, 2) and record.credits == 10
    assert sorted(
        Completion.objects.filter(user=clinician, pi_cme=True).values_list(
            "credit_summary", flat=True
        )
    ) == ["ama_pra_1=10", "ama_pra_1=5", "ama_pra_1=5"]


def test_the_intervention_date_is_fixed_once_stage_b_is_complete(
    project, clinician, django_capture_on_commit_callbacks
):
    with time_machine.travel(_at("2024-03-15"), tick=False) as clock:
        _upload_series(project, clinician, "2023-10", "2024-02", django_capture_on_commit_callbacks)
        _complete(project, clinician, "A")
        clock.move_to(_at("2024-09-05"))
        _upload_series(project, clinician, "2023-10", "2024-08", django_capture_on_commit_callbacks)
        _complete(project, clinician, "B")
        with pytest.raises(ValidationError, match="fixed once stage B is complete"):
            services.project_update(
                actor=clinician, project=project, data={"intervention_date": date(2020, 1, 1)}
            )


@pytest.mark.parametrize(
    ("stage_a_on", "message"),
    [(date(2999, 1, 1), "in the future")],
)
def test_a_stage_is_not_completed_in_the_future(
    project, clinician, django_capture_on_commit_callbacks, stage_a_on, message
):
    _upload_series(project, clinician, "2024-01", "2024-05", django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match=message):
        _complete(project, clinician, "A", completed_on=stage_a_on)


def test_a_back_dated_stage_cannot_precede_the_previous_one(
    project, clinician, django_capture_on_commit_callbacks
):
    _upload_series(project, clinician, "2023-01", "2024-12", django_capture_on_commit_callbacks)
    _complete(project, clinician, "A", completed_on=date(2024, 5, 20))
    with pytest.raises(ValidationError, match="before the previous stage"):
        _complete(project, clinician, "B", completed_on=date(2024, 5, 1))


def test_credits_are_awarded_once_per_project_and_clinician(
    project, clinician, django_capture_on_commit_callbacks
):
    """Fails on the old code: there was no award record, so a stage completed again (its
    record reset, or two requests racing) wrote a second completion with 5 more credits."""
    from cmepath.credits.models import Completion
    from cmepath.outcomes.models import PiCmeCredit

    _upload_series(project, clinician, "2023-01", "2024-05", django_capture_on_commit_callbacks)
    _complete(project, clinician, "A")
    StageRecord.objects.filter(project=project, stage=Stage.A).update(completed_on=None)
    again = _complete(project, clinician, "A")
    assert again.credit_recorded is True
    assert Completion.objects.filter(user=clinician, pi_cme=True).count() == 1
    award = PiCmeCredit.objects.get(project=project, user=clinician, stage="A")
    assert award.credits == 5 and award.completion_id is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        PiCmeCredit.objects.create(project=project, user=clinician, stage="A", credits=5)
