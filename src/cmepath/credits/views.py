"""Pages for the CME record: compliance dashboard, completion form with certificate pre-fill,
history, CSV import, transcripts, share links, the public read-only transcript, badges (the
page and the .json), notification preferences, and the public coverage table of the
requirement rules."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cmepath.core.errors import ConflictError, ValidationError
from cmepath.core.forms import form_submit
from cmepath.core.htmx import render_page
from cmepath.core.services import audit_record
from cmepath.core.undo import undo_capture, undo_offer, undo_offers, undo_restore, undo_seconds
from cmepath.core.uploads import max_upload_bytes, too_large_message

from . import policies, selectors, services, transcripts
from .choices import IMPORT_MAX_BYTES
from .forms import (
    CertificateForm,
    CompletionForm,
    ImportForm,
    NotificationPreferenceForm,
    ProviderCompletionForm,
    ShareLinkForm,
)
from .models import Certificate, Completion, ShareLink


def _as_of(request: HttpRequest) -> date:
    raw = request.GET.get("as_of", "")
    today = selectors.today()
    try:
        value = date.fromisoformat(raw) if raw else today
    except ValueError:
        raise ValidationError("as_of must be a date written YYYY-MM-DD.", field="as_of") from None
    if value > today:
        raise ValidationError("The evaluation date cannot be in the future.", field="as_of")
    return value


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    context = selectors.dashboard(actor=request.user, as_of=_as_of(request))
    return render_page(request, "credits/dashboard.html", context)


@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    """Public: every jurisdiction x licence type, board and the DEA, with the rule that covers
    it (source, as-of date) or "not covered" and the board to check with."""
    return render_page(request, "credits/coverage.html", {"coverage": selectors.coverage()})


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
@require_POST
def certificate_upload(request: HttpRequest) -> HttpResponse:
    form = CertificateForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["file"].size > max_upload_bytes():
        # Refused before the file is read, with the status the size deserves.
        form.add_error("file", too_large_message("PDF"))
        return _upload_page(request, form, 413)

    def upload(data: Mapping[str, Any]) -> Certificate:
        return services.certificate_upload(
            actor=request.user,
            data=data["file"].read(),
            filename=data["file"].name or "certificate.pdf",
        )

    submitted = form_submit(request, form, upload)
    cert = submitted.result
    if cert is None:
        return _upload_page(request, form, submitted.status)
    found = [k for k, v in (cert.extracted or {}).items() if v]
    messages.success(
        request,
        "Certificate checked and stored. "
        + (
            f"We filled in: {', '.join(found).replace('_', ' ')}. Check every field before saving."
            if found
            else "We could not read its details; please fill in the form."
        ),
    )
    return redirect(f"{reverse('credits:completion_new')}?certificate={cert.pk}")


def _upload_page(request: HttpRequest, form: CertificateForm, status: int) -> HttpResponse:
    return render_page(
        request,
        "credits/completion_form.html",
        {"form": CompletionForm(), "upload_form": form},
        status=status,
    )


def certificate_response(cert: Certificate, *, actor: Any) -> FileResponse:
    """Serve a certificate as an attachment with a safe, server-made name; audited."""
    audit_record(actor=actor, action="certificate.view", target=cert, subject_user_id=cert.user_id)
    response = FileResponse(
        cert.file.open("rb"),
        as_attachment=True,
        filename=f"certificate-{cert.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def certificate_download(request: HttpRequest, pk: int) -> FileResponse:
    cert = policies.certificates.get(request.user, "view", pk=pk)
    return certificate_response(cert, actor=request.user)


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


@login_required
@require_GET
def completion_badge(request: HttpRequest, pk: int) -> HttpResponse:
    """The badge as an Open Badges 3.0 credential file (``badge-<id>.json``, an attachment)."""
    completion = policies.completions.get(request.user, "change", pk=pk)
    badge = services.badge_issue(
        actor=request.user, completion=completion, base_url=request.build_absolute_uri("/")
    )
    response = HttpResponse(
        json.dumps(badge, indent=2, ensure_ascii=False), content_type="application/ld+json"
    )
    response["Content-Disposition"] = f'attachment; filename="badge-{completion.pk}.json"'
    return response


@login_required
@require_GET
def badge_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The badge for people: achievement, clinician, issue date, credits, where the claim
    came from, and its verification checked now (signature, revocation, expiry), beside the
    .json download. Owner only, like the .json: badges are handed out as files."""
    completion = policies.completions.get(request.user, "change", pk=pk)
    badge = services.badge_page(
        actor=request.user, completion=completion, base_url=request.build_absolute_uri("/")
    )
    return render_page(
        request,
        "credits/badge.html",
        {
            "badge": badge,
            "verify_url": request.build_absolute_uri(reverse("api:badge_verify")),
        },
    )


