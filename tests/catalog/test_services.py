"""Catalog services against the real database (and a real, per-test search index)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from cmepath.catalog import selectors, services
from cmepath.catalog.importers import ImportFileError
from cmepath.catalog.models import Activity, CommercialSupport, CreditDesignation, WishlistItem
from cmepath.catalog.search_docs import ACTIVITY
from cmepath.core.errors import ConflictError, ValidationError
from cmepath.search.backends import search_backend
from tests.catalog import factories
from tests.catalog.factories import ProviderFactory, activity_data, make_activity
from tests.catalog.test_importers import pars_line

pytestmark = pytest.mark.django_db

CSV_HEADER = "provider_activity_id,title,format,delivery,start_date,end_date,cost,credits,topics,commercial_support\n"
GOOD = [
    "G1,Sepsis bundle update,course,online,2027-01-10,2027-01-10,0,ama_pra_1:2;ancc:2,sepsis,none",
    "G2,Implicit bias in care,internet_enduring,online,2027-02-01,2028-01-31,49,ama_pra_1:1,implicit_bias,Acme Pharma:monetary:20000",
]
BAD = {
    "malformed": ("B1,Too,few", "malformed row: expected 10 fields, found 3"),
    "unknown credit type": (
        "B2,X,course,online,2027-01-10,2027-01-10,0,cme_magic:2,,",
        "credits: unknown credit type 'cme_magic'",
    ),
    "negative credit": (
        "B3,X,course,online,2027-01-10,2027-01-10,0,ama_pra_1:-2,,",
        "credits ama_pra_1: must not be negative (-2)",
    ),
    "negative cost": (
        "B4,X,course,online,2027-01-10,2027-01-10,-10,ama_pra_1:2,,",
        "cost: must not be negative (-10)",
    ),
    "end before start": (
        "B5,X,course,online,2027-01-10,2027-01-09,0,ama_pra_1:2,,",
        "end_date: ends (2027-01-09) before it starts (2027-01-10)",
    ),
}


def csv_bytes(rows: list[str]) -> bytes:
    return (CSV_HEADER + "\n".join(rows) + "\n").encode()


def test_bad_rows_are_reported_with_line_and_reason_while_good_rows_load():
    provider = ProviderFactory()
    rows = [GOOD[0], *(row for row, _ in BAD.values()), GOOD[1]]
    report = services.activity_import(source=csv_bytes(rows), file_format="csv", provider=provider)
    assert (report.rows, report.created, report.updated, report.rejected) == (7, 2, 0, 5)
    assert [e.line for e in report.errors] == [3, 4, 5, 6, 7]
    assert all(
        e.reason.startswith(reason)
        for e, (_, reason) in zip(report.errors, BAD.values(), strict=True)
    )
    assert set(Activity.objects.values_list("provider_activity_id", flat=True)) == {"G1", "G2"}
    assert CreditDesignation.objects.count() == 3
    assert CommercialSupport.objects.get().source == "Acme Pharma"


@pytest.mark.parametrize("case", list(BAD))
def test_nothing_of_a_bad_row_is_saved(case):
    provider = ProviderFactory()
    row, reason = BAD[case]
    report = services.activity_import(source=csv_bytes([row]), file_format="csv", provider=provider)
    assert (
        report.rejected == 1
        and report.errors[0].reason.startswith(reason)
        and report.errors[0].line == 2
    )
    assert not Activity.objects.exists()
    assert not CreditDesignation.objects.exists() and not CommercialSupport.objects.exists()


def test_import_is_idempotent():
    provider = ProviderFactory()
    data = csv_bytes(GOOD)
    first = services.activity_import(source=data, file_format="csv", provider=provider)
    snapshot = list(
        Activity.objects.order_by("pk").values_list(
            "pk", "provider_activity_id", "title", "value_score", "credits", "created_at"
        )
    )
    second = services.activity_import(source=data, file_format="csv", provider=provider)
    assert (first.created, first.updated, second.created, second.updated) == (2, 0, 0, 2)
    assert (
        list(
            Activity.objects.order_by("pk").values_list(
                "pk", "provider_activity_id", "title", "value_score", "credits", "created_at"
            )
        )
        == snapshot
    )
    assert CreditDesignation.objects.count() == 3 and CommercialSupport.objects.count() == 1


def test_reimport_updates_in_place_and_replaces_designations():
    provider = ProviderFactory()
    services.activity_import(source=csv_bytes(GOOD[:1]), file_format="csv", provider=provider)
    pk = Activity.objects.get().pk
    changed = (
        GOOD[0]
        .replace("ama_pra_1:2;ancc:2", "acpe:3")
        .replace("Sepsis bundle update", "Sepsis 2027")
    )
    report = services.activity_import(
        source=csv_bytes([changed]), file_format="csv", provider=provider
    )
    activity = Activity.objects.get()
    assert (report.updated, activity.pk, activity.title) == (1, pk, "Sepsis 2027")
    assert list(activity.designations.values_list("credit_type", flat=True)) == ["acpe"]
    assert activity.credit_types == ["acpe"] and activity.credits == 3.0


def test_same_id_twice_in_one_file_the_later_row_wins():
    provider = ProviderFactory()
    rows = [GOOD[0], GOOD[0].replace("Sepsis bundle update", "Second version")]
    report = services.activity_import(
        source=csv_bytes(rows), file_format="csv", provider=provider, batch_size=10
    )
    assert (report.created, report.updated) == (1, 1)
    assert Activity.objects.get().title == "Second version"


def test_pars_file_with_a_wrong_field_count_row_loads_the_good_rows():
    provider = ProviderFactory(accreditor="ACCME")
    text = "\n".join(
        [
            pars_line("P1"),
            pars_line("P2", n_fields=40),
            pars_line(
                "P3", n_fields=51, received="Yes", support=[("Acme", "M", "100"), ("Beta", "I", "")]
            ),
        ]
    )
    report = services.activity_import(source=text.encode(), file_format="pars", provider=provider)
    assert (report.created, report.rejected) == (2, 1)
    assert report.errors[0].line == 2 and "40 fields" in report.errors[0].reason
    p3 = Activity.objects.get(provider_activity_id="P3")
    assert p3.has_commercial_support and p3.commercial_support.count() == 2
    assert p3.score_breakdown["factors"][1]["key"] == "commercial_independence"


def test_pars_reimport_updates_on_the_provider_activity_id():
    provider = ProviderFactory(accreditor="ACCME")
    first = services.activity_import(
        source=pars_line("P1").encode(), file_format="pars", provider=provider
    )
    pk = Activity.objects.get().pk
    changed = pars_line("P1", fields={4: "Sepsis course 2027", 10: "IEM", 6: "", 7: ""})
    second = services.activity_import(
        source=changed.encode(), file_format="pars", provider=provider
    )
    activity = Activity.objects.get()
    assert (first.created, second.created, second.updated) == (1, 0, 1)
    assert (activity.pk, activity.title, activity.format, activity.delivery) == (
        pk,
        "Sepsis course 2027",
        "internet_enduring",
        "online",
    )


def test_json_import_with_typed_values():
    provider = ProviderFactory()
    items = [
        activity_data(
            provider_activity_id="J1",
            start_date="2027-01-01",
            end_date="2027-01-01",
            credits=[{"credit_type": "ama_pra_1", "amount": 1.5}],
        ),
        {"provider_activity_id": "J2", "title": "No format"},
    ]
    report = services.activity_import(
        source=json.dumps(items).encode(), file_format="json", provider=provider
    )
    assert (report.created, report.rejected) == (1, 1)
    assert report.errors[0].line == 1 and "format: is required" in report.errors[0].reason


def test_rows_naming_another_provider_are_rejected_for_a_provider_import():
    provider = ProviderFactory(name="Mine")
    data = ("provider," + CSV_HEADER + "Theirs," + GOOD[0] + "\n").encode()
    report = services.activity_import(source=data, file_format="csv", provider=provider)
    assert report.rejected == 1 and "this import is for 'Mine'" in report.errors[0].reason


def test_cli_style_import_creates_named_providers():
    data = ("provider,accreditor," + CSV_HEADER + "New Org,ANCC," + GOOD[0] + "\n").encode()
    report = services.activity_import(source=data, file_format="csv", create_providers=True)
    assert report.created == 1
    assert Activity.objects.get().provider.accreditor == "ANCC"


def test_unusable_file_raises_and_imports_nothing():
    with pytest.raises(ImportFileError):
        services.activity_import(
            source=b"\xff\xfe\x00", file_format="csv", provider=ProviderFactory()
        )
    assert not Activity.objects.exists()


def test_progress_is_reported_and_the_run_recorded():
    seen: list[tuple[int, int]] = []
    rows = [GOOD[0].replace("G1", f"G{i}") for i in range(25)]
    report = services.activity_import(
        source=csv_bytes(rows),
        file_format="csv",
        provider=ProviderFactory(),
        batch_size=10,
        progress=lambda step, d, t: seen.append((d, t)),
    )
    assert seen[-1] == (25, 25) and len(seen) == 3
    assert report.run_id is not None


def test_create_scores_and_indexes_after_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        activity = make_activity(title="Sepsis recognition in the ED", topics=["sepsis"])
    assert activity.value_score == activity.score_breakdown["total"] > 0
    page = selectors.activity_search(
        actor=None, query=selectors.activity_query({"q": "sepsis"}).query
    )
    assert [a.pk for a in page.activities] == [activity.pk]


def test_unpublishing_removes_from_the_index(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        activity = make_activity(title="Sepsis recognition")
    with django_capture_on_commit_callbacks(execute=True):
        services.activity_update(actor=None, activity=activity, data={"status": "draft"})
    assert search_backend(ACTIVITY).count() == 0


def test_duplicate_provider_activity_id_on_create_is_a_conflict():
    provider = ProviderFactory()
    make_activity(provider, provider_activity_id="X1")
    with pytest.raises(ConflictError):
        make_activity(provider, provider_activity_id="X1")


def test_update_validates_the_merged_record():
    activity = make_activity()
    with pytest.raises(ValidationError, match="before it starts"):
        services.activity_update(actor=None, activity=activity, data={"end_date": date(2020, 1, 1)})
    activity.refresh_from_db()
    assert activity.end_date == factories.END


def test_cohort_outcome_lifts_moore_level_and_score():
    activity = make_activity()
    before = activity.value_score
    services.cohort_outcome_record(
        actor=None,
        activity=activity,
        period_start=date(2025, 1, 1),
        period_end=date(2025, 3, 1),
        learners=80,
        moore_level=5,
        summary="Charts improved.",
    )
    activity.refresh_from_db()
    assert (activity.moore_level, activity.outcomes_evaluated) == (5, True)
    assert activity.value_score > before
    assert activity.cohort_outcomes.count() == 1


def test_cohort_outcome_must_be_in_the_past():
    with pytest.raises(ValidationError, match="past cohorts"):
        services.cohort_outcome_record(
            actor=None,
            activity=make_activity(),
            period_start=date(2099, 1, 1),
            period_end=date(2099, 2, 1),
            learners=1,
            moore_level=4,
            summary="x",
        )


def test_wishlist_add_is_idempotent_and_remove_works(clinician):
    activity = make_activity()
    services.wishlist_add(actor=clinician, activity=activity)
    services.wishlist_add(actor=clinician, activity=activity)
    assert WishlistItem.objects.filter(user=clinician).count() == 1
    assert services.wishlist_remove(actor=clinician, activity_id=activity.pk)
    assert not WishlistItem.objects.exists()


def test_reindex_all_rebuilds_from_the_database():
    provider = ProviderFactory()
    for i in range(3):
        make_activity(provider, title=f"Course {i}")
    make_activity(provider, status="draft")
    assert services.activity_index_rebuild() == 3
    assert search_backend(ACTIVITY).count() == 3


def test_rebuild_reports_progress_in_the_shared_shape():
    provider = ProviderFactory()
    for i in range(3):
        make_activity(provider, title=f"Course {i}")
    seen: list[tuple[str, int, int]] = []
    assert services.activity_index_rebuild(progress=lambda *a: seen.append(a)) == 3
    assert seen[0] == ("activity", 3, 3) and seen[-1] == ("activity", 3, 3)


def test_the_index_task_updates_published_rows_and_drops_the_others():
    provider = ProviderFactory()
    keep, drop = make_activity(provider, title="Keep"), make_activity(provider, title="Drop")
    Activity.objects.filter(pk=drop.pk).update(status="withdrawn")
    assert services.activity_index_update(ids=[keep.pk, drop.pk, 999_999]) == 1
    hits = search_backend(ACTIVITY).search(selectors.activity_query({}).query).hits
    assert [h.id for h in hits] == [str(keep.pk)]
