"""Static checks (security-checks row 25): bandit + local semgrep.

They run in CI (`CI=true make test`) and with `make static`; the plain local `make test`
leaves them out to stay under 4 minutes on 2 cores (marker ``static``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.static

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent

BAD_PY = """
import pickle, subprocess, yaml
from django import forms
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

class AllFields(forms.ModelForm):
    class Meta:
        model = object
        fields = "__all__"

class Excluding(forms.ModelForm):
    class Meta:
        model = object
        exclude = ["role"]

def view(request, name, cursor):
    mark_safe(name)
    cursor.execute(f"SELECT * FROM t WHERE a = {name}")
    subprocess.run(name, shell=True)
    yaml.load(name)
    pickle.loads(name)

@csrf_exempt
def hook(request): ...
"""
GOOD_PY = """
import yaml
from django import forms
from django.utils.safestring import mark_safe

class Listed(forms.ModelForm):
    class Meta:
        model = object
        fields = ["first_name"]

def view(request, name, cursor):
    mark_safe("<br>")
    cursor.execute("SELECT * FROM t WHERE a = %s", [name])
    yaml.safe_load(name)
"""


def _semgrep(target: Path, home: Path) -> dict:
    proc = subprocess.run(
        [
            str(BIN / "semgrep"),
            "scan",
            "--config",
            str(ROOT / ".semgrep"),
            "--metrics",
            "off",
            "--disable-version-check",
            "--quiet",
            "--json",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "PATH": str(BIN) + ":/usr/bin:/bin",
            "HOME": str(home),
            "SEMGREP_ENABLE_VERSION_CHECK": "0",
            "SEMGREP_SEND_METRICS": "off",
        },
    )
    return json.loads(proc.stdout)


def test_static_checks_script_is_clean(tmp_path):
    # given the repository; when both scanners run; then nothing unbaselined is found
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "static-checks.sh")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": str(BIN) + ":/usr/bin:/bin", "BIN": str(BIN), "HOME": str(tmp_path)},
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "static checks: clean" in proc.stdout


def test_semgrep_rules_catch_each_pattern(tmp_path):
    # given a file with one instance of each forbidden pattern and a template using |safe
    src = tmp_path / "src"
    src.mkdir()
    (src / "bad.py").write_text(BAD_PY)
    (src / "templates").mkdir()
    (src / "templates" / "page.html").write_text(
        "<p>{{ profile.bio|safe }}</p>\n{% autoescape off %}{{ x }}{% endautoescape %}\n"
    )
    # when semgrep runs the local rules
    result = _semgrep(src, tmp_path)
    # then every rule fires and the config is valid
    assert result["errors"] == []
    fired = {r["check_id"].rsplit(".", 1)[-1] for r in result["results"]}
    assert fired == {
        "cmepath-modelform-fields-all",
        "cmepath-modelform-exclude",
        "cmepath-mark-safe-variable",
        "cmepath-sql-string-building",
        "cmepath-subprocess-shell-true",
        "cmepath-yaml-unsafe-load",
        "cmepath-pickle-loads",
        "cmepath-csrf-exempt-outside-api",
        "cmepath-template-safe-filter",
        "cmepath-template-autoescape-off",
    }


def test_semgrep_rules_accept_the_safe_forms(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "good.py").write_text(GOOD_PY)
    (src / "page.html").write_text("<p>{{ profile.bio }}</p>\n")
    result = _semgrep(src, tmp_path)
    assert result["errors"] == []
    assert result["results"] == []


@pytest.mark.parametrize("rule_file", sorted(p.name for p in (ROOT / ".semgrep").glob("*.yml")))
def test_rule_files_are_in_the_repo(rule_file):
    assert (ROOT / ".semgrep" / rule_file).read_text().lstrip().startswith("#")
