"""Form field rows (`{{ field.as_field_group }}`, core/jinja2/cmepath/field.html): every id a
widget's `aria-describedby` names is on the page, labels point at their inputs, errors show."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.described_by: set[str] = set()
        self.label_for: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"] or "")
        self.described_by.update((a.get("aria-describedby") or "").split())
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"] or "")


def _parse(html: bytes) -> _Ids:
    parser = _Ids()
    parser.feed(html.decode())
    return parser


@pytest.mark.parametrize(
    "path",
    [
        "/me/licences/",
        "/me/profile/",
        "/me/tokens/",
        "/credits/share/",
        "/credits/completions/new/",
        "/outcomes/",
    ],
)
def test_described_by_and_label_targets_exist(client_for, clinician, path):
    response = client_for(clinician).get(path)
    assert response.status_code == 200
    page = _parse(response.content)
    assert page.described_by <= page.ids, (
        f"aria-describedby names missing ids: {page.described_by - page.ids}"
    )
    assert page.label_for <= page.ids, f"labels for missing inputs: {page.label_for - page.ids}"


def test_errors_are_rendered_and_described(client_for, clinician):
    response = client_for(clinician).post("/credits/share/", {"label": ""})
    assert response.status_code == 422
    page = _parse(response.content)
    assert "id_label_helptext" in page.ids and "id_label_helptext" in page.described_by
    assert "id_label_error" in page.ids and "id_label_error" in page.described_by
    assert 'class="field has-error"' in response.content.decode()
    assert page.described_by <= page.ids
