"""Objects owned by one user, for the authorization matrix."""

from __future__ import annotations

from typing import Any

from tests.factories import BoardCertificationFactory, LicenceFactory


def licence(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = LicenceFactory(user=users["clinician_a"])
    return obj, {"pk": obj.pk}


def licence_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = LicenceFactory(user=users["clinician_a"])
    return obj, {"licence_id": obj.pk}


def board_cert(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = BoardCertificationFactory(user=users["clinician_a"])
    return obj, {"pk": obj.pk}


def board_cert_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = BoardCertificationFactory(user=users["clinician_a"])
    return obj, {"cert_id": obj.pk}


def proof(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    import io

    from pypdf import PdfWriter

    from cmepath.accounts.services import proof_upload

    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buf = io.BytesIO()
    writer.write(buf)
    lic = LicenceFactory(user=users["clinician_a"])
    obj = proof_upload(
        actor=users["clinician_a"], licence=lic, data=buf.getvalue(), filename="p.pdf"
    )
    return obj, {"pk": obj.pk}


def token(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.accounts.services import token_create

    obj, _ = token_create(actor=users["clinician_a"], name="owned")
    return obj, {"pk": obj.pk}


def npi_dispute(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """clinician_b disputes an NPI another (fresh, licence-free) account matched; only admins
    decide it."""
    from cmepath.accounts.services import npi_dispute_open, npi_submit, profile_update
    from tests.factories import UserFactory

    holder = UserFactory()
    profile_update(actor=holder, data={"first_name": "Ada", "last_name": "Demo"})
    npi_submit(actor=holder, npi="1999000015")
    obj = npi_dispute_open(actor=users["clinician_b"], npi="1999000015", statement="matrix")
    return obj, {"pk": obj.pk}


def _provider_with_member(users: dict[str, Any]) -> Any:
    from tests.catalog.factories import ProviderFactory

    provider = ProviderFactory(name=f"Matrix provider {users['provider'].pk}")
    provider.members.add(users["provider"])
    return provider


def _draft_activity(users: dict[str, Any]) -> Any:
    from tests.catalog.factories import make_activity

    return make_activity(_provider_with_member(users), status="draft")


def activity(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _draft_activity(users)
    return obj, {"pk": obj.pk}


def activity_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _draft_activity(users)
    return obj, {"activity_id": obj.pk}


def provider_org(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _provider_with_member(users)
    return obj, {"provider_pk": obj.pk}


def _qi_project(users: dict[str, Any]) -> Any:
    from cmepath.outcomes.services import project_create

    return project_create(
        actor=users["clinician_a"],
        title="Matrix QI project",
        practice_gap="gap",
        measure_ids=["uti-first-line"],
    )


def qi_project(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _qi_project(users)
    return obj, {"pk": obj.pk}


def qi_dataset(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.outcomes.models import Dataset

    project = _qi_project(users)
    obj = Dataset.objects.create(
        project=project,
        uploaded_by=users["clinician_a"],
        format="csv",
        original_name="x.csv",
        status="done",
        progress=1.0,
    )
    return obj, {"pk": project.pk, "dataset_id": obj.pk}


def qi_stage(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _qi_project(users)
    return obj, {"pk": obj.pk, "stage": "A"}


def qi_invitation(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """clinician_a's project invites clinician_b (who owns the invitation page)."""
    from cmepath.outcomes.services import project_invite

    obj = project_invite(
        actor=users["clinician_a"],
        project=_qi_project(users),
        email=users["clinician_b"].email,
        base_url="http://testserver/",
    )
    return obj, {"token": obj.token}


def completion(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from tests.credits.factories import CompletionFactory

    obj = CompletionFactory(user=users["clinician_a"])
    return obj, {"pk": obj.pk}


def completion_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj, _ = completion(users)
    return obj, {"completion_id": obj.pk}


def certificate(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.credits.services import certificate_upload
    from tests.credits.certgen import ama_classic

    obj = certificate_upload(
        actor=users["clinician_a"], data=ama_classic().pdf, filename="cert.pdf"
    )
    return obj, {"pk": obj.pk}


def certificate_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj, _ = certificate(users)
    return obj, {"certificate_id": obj.pk}


def share_link(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.credits.services import share_link_create

    obj, _ = share_link_create(actor=users["clinician_a"], label="Medical staff office")
    return obj, {"pk": obj.pk}


def share_link_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj, _ = share_link(users)
    return obj, {"link_id": obj.pk}


def shared_token(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A share link's token is the credential: anyone holding it may read (by design)."""
    from cmepath.credits.services import share_link_create

    obj, raw = share_link_create(actor=users["clinician_a"], label="Board")
    return obj, {"token": raw}


def shared_certificate(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    cert, _ = certificate(users)
    done, _ = completion(users)
    type(cert).objects.filter(pk=cert.pk).update(
        completion=done
    )  # only certificates of completions are shared
    link, kwargs = shared_token(users)
    return cert, {"token": kwargs["token"], "pk": cert.pk}


def provider_activity_for_completion(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _draft_activity(users)
    return obj, {"activity_id": obj.pk}


# -- jobs ---------------------------------------------------------------------------------------


def _employer_of(users: dict[str, Any]) -> Any:
    from tests.jobs.factories import make_employer

    return make_employer(member=users["employer"])


def _draft_vacancy(users: dict[str, Any]) -> Any:
    from tests.jobs.factories import make_vacancy

    return make_vacancy(_employer_of(users), publish=False)


def _open_vacancy(users: dict[str, Any]) -> Any:
    from tests.jobs.factories import make_vacancy

    return make_vacancy(_employer_of(users))


def _vacancy_in_review(users: dict[str, Any]) -> Any:
    from cmepath.jobs.services import vacancy_submit

    return vacancy_submit(actor=users["employer"], vacancy=_draft_vacancy(users))


def _application(users: dict[str, Any]) -> Any:
    from cmepath.jobs.services import application_create

    return application_create(actor=users["clinician_a"], vacancy=_open_vacancy(users))


def employer_org(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _employer_of(users)
    return obj, {"pk": obj.pk}


def employer_org_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _employer_of(users)
    return obj, {"employer_id": obj.pk}


def employer_posting(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _employer_of(users)
    return obj, {"employer_pk": obj.pk}


def unverified_employer(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from tests.jobs.factories import make_employer

    obj = make_employer(member=users["employer"], verified=False)
    return obj, {"pk": obj.pk}


def unverified_employer_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj, _ = unverified_employer(users)
    return obj, {"employer_id": obj.pk}


def draft_vacancy(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _draft_vacancy(users)
    return obj, {"pk": obj.pk}


def draft_vacancy_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _draft_vacancy(users)
    return obj, {"vacancy_id": obj.pk}


def open_vacancy(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _open_vacancy(users)
    return obj, {"pk": obj.pk}


def open_vacancy_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _open_vacancy(users)
    return obj, {"vacancy_id": obj.pk}


def review_vacancy(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _vacancy_in_review(users)
    return obj, {"pk": obj.pk}


def review_vacancy_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _vacancy_in_review(users)
    return obj, {"vacancy_id": obj.pk}


def job_application(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _application(users)
    return obj, {"pk": obj.pk}


def job_application_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _application(users)
    return obj, {"application_id": obj.pk}


def vacancy_report(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.jobs.services import vacancy_report as report

    obj = report(actor=users["clinician_b"], vacancy=_open_vacancy(users), reason="filled")
    return obj, {"pk": obj.pk}


def saved_search(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.jobs.services import saved_search_create

    obj = saved_search_create(actor=users["clinician_a"], name="Matrix", query="profession=NP")
    return obj, {"pk": obj.pk}


def saved_search_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj, _ = saved_search(users)
    return obj, {"saved_id": obj.pk}


def unsubscribe_token(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj, _ = saved_search(users)
    return obj, {"token": obj.unsubscribe_token}


def job_application_with_transcript(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.credits.services import share_link_create
    from cmepath.jobs.services import application_create

    link, _ = share_link_create(actor=users["clinician_a"], label="Hill Country Health")
    obj = application_create(
        actor=users["clinician_a"], vacancy=_open_vacancy(users), share_link=link
    )
    return obj, {"pk": obj.pk}


# -- knowledge hub ------------------------------------------------------------------------------


def _hub_expert(users: dict[str, Any], key: str = "clinician_a") -> Any:
    from django.utils import timezone

    from cmepath.accounts.choices import NpiStatus
    from cmepath.hub.models import Expert
    from cmepath.hub.services import expert_approve, statement_declare

    user = users[key]
    profile = user.profile
    if not profile.is_verified:
        profile.first_name, profile.last_name = "Matrix", key.title()
        profile.npi = "1777000" + ("015" if key == "clinician_a" else "023")
        profile.npi_status = NpiStatus.MATCHED
        profile.verified_at = timezone.now()
        profile.save()
        user.refresh_from_db()
    if not Expert.objects.filter(user=user, revoked_at__isnull=True).exists():
        expert_approve(actor=users["editor"], user=user, specialties=["207Q00000X"])
        statement_declare(actor=user, none_to_disclose=True)
    return user


def _hub_draft(users: dict[str, Any]) -> Any:
    from cmepath.hub.services import article_create, references_set

    author = _hub_expert(users)
    article = article_create(
        actor=author,
        data={
            "article_type": "clinical_guide",
            "title": f"Matrix guide {author.pk}",
            "summary": "A guide for the authorization matrix.",
            "body": "## Point\n\nA claim [1].",
            "topics": ["opioid_prescribing"],
        },
    )
    references_set(
        actor=author,
        article=article,
        references=[{"kind": "doi", "identifier": "10.1542/peds.2019-2503", "title": "Daley"}],
    )
    return article


def _hub_in_review(users: dict[str, Any]) -> Any:
    from cmepath.hub.services import article_submit, statement_declare

    article = _hub_draft(users)
    # a disclosure row added by another builder makes an earlier statement out of date
    statement_declare(actor=users["clinician_a"], none_to_disclose=False, mitigation="Reviewed.")
    return article_submit(actor=users["clinician_a"], article=article)


def _hub_approved(users: dict[str, Any]) -> Any:
    from cmepath.hub.services import article_approve

    return article_approve(actor=users["editor"], article=_hub_in_review(users))


def _hub_published(users: dict[str, Any]) -> Any:
    from cmepath.hub.services import article_publish

    return article_publish(actor=users["editor"], article=_hub_approved(users))


def hub_draft(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _hub_draft(users)
    return obj, {"slug": obj.slug}


def hub_draft_diff(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.hub.services import article_update

    obj = _hub_draft(users)
    article_update(actor=users["clinician_a"], article=obj, data={"body": "## Point\n\nB [1]."})
    return obj, {"slug": obj.slug, "old": 1, "new": 2}


def hub_in_review(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _hub_in_review(users)
    return obj, {"slug": obj.slug}


def hub_approved(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _hub_approved(users)
    return obj, {"slug": obj.slug}


def hub_published(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _hub_published(users)
    return obj, {"slug": obj.slug}


def hub_topic(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    return _hub_published(users), {"topic": "opioid_prescribing"}


def hub_disclosure(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from datetime import date

    from cmepath.hub.services import disclosure_add

    obj = disclosure_add(
        actor=users["clinician_a"],
        company="Matrix Devices (synthetic)",
        nature="advisor",
        start_date=date(2025, 1, 1),
    )
    return obj, {"pk": obj.pk}


def hub_expert(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    from cmepath.hub.models import Expert

    _hub_expert(users, "clinician_b")
    obj = Expert.objects.get(user=users["clinician_b"])
    return obj, {"pk": obj.pk}


def hub_candidate(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """A verified clinician an editor may approve as an expert (no URL arguments)."""
    from django.utils import timezone

    from cmepath.accounts.choices import NpiStatus

    profile = users["clinician_b"].profile
    profile.npi, profile.npi_status, profile.verified_at = (
        "1777000023",
        NpiStatus.MATCHED,
        timezone.now(),
    )
    profile.save()
    return profile, {}


def licence_undo(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """clinician_a removed a licence and may undo it for a short time (the token is hers)."""
    from cmepath.accounts.services import licence_delete
    from cmepath.core.undo import undo_capture

    lic = LicenceFactory(user=users["clinician_a"])
    entry = undo_capture(
        actor=users["clinician_a"], objects=[lic], kind="licence.delete", label="Removed."
    )
    licence_delete(actor=users["clinician_a"], licence=lic)
    return entry, {"token": entry.token}


def _plan(users: dict[str, Any]) -> Any:
    """A plan clinician_a made (one activity in the catalog, one licence requirement)."""
    from datetime import timedelta
    from decimal import Decimal

    from cmepath.credits.selectors import today
    from cmepath.planner.services import goal_sync_from_data, plan_create
    from tests.catalog.factories import make_activity

    goal_sync_from_data()
    start = today() + timedelta(days=20)
    make_activity(title="Matrix planning course", start_date=start, end_date=start)
    return plan_create(
        actor=users["clinician_a"],
        goal_key="stay_current",
        horizon_months=12,
        budget=Decimal("500"),
        days=Decimal("1"),
    )


def plan(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _plan(users)
    return obj, {"pk": obj.pk}


def plan_api(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    obj = _plan(users)
    return obj, {"plan_id": obj.pk}


def completion_undo(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """clinician_a deleted a completion and may undo it for a short time (the token is hers)."""
    from cmepath.core.undo import undo_capture
    from cmepath.credits.services import completion_delete

    obj, _ = completion(users)
    entry = undo_capture(
        actor=users["clinician_a"], objects=[obj], kind="completion.delete", label="Removed."
    )
    completion_delete(actor=users["clinician_a"], completion=obj)
    return entry, {"token": entry.token}


def share_link_undo(users: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """clinician_a revoked a share link and may undo it for a short time."""
    from cmepath.core.undo import undo_capture
    from cmepath.credits.services import share_link_revoke

    link, _ = share_link(users)
    entry = undo_capture(
        actor=users["clinician_a"],
        objects=[link],
        kind="sharelink.revoke",
        label="Revoked.",
        cascade=False,
    )
    share_link_revoke(actor=users["clinician_a"], link=link)
    return entry, {"token": entry.token}
