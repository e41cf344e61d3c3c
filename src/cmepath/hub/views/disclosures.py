"""A clinician's disclosures: their dated relationship rows, adding one, ending one, the
dated statement every author needs before submitting, and both views readers get from the
same rows (ACCME Standard 3, 24 months, ineligible companies, names only; ICMJE, 36 months).
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.hub import disclosures, selectors, services
from cmepath.hub.forms import DisclosureEndForm, DisclosureForm, StatementForm
from cmepath.hub.views._common import _DISCLOSURES, _relationships, _require_clinician


def _end_form(pk: int, data: Mapping[str, str] | None = None) -> DisclosureEndForm:
    return DisclosureEndForm(data, auto_id=f"id_d{pk}_%s")


def _disclosures_page(
    request: HttpRequest,
    *,
    add_form: DisclosureForm | None = None,
    statement_form: StatementForm | None = None,
    end_forms: Mapping[int, DisclosureEndForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = selectors.today()
    rows = list(selectors.disclosures_for(actor=user))
    statements = list(selectors.statements_for(actor=user)[:5])
    latest = statements[0] if statements else None
    current = disclosures.statement_current(
        disclosures.Statement(latest.declared_on, latest.none_to_disclose, latest.mitigation)
        if latest
        else None,
        today,
    )
    relationships = _relationships(rows)
    ends = end_forms or {}
    return render_page(
        request,
        "hub/disclosures.html",
        {
            "rows": [{"row": r, "end_form": ends.get(r.pk) or _end_form(r.pk)} for r in rows],
            "statements": statements,
            "latest": latest,
            "current": current,
            "accme": disclosures.accme_view(relationships, as_of=today),
            "icmje": disclosures.icmje_view(relationships, as_of=today),
            "add_form": add_form or DisclosureForm(),
            "statement_form": statement_form
            or StatementForm(
                initial={
                    "none_to_disclose": ("yes" if latest.none_to_disclose else "no")
                    if latest
                    else None,
                    "mitigation": latest.mitigation if latest else "",
                }
            ),
            "expert": selectors.expert_for(user=user),
        },
        status=status,
    )


@login_required
@require_GET
def disclosures_page(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    return _disclosures_page(request)


@login_required
@require_POST
def disclosure_add(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    form = DisclosureForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.disclosure_add(
            actor=request.user,
            company=data["company"],
            nature=data["nature"],
            start_date=data["start_date"],
            end_date=data["end_date"],
            ineligible=data["ineligible"],
            paid_to=data["paid_to"],
        ),
        success="Relationship recorded. Declare your statement again so it covers it.",
    )
    if done.ok:
        return redirect("hub:disclosures")
    return _disclosures_page(request, add_form=form, status=done.status)


@login_required
@require_POST
def disclosure_end(request: HttpRequest, pk: int) -> HttpResponse:
    _require_clinician(request)
    row = _DISCLOSURES.get(request.user, "change", pk=pk)
    form = _end_form(pk, request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.disclosure_end(
            actor=request.user, disclosure=row, end_date=data["end_date"]
        ),
        success=f"The relationship with {row.company} is recorded as ended.",
    )
    if done.ok:
        return redirect("hub:disclosures")
    return _disclosures_page(request, end_forms={pk: form}, status=done.status)


@login_required
@require_POST
def statement_declare(request: HttpRequest) -> HttpResponse:
    _require_clinician(request)
    form = StatementForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.statement_declare(
            actor=request.user,
            none_to_disclose=data["none_to_disclose"],
            mitigation=data["mitigation"],
        ),
        success="Statement declared: it accompanies your submissions for the next 12 months.",
    )
    if done.ok:
        return redirect("hub:disclosures")
    return _disclosures_page(request, statement_form=form, status=done.status)
