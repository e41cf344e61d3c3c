"""The project page as steps (one form at a time), the stage picker on the next open stage,
and linked CME picked by searching titles (issue 13 item 6)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from cmepath.outcomes import services
from cmepath.outcomes.forms import ProjectForm, StageForm
from cmepath.outcomes.models import Project
from tests.catalog.factories import make_activity

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _dirs(settings, tmp_path):
    from cmepath.search.backends import forget_backends

    settings.CMEPATH_OUTCOMES_DIR = tmp_path / "outcomes"
    settings.CMEPATH_SEARCH_DIR = tmp_path / "search"
    yield
    forget_backends()


@pytest.fixture
def project(clinician):
    return services.project_create(
        actor=clinician,
        title="UTI stewardship",
        practice_gap="Too few first-line",
        measure_ids=["uti-first-line"],
    )


def _stage_select(html: str) -> str:
    start = html.index('name="stage"')
    return html[start : html.index("</select>", start)]


def test_stage_picker_offers_open_stages_starting_with_the_next(project):
    form = StageForm(open_stages=["B", "C"])
    assert [c for c, _ in form.fields["stage"].choices] == ["B", "C"]
    assert form["stage"].value() == "B"


@pytest.mark.parametrize(("completed", "expected"), [((), "A"), (("A",), "B"), (("A", "B"), "C")])
def test_project_page_defaults_the_stage_picker_to_the_next_open_stage(
    client_for, clinician, project, completed, expected
):
    project.stages.filter(stage__in=completed).update(completed_on=date(2024, 1, 1))
    response = client_for(clinician).get(
        reverse("outcomes:project_detail", args=[project.pk]) + "?step=stages"
    )
    assert response.status_code == 200
    select = _stage_select(response.content.decode())
    assert f'value="{expected}" selected' in select
    for done in completed:
        assert f'value="{done}"' not in select  # a completed stage is not offered again


def test_steps_show_one_form_at_a_time_and_start_on_the_first_open_step(
    client_for, clinician, project
):
    url = reverse("outcomes:project_detail", args=[project.pk])
    html = client_for(clinician).get(url).content.decode()
    # nothing done yet: step 1 (the agreement) is current, its form the only step form
    assert 'aria-current="step"' in html
    assert reverse("outcomes:dua_record", args=[project.pk]) in html
    assert reverse("outcomes:intervention_set", args=[project.pk]) not in html
    assert reverse("outcomes:stage_complete", args=[project.pk]) not in html
    assert reverse("outcomes:project_finish", args=[project.pk]) not in html

    services.project_dua_record(actor=clinician, project=project, reference="DUA-2024-7")
    html = client_for(clinician).get(url).content.decode()
    assert reverse("outcomes:intervention_set", args=[project.pk]) in html  # now step 2
    assert reverse("outcomes:dua_record", args=[project.pk]) not in html
    assert "· done" in html

    html = client_for(clinician).get(url + "?step=finish").content.decode()
    assert reverse("outcomes:project_finish", args=[project.pk]) in html
    assert reverse("outcomes:intervention_set", args=[project.pk]) not in html


def test_linked_activities_show_titles_not_numbers(client_for, clinician):
    activity = make_activity(title="Antibiotic stewardship in urgent care")
    project = services.project_create(
        actor=clinician,
        title="P",
        practice_gap="g",
        measure_ids=["uti-first-line"],
        activity_ids=[activity.pk],
    )
    html = (
        client_for(clinician)
        .get(reverse("outcomes:project_detail", args=[project.pk]))
        .content.decode()
    )
    assert "Antibiotic stewardship in urgent care" in html
    assert f"#{activity.pk}" not in html


def test_search_box_finds_activities_by_title_and_picks_one(client_for, clinician):
    from cmepath.catalog.services.indexing import activity_index_update

    wanted = make_activity(title="Opioid prescribing for acute pain")
    other = make_activity(
        title="Cardiac imaging basics",
        description="Echo and CT for the generalist.",
        topics=[],
    )
    activity_index_update(ids=[wanted.pk, other.pk])
    client = client_for(clinician)
    url = reverse("outcomes:activity_search")

    found = client.get(url, {"q": "opioid"}, HTTP_HX_REQUEST="true")
    assert found.status_code == 200
    body = found.content.decode()
    assert "Opioid prescribing for acute pain" in body
    assert "Cardiac imaging basics" not in body
    assert f"pick={wanted.pk}" in body

    picked = client.get(url, {"pick": wanted.pk}, HTTP_HX_REQUEST="true").content.decode()
    assert f'name="activity_pick" value="{wanted.pk}" checked' in picked
    assert "Opioid prescribing for acute pain" in picked

    assert client.get(url, {"pick": "999999"}).status_code == 404
    assert client.get(url, {"pick": "abc"}).status_code == 404


def test_project_form_merges_picked_and_typed_ids():
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    data.update({"title": "T", "practice_gap": "g", "unit_of_analysis": "clinic"})
    data.setlist("measure_ids", ["uti-first-line"])
    data.setlist("activity_pick", ["7", "9"])
    data["activity_ids"] = "9, 11"
    form = ProjectForm(data)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["activity_ids"] == [7, 9, 11]

    data["activity_ids"] = "seven"
    form = ProjectForm(data)
    assert not form.is_valid()
    assert "separated by commas" in form.errors["activity_ids"][0]


def test_creating_a_project_with_picked_activities_links_them(client_for, clinician):
    activity = make_activity(title="Sepsis bundle update")
    response = client_for(clinician).post(
        reverse("outcomes:project_list"),
        {
            "title": "Sepsis",
            "practice_gap": "Late antibiotics",
            "unit_of_analysis": "clinic",
            "measure_ids": ["uti-first-line"],
            "activity_pick": [str(activity.pk)],
            "activity_ids": "",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(title="Sepsis")
    assert list(project.activities.values_list("activity_id", flat=True)) == [activity.pk]
