"""``cmepath jobs import|export|expire|alerts``: per-record rejections with line and reason,
nothing half-saved, idempotent re-import, export that imports back, exit codes."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cmepath.jobs.choices import VacancyStatus
from cmepath.jobs.models import Vacancy
from tests.jobs.factories import TODAY, committed, make_employer, make_vacancy

pytestmark = pytest.mark.django_db

CSV = (
    "reference,title,description,profession,setting,employment_model,schedule,zip_code,"
    "salary_min,salary_max,cme_allowance,cme_days,credentials\n"
    "R-1,Family NP,Primary care,NP,outpatient,w2,full_time,78701,120000,140000,2500,3,BLS;DEA\n"
    "R-2,Hospitalist,Nights,MD,hospital,w2,full_time,80202,,,5000,5,\n"
    "R-3,ICU nurse,Nights,RN,hospital,w2,full_time,00000,80000,70000,500,2,\n"
)


def _run(*args: str) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("jobs", *args, stdout=out, stderr=StringIO())
    except SystemExit as exc:
        return out.getvalue(), int(exc.code or 0)
    return out.getvalue(), 0


def test_import_rejects_bad_records_one_by_one(tmp_path):
    employer = make_employer()
    path = tmp_path / "vacancies.csv"
    path.write_text(CSV, encoding="utf-8")
    out, code = _run("import", str(path), "--employer", str(employer.pk), "--publish", "--json")
    report = json.loads(out)
    assert code == 0
    assert (report["created"], report["published"]) == (1, 1)
    reasons = {r["line"]: r["reason"] for r in report["rejected"]}
    assert "Colorado" in reasons[3]  # no pay range where the law requires one
    assert "does not exist" in reasons[4] and "above the maximum" in reasons[4]
    assert list(Vacancy.objects.values_list("reference", flat=True)) == ["R-1"]
    # a second run updates R-1 in place and adds nothing
    out, _ = _run("import", str(path), "--employer", str(employer.pk), "--publish", "--json")
    again = json.loads(out)
    assert (again["created"], again["updated"]) == (0, 1) and Vacancy.objects.count() == 1
    # without --publish the Colorado record is a draft: a range is needed only to publish
    out, _ = _run("import", str(path), "--employer", str(employer.pk), "--json")
    assert json.loads(out)["created"] == 1
    assert Vacancy.objects.get(reference="R-2").status == VacancyStatus.DRAFT


def test_unusable_files_exit_2_with_the_reason(tmp_path):
    employer = make_employer()
    bad = tmp_path / "x.csv"
    bad.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match="x.csv"):
        _run("import", str(bad), "--employer", str(employer.pk))
    with pytest.raises(CommandError, match="no employer with id"):
        _run("import", str(bad), "--employer", "999999")
    with pytest.raises(CommandError, match="--format"):
        _run("import", str(tmp_path / "x.txt"), "--employer", str(employer.pk))


def test_every_record_rejected_exits_1(tmp_path):
    employer = make_employer()
    path = tmp_path / "v.json"
    path.write_text(json.dumps([{"title": "x"}]), encoding="utf-8")
    out, code = _run("import", str(path), "--employer", str(employer.pk))
    assert code == 1 and "1 rejected" in out


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonld"])
def test_export_imports_back(tmp_path, fmt):
    source = make_employer()
    make_vacancy(source, reference="EXP-1")
    make_vacancy(
        source,
        reference="EXP-2",
        title="Telehealth RN",
        profession="RN",
        specialty="",
        zip_code="",
        remote=True,
        remote_states=["TX", "OK"],
    )
    path = tmp_path / f"export.{fmt}"
    _run("export", "--format", fmt, "--output", str(path))
    target = make_employer()
    extra = ["--setting", "hospital"] if fmt == "jsonld" else []
    out, code = _run("import", str(path), "--employer", str(target.pk), *extra, "--json")
    assert code == 0, out
    report = json.loads(out)
    assert report["created"] == 2 and report["rejected"] == []
    remote = Vacancy.objects.get(employer=target, remote=True)
    assert sorted(remote.remote_states) == ["OK", "TX"]


def test_expire_closes_what_is_past_its_date():
    vacancy = make_vacancy()
    Vacancy.objects.filter(pk=vacancy.pk).update(
        posted_on=TODAY - timedelta(days=40), expires_on=TODAY - timedelta(days=1)
    )
    with committed(execute=True):
        out, _ = _run("expire", "--json")
    assert json.loads(out) == {"expired": 1}
    vacancy.refresh_from_db()
    assert vacancy.status == VacancyStatus.EXPIRED


def test_alerts_command_reports_what_it_sent():
    out, _ = _run("alerts", "--json")
    assert json.loads(out) == {"due": 0, "sent": 0, "vacancies": 0}


def test_a_jobposting_without_a_setting_is_rejected_until_one_is_given(tmp_path):
    make_vacancy(make_employer(), reference="LD-1")
    path = tmp_path / "export.jsonld"
    _run("export", "--format", "jsonld", "--output", str(path))
    target = make_employer()
    out, code = _run("import", str(path), "--employer", str(target.pk), "--json")
    assert code == 1 and "setting" in json.loads(out)["rejected"][0]["reason"]
    out, code = _run("import", str(path), "--employer", str(target.pk), "--setting", "outpatient")
    assert code == 0 and "1 added" in out
    assert Vacancy.objects.get(employer=target).profession == "NP"  # from SOC 29-1171
