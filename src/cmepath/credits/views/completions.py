"""Completions: the form with certificate or activity pre-fill, history, delete and undo,
CSV import, and a provider reporting completions for an activity's learners.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import ConflictError, ValidationError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.core.undo import undo_capture, undo_offer, undo_offers, undo_restore, undo_seconds
from cmepath.credits import policies, selectors, services
from cmepath.credits.choices import IMPORT_MAX_BYTES
from cmepath.credits.forms import (
    CertificateForm,
    CompletionForm,
    ImportForm,
    ProviderCompletionForm,
)
from cmepath.credits.models import Certificate, Completion


def _completion_page(
    request: HttpRequest,
    form: CompletionForm,
    status: int = 200,
    certificate: Certificate | None = None,
) -> HttpResponse:
    return render_page(
        request,
        "credits/completion_form.html",
        {"form": form, "upload_form": CertificateForm(), "certificate": certificate},
        partial="credits/partials/completion_form.html",
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def completion_new(request: HttpRequest) -> HttpResponse:
    """The completion form; ``?certificate=ID`` pre-fills it from an uploaded certificate,
    ``?activity=ID`` from a catalog activity (the wishlist's and the plan's links)."""
    certificate = None
    if request.method == "POST":
        form = CompletionForm(request.POST)
        # A certificate that is not the user's is a 404 page (not a form error), checked
        # before anything is recorded.
        if form.is_valid() and form.cleaned_data.get("certificate"):
            certificate = policies.certificates.get(
                request.user, "change", pk=form.cleaned_data["certificate"]
            )

        def record(_: Mapping[str, Any]) -> Completion:
            data, credits = form.service_args()
            return services.completion_record(
                actor=request.user, data=data, credits=credits, certificate=certificate
            )

        submitted = form_submit(request, form, record)
        if not submitted.ok:
            return _completion_page(request, form, submitted.status, certificate)
        messages.success(request, f"“{form.cleaned_data['title']}” added to your record.")
        if getattr(request, "htmx", False):
            from django_htmx.http import HttpResponseClientRedirect

            return HttpResponseClientRedirect(reverse("credits:history"))
        return redirect("credits:history")
    initial: dict[str, Any] = {}
    if request.GET.get("certificate", "").isdigit():
        certificate = policies.certificates.get(
            request.user, "view", pk=int(request.GET["certificate"])
        )
        initial = selectors.certificate_prefill(certificate=certificate)
    elif request.GET.get("activity", "").isdigit():
        initial = selectors.activity_prefill(
            actor=request.user, activity_id=int(request.GET["activity"])
        )
    return _completion_page(request, CompletionForm(initial=initial), certificate=certificate)


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    return render_page(
        request,
        "credits/history.html",
        {
            "completions": selectors.completions_for(actor=request.user),
            "import_form": ImportForm(),
            "orphans": selectors.certificates_for(actor=request.user).filter(
                completion__isnull=True
            ),
            "undo_offers": undo_offers(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def completion_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Delete a completion: a GET asks to confirm (works without JavaScript; the history's
    button confirms in place with htmx), a POST deletes it and offers an undo for
    ``CMEPATH_UNDO_SECONDS``."""
    completion = policies.completions.get(request.user, "delete", pk=pk)
    if request.method == "GET":
        return render_page(
            request,
            "credits/completion_delete.html",
            {"completion": completion, "undo_seconds": undo_seconds()},
        )
    entry = undo_capture(
        actor=request.user,
        objects=[completion],
        kind="completion.delete",
        label=f"“{completion.title}” removed.",
    )
    services.completion_delete(actor=request.user, completion=completion)
    undo_offer(request, entry, url=reverse("credits:completion_undo", args=[entry.token]))
    return redirect("credits:history")


