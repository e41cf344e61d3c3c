"""Writes on applications: apply, withdraw, move through the employer's stages.

Both sides see the same history (``ApplicationEvent``) and get an e-mail on each change
(sent after commit, so a rolled-back change never mails). An application carries the
verified profile summary and, only if the clinician attaches one of their own share links,
their transcript; never licence numbers otherwise.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from cmepath.core.errors import ConflictError, ValidationError
from cmepath.core.services import audit_record
from cmepath.jobs.choices import (
    APPLICATION_NEXT,
    APPLICATION_OPEN,
    ApplicationStatus,
    ErrorCode,
    VacancyStatus,
)
from cmepath.jobs.models import Application, ApplicationEvent, EmployerMember, Vacancy


def _mail_on_commit(subject: str, body: str, addresses: list[str]) -> None:
    if addresses:
        transaction.on_commit(
            lambda: send_mail(subject, body, None, addresses, fail_silently=True), robust=True
        )


def _employer_addresses(vacancy: Vacancy) -> list[str]:
    return sorted(
        EmployerMember.objects.filter(employer_id=vacancy.employer_id).values_list(
            "user__email", flat=True
        )
    )


@transaction.atomic
def application_create(
    *,
    actor: Any,
    vacancy: Vacancy,
    cover_note: str = "",
    share_link: Any = None,
    fit_score: int = 0,
) -> Application:
    """Apply to a published vacancy, once. ``share_link`` must be one of the actor's own
    live transcript links (or ``None``)."""
    vacancy = Vacancy.objects.select_for_update().get(pk=vacancy.pk)
    if vacancy.status != VacancyStatus.PUBLISHED:
        raise ConflictError(
            f"This vacancy is {vacancy.get_status_display().lower()}; it takes no applications.",
            code=ErrorCode.VACANCY_CLOSED,
        )
    if share_link is not None:
        if share_link.user_id != actor.pk:
            raise ValidationError("That share link is not yours.", field="share_link")
        if share_link.revoked_at is not None or share_link.expires_at <= timezone.now():
            raise ValidationError(
                "That share link is revoked or expired; create a new one under Credits > Share.",
                field="share_link",
            )
    note = cover_note.strip()
    if len(note) > 4000:
        raise ValidationError("The note is longer than 4,000 characters.", field="cover_note")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                vacancy=vacancy,
                user=actor,
                cover_note=note,
                share_link=share_link,
                fit_score=max(0, min(100, int(fit_score))),
            )
    except IntegrityError:
        raise ConflictError(
            "You already applied to this vacancy; see My applications.",
            code=ErrorCode.ALREADY_APPLIED,
        ) from None
    ApplicationEvent.objects.create(
        application=application, status=application.status, actor=actor, note="Application sent"
    )
    audit_record(actor=actor, action="jobs.application.create", target=application)
    _mail_on_commit(
        f"New application: {vacancy.title}",
        f"A verified clinician applied to {vacancy.title} on cmepath.\n"
        "Open Applicants on your employer page to review it.",
        _employer_addresses(vacancy),
    )
    return application


@transaction.atomic
def application_withdraw(*, actor: Any, application: Application) -> Application:
    """The clinician withdraws (one click; from any open status)."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status not in APPLICATION_OPEN:
        raise ConflictError(
            f"This application is already {application.get_status_display().lower()}."
        )
    application.status = ApplicationStatus.WITHDRAWN
    application.save(update_fields=["status", "updated_at"])
    ApplicationEvent.objects.create(
        application=application, status=application.status, actor=actor, note="Withdrawn"
    )
    audit_record(actor=actor, action="jobs.application.withdraw", target=application)
    _mail_on_commit(
        f"Application withdrawn: {application.vacancy.title}",
        "A candidate withdrew their application on cmepath.",
        _employer_addresses(application.vacancy),
    )
    return application


@transaction.atomic
def application_move(
    *, actor: Any, application: Application, status: str, note: str = ""
) -> Application:
    """The employer moves an application on (reviewed, interview, offer, hired, not
    selected); only the next stages of the current one are allowed."""
    application = (
        Application.objects.select_for_update()
        .select_related("vacancy", "user")
        .get(pk=application.pk)
    )
    allowed = APPLICATION_NEXT.get(application.status, frozenset())
    if status not in allowed:
        names = ", ".join(sorted(allowed)) or "none (this application is finished)"
        raise ConflictError(
            f"An application that is {application.get_status_display().lower()} cannot become "
            f"{status!r}. Next steps: {names}.",
            code=ErrorCode.BAD_TRANSITION,
        )
    application.status = status
    application.save(update_fields=["status", "updated_at"])
    ApplicationEvent.objects.create(
        application=application,
        status=status,
        actor=actor,
        note=" ".join(note.split())[:1000],
    )
    audit_record(
        actor=actor, action="jobs.application.move", target=application, detail={"status": status}
    )
    label = ApplicationStatus(status).label
    _mail_on_commit(
        f"Your application for {application.vacancy.title}: {label}",
        f"The employer updated your application for {application.vacancy.title}: {label}.\n"
        "See My applications on cmepath for the history.",
        [application.user.email],
    )
    return application