def _transcript_download(
    data: transcripts.TranscriptData, regime_id: str, fmt: str
) -> HttpResponse:
    name = f"transcript-{regime_id or 'all'}-{data.as_of.isoformat()}"
    if fmt == "csv":
        response = HttpResponse(transcripts.to_csv(data), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(transcripts.to_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _transcript(request: HttpRequest, user: Any, regime_id: str, fmt: str) -> HttpResponse:
    """The owner's download: its verification URL is a share link made for it (one per
    scope and day, 90 days, listed on the share-links page, revocable)."""
    data = selectors.transcript_data(user=user, regime_id=regime_id, as_of=_as_of(request))
    link, raw = services.share_link_for_transcript(actor=user, regime_id=regime_id)
    data = transcripts.with_identity(
        data,
        user=user,
        url=request.build_absolute_uri(reverse("credits:shared", args=[raw])),
        on=selectors.today(),
        valid_until=timezone.localdate(link.expires_at),
    )
    return _transcript_download(data, regime_id, fmt)


def _regime_param(request: HttpRequest) -> str:
    regime = request.GET.get("regime", "")
    if regime and not all(ch.isalnum() or ch in "-_" for ch in regime):
        raise ValidationError("Unknown regime.", field="regime")
    return regime[:64]


@login_required
@require_GET
def transcript_csv(request: HttpRequest) -> HttpResponse:
    return _transcript(request, request.user, _regime_param(request), "csv")


@login_required
@require_GET
def transcript_pdf(request: HttpRequest) -> HttpResponse:
    return _transcript(request, request.user, _regime_param(request), "pdf")


def _regime_choices(user: Any) -> list[tuple[str, str]]:
    evaluation, _ = selectors.evaluation_compute(user=user, as_of=selectors.today())
    return [(r.regime_id, r.name) for r in evaluation.regimes]


@login_required
@require_http_methods(["GET", "POST"])
def share_links(request: HttpRequest) -> HttpResponse:
    regimes = _regime_choices(request.user)
    form = ShareLinkForm(request.POST or None, regimes=regimes)
    new_url = None

    def create(data: Mapping[str, Any]) -> tuple[ShareLink, str]:
        return services.share_link_create(
            actor=request.user,
            label=data["label"],
            regime_id=data["regime_id"] or "",
            days=data["days"],
        )

    submitted = form_submit(request, form, create)
    if submitted.result is not None:
        _, raw = submitted.result
        new_url = request.build_absolute_uri(reverse("credits:shared", args=[raw]))
        form = ShareLinkForm(regimes=regimes)
    return render_page(
        request,
        "credits/share_links.html",
        {
            "form": form,
            "links": selectors.share_links_for(actor=request.user),
            "new_url": new_url,
            "now": timezone.now(),
            "regime_names": dict(regimes),
            "undo_offers": undo_offers(request),
        },
        status=submitted.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def share_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a share link: a GET asks to confirm, a POST revokes it (it stops opening at
    once) and offers an undo for ``CMEPATH_UNDO_SECONDS``."""
    link = policies.share_links.get(request.user, "delete", pk=pk)
    if request.method == "GET":
        return render_page(
            request,
            "credits/share_link_revoke.html",
            {"link": link, "undo_seconds": undo_seconds()},
        )
    entry = undo_capture(
        actor=request.user,
        objects=[link],
        kind="sharelink.revoke",
        label=f"Link for “{link.label}” revoked; it no longer opens.",
        cascade=False,
    )
    services.share_link_revoke(actor=request.user, link=link)
    undo_offer(request, entry, url=reverse("credits:share_link_undo", args=[entry.token]))
    return redirect("credits:share_links")


@login_required
@require_POST
def share_link_undo(request: HttpRequest, token: str) -> HttpResponse:
    """Make a revoked link open again while the undo time lasts."""
    try:
        restored = undo_restore(
            actor=request.user, token=token, kind="sharelink.revoke", request=request
        )
    except ConflictError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The link opens again." if restored else "Nothing to restore.")
    return redirect("credits:share_links")


def _public_headers(response: HttpResponse | FileResponse) -> HttpResponse | FileResponse:
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _shared_data(request: HttpRequest, link: ShareLink, token: str) -> transcripts.TranscriptData:
    """What the link shows, with the clinician's identity and the mark naming the link."""
    return transcripts.with_identity(
        selectors.shared_transcript(link=link),
        user=link.user,
        url=request.build_absolute_uri(reverse("credits:shared", args=[token])),
        on=selectors.today(),
        valid_until=timezone.localdate(link.expires_at),
    )


@require_GET
def shared(request: HttpRequest, token: str) -> HttpResponse:
    """The read-only transcript behind a share link (no sign-in; GET only)."""
    link = services.share_link_resolve(raw=token)
    data = _shared_data(request, link, token)
    response = render_page(
        request,
        "credits/shared.html",
        {"data": data, "link": link, "token": token},
    )
    _public_headers(response)
    return response


@require_GET
def shared_pdf(request: HttpRequest, token: str) -> HttpResponse:
    """The shared page as a PDF: the same rows (no ``as_of``: the link shows today's scope)."""
    link = services.share_link_resolve(raw=token)
    response = _transcript_download(_shared_data(request, link, token), link.regime_id, "pdf")
    _public_headers(response)
    return response


@require_GET
def shared_certificate(request: HttpRequest, token: str, pk: int) -> FileResponse:
    """A certificate on a row of the shared transcript: the owner shared it by sharing the
    link. Other ids (outside the link's scope, or not the owner's) are 404."""
    link = services.share_link_resolve(raw=token)
    cert = selectors.shared_certificate(link=link, certificate_id=pk)
    response = certificate_response(cert, actor=None)
    _public_headers(response)
    return response


# ------------------------------------------------------------------ notifications


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    """Which reminders the clinician gets (deadline horizons, weekly digest) and what was
    sent; the form posts with htmx and the same view answers with the form's partial."""
    pref = services.notification_preferences_for(actor=request.user)
    # An empty POST (every box unticked, no CSRF field from a script) is still a submission.
    form = NotificationPreferenceForm(
        request.POST if request.method == "POST" else None, preference=pref
    )

    def save(data: Mapping[str, Any]) -> Any:
        return services.notification_preferences_update(
            actor=request.user,
            reminder_days=data["reminder_days"],
            weekly_digest=data["weekly_digest"],
        )

    # No flash message: the form says "saved" itself (an htmx swap would leave the flash
    # for the next page).
    submitted = form_submit(request, form, save)
    if submitted.ok:
        form = NotificationPreferenceForm(preference=submitted.result)
    return render_page(
        request,
        "credits/notifications.html",
        {
            "form": form,
            "saved": submitted.ok,
            "sent": services.notifications_sent(actor=request.user),
        },
        partial="credits/partials/notifications_form.html",
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

        from .choices import ErrorCode as CreditsErrorCode

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
