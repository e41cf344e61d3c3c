"""No user enumeration (issue 12, item 14): a QI project invites by email and answers the
same whether or not the address has an account; nobody joins without accepting. The
provider completions page (credits) answers the same either way too."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cmepath.core.errors import NotFoundError, ValidationError
from cmepath.outcomes import services
from cmepath.outcomes.models import ProjectMember
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SENT = "Invitation sent to {} (if it belongs to a clinician account, they will see it)."


@pytest.fixture
def project(clinician):
    return services.project_create(actor=clinician, title="UTI stewardship", practice_gap="Gap")


def _invite(client, project, email, role="member"):
    return client.post(
        reverse("outcomes:member_add", args=[project.pk]),
        {"email": email, "role": role, "profession": "NP"},
        follow=True,
    )


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_inviting_answers_the_same_whether_or_not_the_email_has_an_account(
    project, clinician, clinician_b, client_for, django_capture_on_commit_callbacks
):
    """Fails on the old code: a known email was added at once ("Team member added."), an
    unknown one was told "No clinician with that email address has an account"."""
    c = client_for(clinician)
    with django_capture_on_commit_callbacks(execute=True):
        known = _invite(c, project, clinician_b.email.upper())
        unknown = _invite(c, project, "nobody@example.test")
    assert known.status_code == unknown.status_code == 200
    assert SENT.format(clinician_b.email) in _messages(known)
    assert SENT.format("nobody@example.test") in _messages(unknown)
    assert [m.to for m in mail.outbox] == [[clinician_b.email], ["nobody@example.test"]]
    assert all("/outcomes/invitations/" in m.body for m in mail.outbox)
    assert not ProjectMember.objects.filter(user=clinician_b).exists()  # not without consent


def test_the_invitee_accepts_and_joins(
    project, clinician, clinician_b, client_for, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _invite(client_for(clinician), project, clinician_b.email, role="reviewer")
    invitation = project.invitations.get()
    url = reverse("outcomes:invitation", args=[invitation.token])
    assert url in mail.outbox[0].body
    b = client_for(clinician_b)
    assert url in b.get(reverse("outcomes:project_list")).content.decode()
    page = b.get(url)
    assert page.status_code == 200 and "UTI stewardship" in page.content.decode()
    response = b.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("outcomes:project_detail", args=[project.pk])
    member = ProjectMember.objects.get(project=project, user=clinician_b)
    assert member.role == "reviewer"
    invitation.refresh_from_db()
    assert invitation.accepted_by == clinician_b and invitation.accepted_at is not None
    assert b.get(url).status_code == 404  # used up


def test_only_the_invited_clinician_can_see_or_accept(
    project, clinician, client_for, django_capture_on_commit_callbacks
):
    employer = UserFactory(role="employer", email="boss@example.test")
    other = UserFactory(role="clinician")
    for email in ("boss@example.test", "nobody@example.test"):
        services.project_invite(
            actor=clinician, project=project, email=email, base_url="http://testserver/"
        )
    for invitation in project.invitations.all():
        url = reverse("outcomes:invitation", args=[invitation.token])
        for user in (clinician, other, employer):
            assert client_for(user).get(url).status_code == 404
            assert client_for(user).post(url).status_code == 404
    assert project.members.count() == 1
    assert client_for(other).get(reverse("outcomes:invitation", args=["x" * 43])).status_code == 404


def test_an_expired_invitation_cannot_be_accepted(project, clinician, clinician_b):
    invitation = services.project_invite(
        actor=clinician, project=project, email=clinician_b.email, base_url="http://testserver/"
    )
    type(invitation).objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    with pytest.raises(NotFoundError):
        services.invitation_get(actor=clinician_b, token=invitation.token)
    with pytest.raises(NotFoundError):
        services.project_invitation_accept(actor=clinician_b, invitation=invitation)


def test_a_new_invitation_replaces_the_open_one_and_open_ones_are_bounded(
    project, clinician, settings
):
    first = services.project_invite(
        actor=clinician, project=project, email="a@example.test", base_url="http://t/"
    )
    second = services.project_invite(
        actor=clinician,
        project=project,
        email="A@example.test",
        role="reviewer",
        base_url="http://t/",
    )
    assert list(project.invitations.values_list("pk", "role")) == [(second.pk, "reviewer")]
    assert first.token != second.token
    from cmepath.outcomes.choices import MAX_OPEN_INVITATIONS

    for i in range(MAX_OPEN_INVITATIONS - 1):
        services.project_invite(
            actor=clinician, project=project, email=f"p{i}@example.test", base_url="http://t/"
        )
    with pytest.raises(ValidationError, match="open invitations"):
        services.project_invite(
            actor=clinician, project=project, email="one-more@example.test", base_url="http://t/"
        )


def test_members_and_reviewers_cannot_invite(project, clinician, clinician_b, client_for):
    invitation = services.project_invite(
        actor=clinician, project=project, email=clinician_b.email, base_url="http://t/"
    )
    services.project_invitation_accept(actor=clinician_b, invitation=invitation)
    response = _invite(client_for(clinician_b), project, "x@example.test")
    assert response.status_code == 403  # a member sees the project, but only the lead invites
    assert project.invitations.filter(email="x@example.test").count() == 0


# ------------------------------------------------------------ provider completions page


@pytest.fixture
def activity(db):
    from tests.catalog.factories import ProviderFactory, make_activity

    provider = ProviderFactory(name="Enumeration test provider")
    member = UserFactory(role="provider")
    provider.members.add(member)
    activity = make_activity(provider, start_date=date(2025, 1, 1), end_date=date(2025, 1, 2))
    return activity, member


def _report(client, activity, email, completed_on="2025-01-02"):
    return client.post(
        reverse("credits:provider_completions", args=[activity.pk]),
        {
            "learner_email": email,
            "completed_on": completed_on,
            "credit_type": "ama_pra_1",
            "amount": "2",
        },
        follow=True,
    )


def test_provider_completions_answer_the_same_whether_or_not_the_email_has_an_account(
    activity, clinician, client_for
):
    """Fails on the old code: an unknown email got "No cmepath account uses that email"."""
    from cmepath.credits.models import Completion

    activity, member = activity
    c = client_for(member)
    known = _report(c, activity, clinician.email)
    unknown = _report(c, activity, "nobody@example.test")
    assert known.status_code == unknown.status_code == 200
    said = [_messages(r)[-1] for r in (known, unknown)]
    assert said[0].replace(clinician.email, "X") == said[1].replace("nobody@example.test", "X")
    assert "we do not say which emails have accounts" in said[0]
    assert Completion.objects.filter(user=clinician, activity_id=activity.pk).count() == 1
    assert not Completion.objects.filter(user=member).exists()  # the dry run left nothing


def test_provider_completions_refuse_bad_input_the_same_either_way(activity, clinician, client_for):
    """A completion date before the activity starts is refused for both, with one message
    (an error only for real accounts would tell them apart)."""
    activity, member = activity
    c = client_for(member)
    known = _report(c, activity, clinician.email, completed_on="2024-12-01")
    unknown = _report(c, activity, "nobody@example.test", completed_on="2024-12-01")
    assert known.status_code == unknown.status_code == 422
    errors = [r.context["form"].errors.get_json_data() for r in (known, unknown)]
    assert errors[0] == errors[1]
    assert "before the activity starts" in str(errors[0])
