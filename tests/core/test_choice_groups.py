"""One group label style above checkbox and radio groups (core/jinja2/cmepath/field.html):
a ``<fieldset>`` with its ``<legend>``, each option its own ``<input>`` and ``<label>``; no
label nests another label or holds an input that is not its own."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from html.parser import HTMLParser

import pytest
from django import forms
from django.forms.widgets import ChoiceWidget

import cmepath


class _Structure(HTMLParser):
    """Records the HTML faults a field row must not have."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, dict[str, str | None]]] = []
        self.faults: list[str] = []
        self.label_inputs: list[list[str]] = []
        self.groups: dict[str, int] = {}  # radio/checkbox name -> inputs outside a fieldset
        self.grouped: dict[str, int] = {}
        self.fieldset_legend: list[bool] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            if any(t == "label" for t, _ in self.stack):
                self.faults.append("a label inside a label")
            self.label_inputs.append([])
        if tag == "legend" and self.fieldset_legend:
            self.fieldset_legend[-1] = True
        if tag == "fieldset":
            self.fieldset_legend.append(False)
        if tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            labels = [x for t, x in self.stack if t == "label"]
            if labels:
                own = labels[-1].get("for")
                if own and own != a.get("id"):
                    self.faults.append(f"input {a.get('id')} inside the label of {own}")
                self.label_inputs[-1].append(a.get("id") or "")
                if len(self.label_inputs[-1]) > 1:
                    self.faults.append(f"one label holds several inputs: {self.label_inputs[-1]}")
            if a.get("type") in ("checkbox", "radio") and a.get("name"):
                in_fieldset = any(t == "fieldset" for t, _ in self.stack)
                bucket = self.grouped if in_fieldset else self.groups
                bucket[a["name"] or ""] = bucket.get(a["name"] or "", 0) + 1
        if tag not in ("input", "br", "img", "meta", "link", "hr", "source"):
            self.stack.append((tag, a))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label" and self.label_inputs:
            self.label_inputs.pop()
        if tag == "fieldset" and self.fieldset_legend and not self.fieldset_legend.pop():
            self.faults.append("a fieldset without a legend")
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def check(self) -> list[str]:
        loose = [n for n, count in self.groups.items() if count > 1]
        return self.faults + [f"checkbox/radio group {n!r} without a fieldset" for n in loose]


def html_faults(html: str) -> list[str]:
    parser = _Structure()
    parser.feed(html)
    return parser.check()


def test_the_checker_catches_the_old_nested_markup():
    old = (
        '<div class="field"><label for="id_p" class="check"><div id="id_p">'
        '<div><label for="id_p_0"><input type="checkbox" name="p" id="id_p_0"> MD</label></div>'
        '<div><label for="id_p_1"><input type="checkbox" name="p" id="id_p_1"> NP</label></div>'
        "</div> Professions</label></div>"
    )
    assert "a label inside a label" in html_faults(old)
    assert any("without a fieldset" in f for f in html_faults(old))


def _project_forms() -> list[type[forms.Form]]:
    found: dict[str, type[forms.Form]] = {}
    for info in pkgutil.walk_packages(cmepath.__path__, "cmepath."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__name__}"] = cls
    return [found[k] for k in sorted(found)]


@pytest.mark.django_db
def test_every_project_form_renders_groups_as_fieldsets():
    """Every form class of every app, unbound and with errors, through the field row."""
    checked = 0
    for cls in _project_forms():
        try:
            form = cls()  # type: ignore[call-arg]
        except TypeError:
            continue  # needs arguments (an actor, a project): its page is covered below
        groups = [
            name
            for name, f in form.fields.items()
            if getattr(f.widget, "input_type", "") in ("checkbox", "radio")
            and isinstance(f.widget, ChoiceWidget)
        ]
        html = "".join(str(form[name].as_field_group()) for name in form.fields)
        assert html_faults(html) == [], cls.__qualname__
        for name in groups:
            rendered = str(form[name].as_field_group())
            assert rendered.lstrip().startswith("<fieldset"), (cls.__qualname__, name)
            assert "<legend>" in rendered
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize(
    "path",
    [
        "/me/licences/",
        "/me/profile/",
        "/me/tokens/",
        "/outcomes/",
        "/credits/share/",
        "/credits/completions/new/",
        "/jobs/",
        "/hub/",
    ],
)
def test_form_pages_have_no_nested_labels(client_for, clinician, path):
    response = client_for(clinician).get(path)
    if response.status_code == 404:  # a page another part of the product may not ship yet
        pytest.skip(f"{path} is not routed")
    assert response.status_code == 200, path
    assert html_faults(response.content.decode()) == []