@login_required
@require_POST
def completion_undo(request: HttpRequest, token: str) -> HttpResponse:
    """Put a deleted completion back (with its credits) while the undo time lasts. A badge
    revoked by the deletion stays revoked (revocation in a status list is permanent): the
    badge page issues a new one."""
    try:
        restored = undo_restore(
            actor=request.user, token=token, kind="completion.delete", request=request
        )
    except ConflictError as exc:  # too late, or undone already: the page says which
        messages.error(request, exc.message)
    else:
        if restored:
            services.completion_restored(actor=request.user)
        messages.success(
            request,
            "Completion restored; any badge it had stays revoked: download a new one."
            if restored
            else "Nothing to restore.",
        )
    return redirect("credits:history")


@login_required
@require_POST
def completion_import(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)

    def import_csv(data: Mapping[str, Any]) -> services.ImportReport:
        upload = data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError("The CSV is larger than 2 MiB; split it.", field="file")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError("The CSV must be UTF-8 text.", field="file") from None
        return services.completion_import_csv(actor=request.user, data=text)

    submitted = form_submit(request, form, import_csv)
    if submitted.result is not None:
        created = submitted.result.created
        messages.success(request, f"Imported {created} completion{'s' if created != 1 else ''}.")
        return redirect("credits:history")
    return render_page(
        request,
        "credits/history.html",
        {
            "completions": selectors.completions_for(actor=request.user),
            "import_form": form,
            "orphans": selectors.certificates_for(actor=request.user).filter(
                completion__isnull=True
            ),
        },
        status=submitted.status,
    )


# ------------------------------------------------------------------ provider reporting


@login_required
@require_http_methods(["GET", "POST"])
def provider_completions(request: HttpRequest, pk: int) -> HttpResponse:
    """A provider member reports learners' completions of one of its activities (provenance
    "provider-reported" in the learner's record) and sees those already reported."""
    from cmepath.catalog import policies as catalog_policies
    from cmepath.core.vocabulary import credit_label

    activity = catalog_policies.activities.get(request.user, "report", pk=pk)
    designations = [
        (d.credit_type, f"{credit_label(d.credit_type)} (up to {d.amount.normalize():f})")
        for d in activity.designations.all()
    ]
    form = ProviderCompletionForm(
        request.POST if request.method == "POST" else None, designations=designations
    )

    class NoAccount(Exception):
        """The dry run for an email without an account is over: roll it back."""

    def report(data: Mapping[str, Any]) -> None:
        """The same answer whether or not the email has an account (no enumeration): the
        report is checked the same way either way (for an email without an account, as a
        dry run on the reporting member's own record, rolled back), and the one refusal
        that depends on the learner's record (a full record) is not shown."""
        from django.db import transaction

        from cmepath.accounts.selectors import active_user_by_email
        from cmepath.credits.choices import ErrorCode as CreditsErrorCode

        learner = active_user_by_email(data["learner_email"])
        try:
            with transaction.atomic():
                services.completion_record(
                    actor=request.user,
                    user=learner or request.user,
                    data={"activity_id": activity.pk, "completed_on": data["completed_on"]},
                    credits={data["credit_type"]: data["amount"]},
                )
                if learner is None:
                    raise NoAccount
        except NoAccount:
            pass
        except ValidationError as exc:
            if exc.code != CreditsErrorCode.QUOTA:
                raise

    submitted = form_submit(request, form, report)
    if submitted.ok:
        messages.success(
            request,
            f"Report received for {form.cleaned_data['learner_email']}. It is added to the "
            "record of the cmepath account with that email, if there is one (we do not say "
            "which emails have accounts); nothing is kept otherwise. If the learner does not "
            "see it, check the email with them.",
        )
        return redirect("credits:provider_completions", pk=activity.pk)
    reported = list(selectors.provider_reported(actor=request.user, activity_id=activity.pk)[:200])
    return render_page(
        request,
        "credits/provider_completions.html",
        {"activity": activity, "form": form, "reported": reported},
        status=submitted.status,
    )
