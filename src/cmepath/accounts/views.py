"""Pages for identity: profile, NPI, licences, proofs, verification queue, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cmepath.core.errors import ConflictError, DomainError
from cmepath.core.forms import Submission, form_submit
from cmepath.core.htmx import render_page
from cmepath.core.policy import is_admin
from cmepath.core.services import audit_record
from cmepath.core.undo import undo_capture, undo_offer, undo_offers, undo_restore, undo_seconds
from cmepath.core.uploads import max_upload_bytes, too_large_message

from . import policies, selectors, services
from .forms import (
    BoardCertificationForm,
    DecisionForm,
    DisputeDecisionForm,
    DisputeForm,
    LicenceForm,
    NpiForm,
    ProfileForm,
    ProofForm,
    TokenForm,
)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    prof = selectors.profile_for(user=request.user)  # type: ignore[arg-type]
    form = ProfileForm(request.POST or None, instance=prof)
    npi_form = NpiForm(initial={"npi": prof.npi})
    done = form_submit(
        request,
        form,
        lambda data: services.profile_update(actor=request.user, data=data),  # type: ignore[arg-type]
        success="Profile saved.",
    )
    if done.ok:
        return redirect("accounts:profile")
    if request.method == "POST":
        prof.refresh_from_db()
    return render_page(
        request,
        "accounts/profile.html",
        {
            "form": form,
            "npi_form": npi_form,
            "profile": prof,
            "disputes": selectors.disputes_for(actor=request.user),
        },
        status=done.status,
    )


@login_required
@require_POST
def npi_submit(request: HttpRequest) -> HttpResponse:
    form = NpiForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.npi_submit(actor=request.user, npi=data["npi"]),  # type: ignore[arg-type]
    )
    prof = done.result or selectors.profile_for(user=request.user)  # type: ignore[arg-type]
    dispute_form = None
    submitted = request.POST.get("npi", "")
    if done.status == 409 and selectors.npi_held_elsewhere(actor=request.user, npi=submitted):
        dispute_form = DisputeForm(initial={"npi": submitted})
    return render_page(
        request,
        "accounts/profile_npi.html",
        {
            "npi_form": form,
            "profile": prof,
            "dispute_form": dispute_form,
            "disputes": selectors.disputes_for(actor=request.user),
        },
        partial="accounts/partials/npi.html",
        status=done.status,
    )


@login_required
@require_POST
def npi_dispute(request: HttpRequest) -> HttpResponse:
    """The second claimant of an NPI opens a dispute for an administrator to decide."""
    form = DisputeForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.npi_dispute_open(
            actor=request.user,  # type: ignore[arg-type]
            npi=data["npi"],
            statement=data["statement"],
        ),
        success="Dispute opened; an administrator will review it and tell you the outcome.",
    )
    if done.ok:
        return redirect("accounts:profile")
    return render_page(
        request,
        "accounts/profile_npi.html",
        {
            "npi_form": NpiForm(initial={"npi": request.POST.get("npi", "")}),
            "profile": selectors.profile_for(user=request.user),  # type: ignore[arg-type]
            "dispute_form": form,
            "disputes": selectors.disputes_for(actor=request.user),
        },
        status=done.status,
    )


def _licences_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "licences": selectors.licences_for(actor=request.user),
        "certs": selectors.board_certs_for(actor=request.user),
        "licence_form": extra.pop("licence_form", LicenceForm()),
        "cert_form": extra.pop("cert_form", BoardCertificationForm()),
        "proof_form": ProofForm(),
        "undo_offers": undo_offers(request),
        **extra,
    }


@login_required
@require_http_methods(["GET", "POST"])
def licences(request: HttpRequest) -> HttpResponse:
    form = LicenceForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.licence_create(actor=request.user, data=data),  # type: ignore[arg-type]
        success="Licence added.",
    )
    if done.ok:
        if not request.htmx:  # type: ignore[attr-defined]
            return redirect("accounts:licences")
        form = LicenceForm()
    return render_page(
        request,
        "accounts/licences.html",
        _licences_context(request, licence_form=form),
        partial="accounts/partials/licences.html",
        status=done.status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def licence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a licence: a GET asks to confirm (works without JavaScript; with htmx the
    list's button confirms in place), a POST removes it and offers an undo for
    ``CMEPATH_UNDO_SECONDS``."""
    licence = policies.licences.get(request.user, "delete", pk=pk)
    if request.method == "GET":
        return render_page(
            request,
            "accounts/licence_delete.html",
            {"licence": licence, "undo_seconds": undo_seconds()},
        )
    entry = undo_capture(
        actor=request.user,
        objects=[licence],
        kind="licence.delete",
        label=f"Licence {licence.state} {licence.get_licence_type_display()} {licence.number} removed.",
    )
    services.licence_delete(actor=request.user, licence=licence)  # type: ignore[arg-type]
    undo_offer(request, entry, url=reverse("accounts:licence_undo", args=[entry.token]))
    return redirect("accounts:licences")


@login_required
@require_POST
def licence_undo(request: HttpRequest, token: str) -> HttpResponse:
    """Put a removed licence back (with its proofs) while the undo time lasts."""
    try:
        restored = undo_restore(
            actor=request.user, token=token, kind="licence.delete", request=request
        )
    except ConflictError as exc:  # too late, or undone already: the page says which
        messages.error(request, exc.message)
    else:
        # the badge follows the licences (the service did the same on removal)
        if restored:
            services.badge_refresh(
                actor=request.user, user_id=getattr(restored[0], "user_id", 0), cause="licence.undo"
            )
        messages.success(request, "Licence restored." if restored else "Nothing to restore.")
    return redirect("accounts:licences")


