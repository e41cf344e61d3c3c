"""Forms of the knowledge hub pages. They parse input only; the services decide what is
acceptable (a malformed DOI, a submission without disclosure), and their errors land next
to the fields they name.

References are typed one per line, ``kind | identifier | title | journal | year``: a line
that cannot be read is named by its number, and so is a line the service refuses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django import forms

from cmepath.accounts.taxonomy import choices as taxonomy_choices
from cmepath.core.errors import DomainError
from cmepath.core.forms import form_add_domain_error
from cmepath.core.vocabulary import PROFESSIONS, TOPICS, choices

from .choices import ArticleType, PaidTo, ReferenceKind, Relationship
from .models import Article, Reference

#: Service error keys for one reference: ``references[3]`` is the third reference given.
_REFERENCE_KEY = re.compile(r"^references\[(\d+)\]$")
_YEAR = re.compile(r"^\d{4}$")
REFERENCE_FORMAT = "kind | identifier | title | journal | year"


class DateInput(forms.DateInput):
    input_type = "date"


def _many(label: str, choice_list: list[tuple[str, str]], help_text: str) -> Any:
    return forms.MultipleChoiceField(
        label=label,
        choices=choice_list,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=f"{help_text} Hold Ctrl (or Cmd) to choose several.",
    )


def reference_line(ref: Reference) -> str:
    """A stored reference as the line the form shows for it."""
    return " | ".join(
        [ref.kind, ref.identifier, ref.title, ref.journal, str(ref.year) if ref.year else ""]
    ).rstrip(" |")


def parse_reference_line(line: str) -> dict[str, Any]:
    """One ``kind | identifier | title | journal | year`` line as the service's mapping.

    The title may itself contain ``|``: the kind and identifier are read from the left,
    the year (four digits) and the journal from the right. Raises ``ValueError`` with what
    is wrong; whether the DOI, PMID or URL is well formed is the service's check.
    """
    parts = [p.strip() for p in line.split("|")]
    if len(parts) < 3:
        raise ValueError(f"write it as {REFERENCE_FORMAT} (at least kind, identifier and title)")
    kind, identifier, rest = parts[0].lower(), parts[1], parts[2:]
    if kind not in ReferenceKind.values:
        raise ValueError(f"kind {parts[0]!r} is not one of {', '.join(ReferenceKind.values)}")
    if not identifier:
        raise ValueError("the identifier (DOI, PMID or URL) is missing")
    year: str = ""
    journal = ""
    if len(rest) >= 3:
        title, journal, year = " | ".join(rest[:-2]), rest[-2], rest[-1]
    elif len(rest) == 2:
        title = rest[0]
        if _YEAR.match(rest[1]) or not rest[1]:
            year = rest[1]
        else:
            journal = rest[1]
    else:
        title = rest[0]
    if not title:
        raise ValueError("the title is missing")
    if year and not _YEAR.match(year):
        raise ValueError(f"the year {year!r} is not four digits")
    return {
        "kind": kind,
        "identifier": identifier,
        "title": title,
        "journal": journal,
        "year": int(year) if year else None,
    }


class ArticleForm(forms.Form):
    """A draft's fields and its numbered references (one per line)."""

    article_type = forms.ChoiceField(label="Type", choices=ArticleType.choices)
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=600,
        help_text="Two or three sentences; shown in search results and feeds (600 characters at most).",
    )
    body = forms.CharField(
        label="Text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 20}),
        max_length=100_000,
        help_text=(
            "Markdown: '## Heading', '**bold**', '*italic*', '- list item', '1. numbered item', "
            "tables, and links written [text](https://...). Cite a reference by its number: "
            "[1], [2, 3] or [1-3]. Raw HTML and images are not shown to readers."
        ),
    )
    topics = _many("Topics", [], "The shared topics; each topic page and feed lists the article.")
    specialties = _many("Specialties (NUCC)", [], "The specialties the article is for.")
    professions = forms.MultipleChoiceField(
        label="For",
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The professions the article is written for.",
    )
    references = forms.CharField(
        label="References",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=60_000,
        help_text=(
            f"One per line, numbered in this order: {REFERENCE_FORMAT}. kind is doi, pmid or "
            "url; e.g. 'doi | 10.1542/peds.2019-2503 | Improving Antibiotic Prescribing for "
            "Pediatric Urinary Tract Infections | Pediatrics | 2020'. Journal and year may be "
            "left out. At least one reference is needed to submit."
        ),
    )
    note = forms.CharField(
        label="What changed",
        max_length=500,
        required=False,
        help_text="Optional: kept with this revision in the article's history.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topics"].choices = choices(TOPICS)  # type: ignore[attr-defined]
        self.fields["specialties"].choices = taxonomy_choices()  # type: ignore[attr-defined]
        self.fields["professions"].choices = choices(PROFESSIONS)  # type: ignore[attr-defined]
        #: Line number of each parsed reference, for service errors about reference n.
        self.reference_lines: list[int] = []

    def clean_references(self) -> list[dict[str, Any]]:
        text = str(self.cleaned_data.get("references") or "")
        parsed: list[dict[str, Any]] = []
        errors: list[str] = []
        self.reference_lines = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                parsed.append(parse_reference_line(line))
            except ValueError as exc:
                errors.append(f"Line {number}: {exc}.")
                continue
            self.reference_lines.append(number)
        if errors:
            raise forms.ValidationError(errors)
        return parsed

    def service_data(self) -> dict[str, Any]:
        """The article fields for ``article_create`` / ``article_update``."""
        return {
            name: self.cleaned_data[name]
            for name in (
                "article_type",
                "title",
                "summary",
                "body",
                "topics",
                "specialties",
                "professions",
                "note",
            )
        }

    def add_service_error(self, exc: DomainError) -> None:
        """A service error next to its field; one about reference n names its line."""
        lines: dict[str, list[str]] = {}
        rest: dict[str, list[str]] = {}
        for key, messages in exc.errors.items():
            found = _REFERENCE_KEY.match(key)
            if found is None:
                rest[key] = messages
                continue
            index = int(found.group(1)) - 1
            where = (
                f"Line {self.reference_lines[index]}"
                if 0 <= index < len(self.reference_lines)
                else f"Reference {index + 1}"
            )
            lines.setdefault("references", []).extend(f"{where}: {m}." for m in messages)
        for messages in lines.values():
            for message in messages:
                self.add_error("references", message)
        if rest or not lines:
            form_add_domain_error(
                self,
                DomainError(exc.message, field=exc.field, errors=rest) if lines else exc,
            )

    @staticmethod
    def initial_for(article: Article, references: Iterable[Reference]) -> dict[str, Any]:
        return {
            "article_type": article.article_type,
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "topics": list(article.topics),
            "specialties": list(article.specialties),
            "professions": list(article.professions),
            "references": "\n".join(reference_line(r) for r in references),
        }


