"""``cmepath catalog import`` and ``cmepath search reindex``."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cmepath.catalog.models import Activity, Provider
from cmepath.catalog.search_docs import ACTIVITY
from cmepath.search.backends import search_backend

pytestmark = pytest.mark.django_db
CSV = (
    "provider_activity_id,title,format,delivery,start_date,end_date,credits\n"
    "C1,Good,course,online,2027-01-01,2027-01-01,ama_pra_1:1\n"
    "C2,Backwards,course,online,2027-01-02,2027-01-01,ama_pra_1:1\n"
)


def test_import_prints_a_json_report_and_is_idempotent(tmp_path, capsys):
    path = tmp_path / "acts.csv"
    path.write_text(CSV)
    call_command(
        "catalog", "import", str(path), "--provider", "CLI Org", "--accreditor", "ACCME", "--json"
    )
    report = json.loads(capsys.readouterr().out)
    assert (report["created"], report["rejected"]) == (1, 1)
    assert report["errors"] == [
        {"line": 3, "reason": "end_date: ends (2027-01-01) before it starts (2027-01-02)"}
    ]
    call_command("catalog", "import", str(path), "--provider", "CLI Org")
    out = capsys.readouterr().out
    assert "0 added, 1 updated, 1 rejected" in out and "line 3:" in out
    assert Activity.objects.count() == 1 and Provider.objects.get().accreditor == "ACCME"


@pytest.mark.parametrize(
    ("name", "content", "args", "fragment"),
    [
        ("a.csv", "title\n", [], "Required column"),
        ("a.json", "{", [], "not valid JSON"),
        ("a.xlsx", "x", [], "cannot tell the format"),
        ("missing.csv", None, [], "cannot read"),
    ],
)
def test_unusable_files_exit_2(tmp_path, name, content, args, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(CommandError, match=fragment) as info:
        call_command("catalog", "import", str(path), "--provider", "X", *args)
    assert info.value.returncode == 2
    assert not Activity.objects.exists()


def test_reindex_rebuilds_from_the_database(tmp_path, capsys):
    path = tmp_path / "acts.csv"
    path.write_text(CSV)
    call_command("catalog", "import", str(path), "--provider", "CLI Org", "--json")
    capsys.readouterr()
    call_command("search", "reindex", "--json")
    assert json.loads(capsys.readouterr().out)["indexed"] == 1
    assert search_backend(ACTIVITY).count() == 1


def test_demo_catalog_is_labelled_deterministic_and_idempotent(db):
    from cmepath.catalog.demo import catalog_demo_load
    from cmepath.core.vocabulary import MANDATED_TOPICS

    first = catalog_demo_load(n=40)
    titles = list(
        Activity.objects.order_by("provider_activity_id").values_list(
            "provider_activity_id", "title"
        )
    )
    second = catalog_demo_load(n=40)
    # 40 generated, 8 leadership programs, 7 sessions of a webinar per mandated topic
    assert first["activities_created"] == 40 + 8 + 7 * len(MANDATED_TOPICS)
    assert second["activities_created"] == 0
    assert (
        list(
            Activity.objects.order_by("provider_activity_id").values_list(
                "provider_activity_id", "title"
            )
        )
        == titles
    )
    assert all(p.name.endswith("(synthetic)") for p in Provider.objects.all())
    cmo = Activity.objects.get(provider_activity_id="LEAD-CMO")
    assert cmo.credits == 185 and cmo.credit_types[0] == "ama_pra_1"
    assert search_backend(ACTIVITY).count() == Activity.objects.filter(status="published").count()