@login_required
@require_POST
def board_cert_create(request: HttpRequest) -> HttpResponse:
    form = BoardCertificationForm(request.POST)
    done = form_submit(
        request,
        form,
        lambda data: services.board_cert_create(actor=request.user, data=data),  # type: ignore[arg-type]
        success="Certification added.",
    )
    if done.ok:
        return redirect("accounts:licences")
    return render_page(
        request,
        "accounts/licences.html",
        _licences_context(request, cert_form=form),
        status=done.status,
    )


@login_required
@require_POST
def board_cert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    cert = policies.board_certifications.get(request.user, "delete", pk=pk)
    services.board_cert_delete(actor=request.user, cert=cert)  # type: ignore[arg-type]
    messages.success(request, "Certification removed.")
    return redirect("accounts:licences")


@login_required
@require_POST
def proof_upload(request: HttpRequest, pk: int) -> HttpResponse:
    licence = policies.licences.get(request.user, "change", pk=pk)
    form = ProofForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["file"].size > max_upload_bytes():
        # Refused before the file is read into memory or the checker parses it.
        form.add_error("file", too_large_message("scan or PDF"))
        done: Submission[Any] = Submission(ok=False, status=413)
    else:
        done = form_submit(
            request,
            form,
            lambda data: services.proof_upload(
                actor=request.user,  # type: ignore[arg-type]
                licence=licence,
                data=data["file"].read(),
                filename=data["file"].name or "upload",
            ),
            success="Proof uploaded; an administrator will review it.",
        )
    if done.ok:
        return redirect("accounts:licences")
    ctx = _licences_context(request)
    ctx["proof_form"] = form
    ctx["proof_for"] = licence.pk
    return render_page(request, "accounts/licences.html", ctx, status=done.status)


@login_required
def proof_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve a proof only to its owner and to admins; every access is audited."""
    proof = policies.proofs.get(request.user, "view", pk=pk)
    audit_record(
        actor=request.user, action="proof.view", target=proof, subject_user_id=proof.user_id
    )
    content_types = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
    response = FileResponse(
        proof.file.open("rb"),
        as_attachment=True,
        filename=f"licence-proof-{proof.pk}.{proof.kind}",
        content_type=content_types.get(proof.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def verification_queue(request: HttpRequest) -> HttpResponse:
    if not is_admin(request.user):
        return render_page(
            request,
            "core/error.html",
            {"message": "Only administrators can see this page."},
            status=403,
        )
    return render_page(request, "accounts/queue.html", _queue_context(request))


def _queue_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "proofs": selectors.verification_queue(actor=request.user),
        "disputes": selectors.dispute_queue(actor=request.user),
        "form": DecisionForm(),
        **extra,
    }


@login_required
@require_POST
def proof_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proof = policies.proofs.get(request.user, "decide", pk=pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.proof_decide(
                actor=request.user,  # type: ignore[arg-type]
                proof=proof,
                approve=form.cleaned_data["decision"] == "approve",
                reason=form.cleaned_data["reason"],
                # the name the queue showed (absent from a hand-made post: then not compared)
                name_shown=form.cleaned_data["name_shown"]
                if "name_shown" in request.POST
                else None,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Proof {proof.pk} {form.cleaned_data['decision']}d.")
            return redirect("accounts:verification_queue")
    else:
        messages.error(request, "Choose approve or reject and give a reason.")
    return render_page(
        request,
        "accounts/queue.html",
        _queue_context(request, form=form, failed=proof.pk),
        status=422,
    )


@login_required
@require_POST
def npi_dispute_decide(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = policies.npi_disputes.get(request.user, "decide", pk=pk)
    form = DisputeDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.npi_dispute_decide(
                actor=request.user,  # type: ignore[arg-type]
                dispute=dispute,
                uphold=form.cleaned_data["decision"] == "uphold",
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"Dispute {dispute.pk} {form.cleaned_data['decision']}d.")
            return redirect("accounts:verification_queue")
    else:
        messages.error(request, "Choose uphold or dismiss and give a reason.")
    return render_page(
        request,
        "accounts/queue.html",
        _queue_context(request, failed_dispute=dispute.pk),
        status=422,
    )


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    done = form_submit(
        request,
        form,
        lambda data: services.token_create(
            actor=request.user,  # type: ignore[arg-type]
            name=data["name"],
            scope=data["scope"],
            expires_in_days=data["expires_in_days"],
        ),
    )
    new_token, new_secret = None, None
    if done.ok and done.result is not None:
        new_token, new_secret = done.result
        form = TokenForm()
    return render_page(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_for(actor=request.user),
            "new_token": new_token,
            "new_secret": new_secret,
            "tokens_allowed": services.tokens_allowed(request.user),
        },
        status=done.status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = policies.tokens.get(request.user, "delete", pk=pk)
    services.token_revoke(actor=request.user, token=token)  # type: ignore[arg-type]
    messages.success(request, f"Token “{token.name}” revoked.")
    return redirect("accounts:tokens")