class CorrectForm(forms.Form):
    """A correction after publication: the corrected text and what it changes (listed)."""

    body = forms.CharField(
        label="Corrected text (Markdown)",
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=100_000,
    )
    note = forms.CharField(
        label="What the correction changes",
        max_length=500,
        help_text="Listed under 'Corrections' on the article, with the date and a link to the changes.",
    )


class CommentForm(forms.Form):
    quote = forms.CharField(
        label="Passage",
        max_length=500,
        required=False,
        help_text="Optional: paste the words the comment is about.",
    )
    body = forms.CharField(
        label="Comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class RequestChangesForm(forms.Form):
    note = forms.CharField(
        label="What must change",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=900,
        help_text="The authors see this note; the article goes back to them.",
    )


class RetractForm(forms.Form):
    reason = forms.CharField(
        label="Public reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="Shown in the banner on the article, with today's date. The page stays.",
    )


class DisclosureForm(forms.Form):
    """One financial relationship, on the ACCME Standard 3 terms (no minimum amount)."""

    company = forms.CharField(
        max_length=200, help_text="The company's name only (readers see names, never logos)."
    )
    ineligible = forms.BooleanField(
        label="Ineligible company",
        required=False,
        initial=True,
        help_text=(
            "Its primary business is producing, marketing, selling, re-selling or "
            "distributing healthcare products used by or on patients."
        ),
    )
    nature = forms.ChoiceField(label="Relationship", choices=Relationship.choices)
    paid_to = forms.ChoiceField(label="Paid to", choices=PaidTo.choices, initial=PaidTo.AUTHOR)
    start_date = forms.DateField(label="Started", widget=DateInput)
    end_date = forms.DateField(
        label="Ended",
        widget=DateInput,
        required=False,
        help_text="Leave empty while the relationship lasts.",
    )


class DisclosureEndForm(forms.Form):
    end_date = forms.DateField(label="Ended on", widget=DateInput)


class StatementForm(forms.Form):
    """The dated declaration every author needs before submitting."""

    none_to_disclose = forms.TypedChoiceField(
        label="I declare that",
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        choices=[
            (
                "no",
                "The relationships listed above are all my financial relationships with "
                "ineligible companies in the last 24 months.",
            ),
            (
                "yes",
                "I have had no financial relationship with an ineligible company in the last "
                "24 months.",
            ),
        ],
    )
    mitigation = forms.CharField(
        label="How relevant relationships were mitigated",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        required=False,
        help_text=(
            "Shown to readers with the company names, e.g. 'The content was reviewed by an "
            "editor with no relevant financial relationships.' Needed when you list any."
        ),
    )


class ExpertForm(forms.Form):
    """An editor approves a verified clinician as an expert in named specialties."""

    email = forms.EmailField(
        label="Clinician's e-mail", help_text="The e-mail of their cmepath account."
    )
    specialties = _many("Specialties (NUCC)", [], "The specialties their expertise covers.")
    bio = forms.CharField(
        label="Short bio",
        max_length=500,
        required=False,
        help_text="Optional; shown with their articles.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["specialties"].choices = taxonomy_choices()  # type: ignore[attr-defined]
        self.fields["specialties"].required = True
