"""Writes on experts and disclosures.

Only a clinician with a verified identity (NPI matched and a licence proof approved) can be
approved as an expert, by an editor, in named specialties. Disclosures are dated rows the
expert keeps up to date; a statement ("these are all of them", or "none") dated within
``DISCLOSURE_VALID_DAYS`` must exist for each author before an article is submitted.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from cmepath.accounts import taxonomy
from cmepath.core.errors import PermissionDeniedError, ValidationError
from cmepath.core.roles import Role
from cmepath.core.services import audit_record
from cmepath.hub.choices import ErrorCode, PaidTo, Relationship
from cmepath.hub.models import Disclosure, DisclosureStatement, Expert
from cmepath.hub.policies import can_approve_experts


@transaction.atomic
def expert_approve(
    *, actor: Any, user: Any, specialties: list[str], bio: str = "", synthetic: bool = False
) -> Expert:
    """An editor approves a verified clinician as an expert in ``specialties`` (NUCC)."""
    if actor is not None and not can_approve_experts(actor):
        raise PermissionDeniedError("Only editors approve experts.")
    profile = getattr(user, "profile", None)
    if getattr(user, "role", None) != Role.CLINICIAN or profile is None:
        raise ValidationError("Only clinician accounts can be approved as experts.", field="user")
    if not profile.is_verified:
        raise ValidationError(
            "This clinician's identity is not verified yet (NPI matched and a licence proof "
            "approved); experts must be verified.",
            field="user",
            code=ErrorCode.NOT_AN_AUTHOR,
        )
    bad = [s for s in specialties if taxonomy.get(s) is None]
    if not specialties or bad:
        raise ValidationError(
            f"Name the specialties (NUCC codes) the expertise covers; unknown: {', '.join(bad)}."
            if bad
            else "Name at least one specialty (NUCC code) the expertise covers.",
            field="specialties",
        )
    expert, _ = Expert.objects.update_or_create(
        user=user,
        defaults={
            "specialties": list(dict.fromkeys(specialties)),
            "bio": " ".join(bio.split())[:500],
            "approved_by": actor,
            "approved_at": timezone.now(),
            "revoked_at": None,
            "synthetic": synthetic,
        },
    )
    audit_record(
        actor=actor,
        action="hub.expert.approve",
        target=expert,
        subject_user_id=user.pk,
        detail={"specialties": expert.specialties},
    )
    return expert


@transaction.atomic
def expert_revoke(*, actor: Any, expert: Expert) -> Expert:
    if not can_approve_experts(actor):
        raise PermissionDeniedError("Only editors revoke experts.")
    expert.revoked_at = timezone.now()
    expert.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="hub.expert.revoke", target=expert)
    return expert


@transaction.atomic
def disclosure_add(
    *,
    actor: Any,
    company: str,
    nature: str,
    start_date: date,
    end_date: date | None = None,
    ineligible: bool = True,
    paid_to: str = PaidTo.AUTHOR,
) -> Disclosure:
    """Record one financial relationship (ACCME Standard 3 terms: no minimum amount)."""
    company = " ".join(company.split())
    errors: dict[str, list[str]] = {}
    if not company:
        errors["company"] = ["Name the company."]
    if nature not in Relationship.values:
        errors["nature"] = [f"Unknown relationship. Accepted: {', '.join(Relationship.values)}."]
    if paid_to not in PaidTo.values:
        errors["paid_to"] = [f"Accepted: {', '.join(PaidTo.values)}."]
    if end_date is not None and end_date < start_date:
        errors["end_date"] = ["The end date comes before the start date."]
    if start_date > timezone.localdate():
        errors["start_date"] = ["The start date is in the future."]
    if errors:
        first = next(iter(errors))
        raise ValidationError(f"{first}: {errors[first][0]}", field=first, errors=errors)
    row = Disclosure.objects.create(
        user=actor,
        company=company[:200],
        nature=nature,
        start_date=start_date,
        end_date=end_date,
        ineligible=ineligible,
        paid_to=paid_to,
    )
    audit_record(actor=actor, action="hub.disclosure.add", target=row, subject_user_id=actor.pk)
    return row


@transaction.atomic
def disclosure_end(*, actor: Any, disclosure: Disclosure, end_date: date) -> Disclosure:
    """Close a relationship (rows are never deleted: the 24/36-month views need them)."""
    if end_date < disclosure.start_date:
        raise ValidationError("The end date comes before the start date.", field="end_date")
    disclosure.end_date = end_date
    disclosure.save(update_fields=["end_date"])
    audit_record(actor=actor, action="hub.disclosure.end", target=disclosure)
    return disclosure


@transaction.atomic
def statement_declare(
    *, actor: Any, none_to_disclose: bool, mitigation: str = "", on: date | None = None
) -> DisclosureStatement:
    """Declare that the rows on file are all the relationships of the last 24 months (or
    that there are none). Refused when "none" contradicts a row of that period."""
    from cmepath.hub.disclosures import accme_view
    from cmepath.hub.selectors import relationships

    on = on or timezone.localdate()
    rows = relationships(Disclosure.objects.filter(user=actor))
    view = accme_view(rows, as_of=on)
    if none_to_disclose and view.companies:
        raise ValidationError(
            "You have relationships with ineligible companies in the last 24 months on file; "
            "a 'none' statement would contradict them. End them or declare them.",
            field="none_to_disclose",
        )
    if view.companies and not mitigation.strip():
        raise ValidationError(
            "Say how the relevant relationships were mitigated (for example: the content was "
            "reviewed by an editor with no relationships).",
            field="mitigation",
        )
    statement = DisclosureStatement.objects.create(
        user=actor,
        declared_on=on,
        none_to_disclose=none_to_disclose,
        mitigation=mitigation.strip()[:4000],
    )
    audit_record(actor=actor, action="hub.disclosure.declare", target=statement)
    return statement
