"""Deterministic, clearly synthetic demo data (dev only). Running it twice changes nothing.

Every person here is fictional: names use the "Demo" surname family, emails end in
``@demo.cmepath.invalid`` and NPIs are synthetic numbers with valid check digits.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from cmepath.accounts.choices import NpiStatus, Profession, ProofStatus
from cmepath.accounts.models import BoardCertification, Licence, Profile, User
from cmepath.accounts.npi import npi_check_digit
from cmepath.core.roles import Role

DEMO_PASSWORD = "synthetic demo passphrase 2026"  # noqa: S105 - demo only, printed by `make run`
# Base32 TOTP secret for the demo admin and editor; add it to an authenticator app.
DEMO_TOTP_SECRET = "CMEPATHDEMOADMINTOTPSECRET234567"  # noqa: S105 - demo only


@dataclass(frozen=True)
class DemoClinician:
    email: str
    first: str
    last: str
    profession: str
    specialty: str
    licences: tuple[tuple[str, str, date, date, bool], ...]  # state, number, issued, expires, DEA
    #: Profile: career goal (a goal template's label), yearly CME allowance (USD) and paid
    #: CME days. Physicians: $3,500-$5,000 and several days are usual (reference/orgs.md 1).
    goal: str = "Quality improvement lead"
    allowance: int = 2000
    paid_days: int = 3


#: A home ZIP code in the state of each demo clinician's first licence (job distances).
DEMO_HOME_ZIP = {"MA": "02115", "FL": "33136", "CA": "94103", "TX": "78701"}


def _npi(seed: int) -> str:
    base = f"1{seed:08d}"
    return base + str(npi_check_digit(base))


CLINICIANS = [
    # Ada: an internist (NUCC 207R00000X, ABIM certified) licensed for 15 years; her record
    # (credits/demo.py) meets the one-time trainings and the Texas renewal, and leaves about
    # 10 h and the Board's regulations open for the June 2027 renewals in CA and MA.
    DemoClinician(
        "ada.demo@demo.cmepath.invalid",
        "Ada",
        "Demo",
        Profession.MD,
        "207R00000X",
        (
            ("MA", "DEMO-10001", date(2011, 7, 1), date(2027, 6, 30), True),
            ("CA", "A-DEMO-1001", date(2012, 7, 1), date(2027, 6, 30), True),
            ("TX", "TX-DEMO-2044", date(2015, 3, 1), date(2027, 2, 28), True),
        ),
        goal="Department chief",
        allowance=4000,
        paid_days=5,
    ),
    DemoClinician(
        "james.demo@demo.cmepath.invalid",
        "James",
        "Demo-Okafor",
        Profession.DO,
        "207Q00000X",
        (
            ("FL", "OS-DEMO-3301", date(2016, 1, 31), date(2028, 1, 31), True),
            ("NY", "NY-DEMO-2201", date(2018, 5, 1), date(2027, 4, 30), True),
        ),
        goal="Medical director",
        allowance=3500,
        paid_days=5,
    ),
    DemoClinician(
        "priya.demo@demo.cmepath.invalid",
        "Priya",
        "Demo-Raman",
        Profession.NP,
        "363LF0000X",
        (("CA", "NP-DEMO-9001", date(2019, 9, 1), date(2027, 8, 31), True),),
        goal="Advanced practice: clinical scope",
        allowance=2000,
        paid_days=3,
    ),
    DemoClinician(
        "lee.demo@demo.cmepath.invalid",
        "Lee",
        "Demo-Chen",
        Profession.PA,
        "363A00000X",
        (("TX", "PA-DEMO-5120", date(2020, 2, 1), date(2027, 1, 31), False),),
        goal="Quality improvement lead",
        allowance=2000,
        paid_days=3,
    ),
    DemoClinician(
        "sam.demo@demo.cmepath.invalid",
        "Sam",
        "Demo-Brooks",
        Profession.RN,
        "163W00000X",
        (("CA", "RN-DEMO-7788", date(2017, 4, 1), date(2027, 3, 31), False),),
        goal="Nurse manager",
        allowance=750,
        paid_days=3,
    ),
    DemoClinician(
        "noor.demo@demo.cmepath.invalid",
        "Noor",
        "Demo-Haddad",
        Profession.PHARMD,
        "183500000X",
        (("CA", "RPH-DEMO-4410", date(2021, 10, 1), date(2027, 9, 30), False),),
        goal="Clinical pharmacist",
        allowance=1500,
        paid_days=2,
    ),
]

STAFF = [
    ("admin@demo.cmepath.invalid", Role.ADMIN),
    ("editor@demo.cmepath.invalid", Role.EDITOR),
    ("employer@demo.cmepath.invalid", Role.EMPLOYER),
    ("provider@demo.cmepath.invalid", Role.PROVIDER),
]


def _user(email: str, role: str) -> User:
    from allauth.account.models import EmailAddress

    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email,
            password=DEMO_PASSWORD,
            role=role,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    Profile.objects.get_or_create(user=user)
    return user


def _demo_proof_pdf(name: str, licence: Licence) -> bytes:
    """A one-page, clearly synthetic licence proof for the demo's verified clinician."""
    from reportlab.platypus import Paragraph

    from cmepath.core import pdf as kit

    styles = kit.stylesheet()
    lines = [
        f"SYNTHETIC DEMO DOCUMENT - not a real licence. Licensee: {name}.",
        f"{licence.state} {licence.licence_type} licence {licence.number}, "
        f"issued {licence.issue_date}, expires {licence.expiry_date}.",
    ]
    return kit.render(
        [Paragraph(kit.escape(line), styles["BodyText"]) for line in lines],
        title="Demo licence proof (synthetic)",
    )


def _demo_verify(clinician: User, admin: User) -> None:
    """The real path to the badge: NPI matched with the (recorded) registry, then a proof
    in the same name approved by the demo administrator. Skipped once she is verified."""
    from cmepath.accounts.services import npi_submit, proof_decide, proof_upload

    if clinician.profile.npi_status != NpiStatus.MATCHED:
        npi_submit(actor=clinician, npi="1999000015")
    clinician.profile.refresh_from_db()
    if clinician.profile.is_verified:
        return
    licence = clinician.licences.get(state="MA")
    proof = licence.proofs.filter(status=ProofStatus.PENDING).first() or proof_upload(
        actor=clinician,
        licence=licence,
        data=_demo_proof_pdf(clinician.profile.full_name, licence),
        filename="demo-licence-proof.pdf",
    )
    proof_decide(
        actor=admin,
        proof=proof,
        approve=True,
        reason="Demo: synthetic proof, name and licence checked against the document.",
        name_shown=clinician.profile.full_name,
    )


@transaction.atomic
def demo_load() -> dict[str, object]:
    """Create the demo users (one per role) and clinicians of every profession."""
    created = User.objects.filter(email__endswith="@demo.cmepath.invalid").count() == 0
    demo_accounts_load()
    from cmepath.catalog.demo import catalog_demo_load

    catalog = catalog_demo_load()
    from cmepath.credits.demo import credits_demo_load

    credits = credits_demo_load(emails=[c.email for c in CLINICIANS])
    from cmepath.outcomes.demo import outcomes_demo_load

    project = outcomes_demo_load()
    jobs = jobs_demo_load()
    hub = hub_demo_load()
    plans = planner_demo_load()
    pending = pending_demo_load()
    return {
        "hub": hub,
        "plans": plans,
        "pending": pending,
        "created": created,
        "catalog": catalog,
        "credits": credits,
        "qi_project": project.title if project else None,
        "jobs": jobs,
        "users": User.objects.filter(email__endswith="@demo.cmepath.invalid").count(),
    }


@transaction.atomic
def demo_accounts_load() -> None:
    """The demo users and clinicians; the first clinician is verified the real way."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    for email, role in STAFF:
        user = _user(email, role)
        if (
            role in (Role.ADMIN, Role.EDITOR)
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_TOTP_SECRET)
    for i, c in enumerate(CLINICIANS):
        user = _user(c.email, Role.CLINICIAN)
        # the first clinician's NPI is set by the registry check below (not overwritten on a
        # second run, which would leave a match without its number)
        npi = {} if i == 0 else {"npi": _npi(90000 + i)}
        Profile.objects.filter(user=user).update(
            first_name=c.first,
            last_name=c.last,
            profession=c.profession,
            primary_specialty=c.specialty,
            **npi,
            date_of_first_licensure=min(lic[2] for lic in c.licences),
            career_goal=c.goal,
            home_zip=DEMO_HOME_ZIP.get(c.licences[0][0], ""),
            next_review_date=date(2027, 3, 1),
            annual_cme_allowance=c.allowance,
            paid_cme_days=c.paid_days,
            birth_month=(i % 12) + 1,
        )
        for state, number, issued, expires, dea in c.licences:
            Licence.objects.get_or_create(
                user=user,
                state=state,
                licence_type=c.profession,
                number=number,
                defaults={
                    "issue_date": issued,
                    "expiry_date": expires,
                    "dea_registered": dea,
                    "dea_registration_date": issued if dea else None,
                    "direct_patient_care": True,
                },
            )
        if c.profession in (Profession.MD, Profession.DO):
            BoardCertification.objects.get_or_create(
                user=user,
                board="ABIM" if c.profession == Profession.MD else "AOBFP",
                specialty="Internal Medicine"
                if c.profession == Profession.MD
                else "Family Medicine",
                defaults={"cycle_start": date(2023, 1, 1), "cycle_end": date(2027, 12, 31)},
            )
        if c.profession == Profession.PA:
            BoardCertification.objects.get_or_create(
                user=user,
                board="NCCPA",
                specialty="PA-C",
                defaults={"cycle_start": date(2025, 1, 1), "cycle_end": date(2026, 12, 31)},
            )
        if c.profession == Profession.NP:
            BoardCertification.objects.get_or_create(
                user=user,
                board="AANPCB",
                specialty="Family Nurse Practitioner",
                defaults={"cycle_start": date(2022, 9, 1), "cycle_end": date(2027, 8, 31)},
            )
    # The first clinician's NPI is in the recorded (synthetic) registry responses and her
    # synthetic proof is approved by the demo admin: the real path to the badge. The others
    # stay unverified (no registry record, no approved proof).
    _demo_verify(
        User.objects.get(email=CLINICIANS[0].email),
        User.objects.get(email=STAFF[0][0]),
    )


def jobs_demo_load(vacancies: int = 4700) -> dict[str, int]:
    """The synthetic job board: about 150 verified employers and 4,600 published vacancies
    (``jobs/demo.py``, drawn from the sourced figures in ``jobs/data/``), dated from today so
    they stay open; the demo employer account administers the first employer. Skipped when
    the synthetic employers exist already (running it twice changes nothing)."""
    from django.utils import timezone

    from cmepath.jobs.choices import EmployerRole
    from cmepath.jobs.demo import generate
    from cmepath.jobs.models import Employer, EmployerMember, Vacancy
    from cmepath.jobs.services import demo_load as jobs_load
    from cmepath.jobs.services import vacancy_index_rebuild

    admin = User.objects.get(email=STAFF[0][0])
    if not Employer.objects.filter(synthetic=True).exists():
        # 4,700 listings: about 1% are re-posts shown once in search, so more than 4,600
        # distinct vacancies are searchable.
        data = generate(today=timezone.localdate(), vacancies=vacancies)
        jobs_load(
            actor=admin,
            employers=data.employers,
            vacancies=data.vacancies,
            verified_at=timezone.now(),
            index=False,
        )
        vacancy_index_rebuild()
    first = Employer.objects.filter(synthetic=True).order_by("pk").first()
    employer_user = User.objects.get(email="employer@demo.cmepath.invalid")
    if first is not None:
        EmployerMember.objects.get_or_create(
            employer=first, user=employer_user, defaults={"role": EmployerRole.ADMIN}
        )
    return {
        "employers": Employer.objects.filter(synthetic=True).count(),
        "vacancies": Vacancy.objects.filter(employer__synthetic=True).count(),
    }


def hub_demo_load() -> dict[str, int]:
    """The knowledge hub's starter content (``hub/data``): synthetic expert authors with
    their disclosures, and the articles written for the project, through the real workflow
    (draft, references, submit, approved and published by the demo editor). The authors'
    identities are marked verified here without a registry record or licence proof: they
    are synthetic people, labelled so on every article. Skipped when the articles exist."""
    from django.utils import timezone

    from cmepath.hub import services as hub
    from cmepath.hub import starter
    from cmepath.hub.models import Article

    editor = User.objects.get(email="editor@demo.cmepath.invalid")
    Profile.objects.filter(user=editor).update(first_name="Eve", last_name="Demo-Editor")
    if not Article.objects.filter(synthetic=True).exists():
        users: dict[str, User] = {}
        for n, author in enumerate(starter.load_authors(), start=1):
            user = _user(author.email, Role.CLINICIAN)
            Profile.objects.filter(user=user).update(
                first_name=author.first_name,
                last_name=author.last_name,
                profession=author.profession,
                primary_specialty=author.specialties[0] if author.specialties else "",
                npi=_npi(80000 + n),
                npi_status=NpiStatus.MATCHED,
                verified_at=timezone.now(),
            )
            user.refresh_from_db()
            hub.expert_approve(
                actor=editor,
                user=user,
                specialties=list(author.specialties),
                bio=author.bio,
                synthetic=True,
            )
            for d in author.disclosures:
                hub.disclosure_add(
                    actor=user,
                    company=d.company,
                    nature=d.nature,
                    start_date=d.start_date,
                    end_date=d.end_date,
                    ineligible=d.ineligible,
                    paid_to=d.paid_to,
                )
            hub.statement_declare(
                actor=user,
                none_to_disclose=not author.disclosures,
                mitigation=author.mitigation,
                on=author.declared_on,
            )
            users[author.key] = user
        for item in starter.load_articles():
            lead, *others = (users[k] for k in item.authors)
            article = hub.article_create(
                actor=lead,
                data={
                    "slug": item.slug,
                    "article_type": item.article_type,
                    "title": item.title,
                    "summary": item.summary,
                    "body": item.body,
                    "topics": list(item.topics),
                    "specialties": list(item.specialties),
                    "professions": list(item.professions),
                },
                synthetic=True,
            )
            for other in others:
                hub.coauthor_add(actor=lead, article=article, user=other)
            hub.references_set(
                actor=lead,
                article=article,
                references=[
                    {
                        "kind": r.kind,
                        "identifier": r.identifier,
                        "title": r.title,
                        "journal": r.journal,
                        "year": r.year,
                    }
                    for r in item.references
                ],
            )
            hub.article_submit(actor=lead, article=article)
            hub.article_approve(actor=editor, article=article)
            hub.article_publish(actor=editor, article=article, on=item.last_reviewed_on)
        hub.article_index_rebuild()
    return {"articles": Article.objects.filter(synthetic=True).count()}


def planner_demo_load(as_of: date | None = None) -> int:
    """One saved career plan for the first demo clinician, made by the real solver from her
    profile (goal, CME allowance, paid days, review date) against the demo catalog. Kept on
    a second run; made again when none of her plans meets every requirement (a database
    loaded by an older demo)."""
    from cmepath.planner import selectors as planner_selectors
    from cmepath.planner import services as planner
    from cmepath.planner.choices import PlanStatus

    planner.goal_sync_from_data()
    clinician = User.objects.get(email=CLINICIANS[0].email)
    plans = planner_selectors.plans_for(actor=clinician)
    if plans.exclude(status=PlanStatus.INFEASIBLE).exists():
        return 0
    goals = planner_selectors.goals_for(actor=clinician)
    defaults = planner_selectors.plan_defaults(actor=clinician, goals=goals)
    planner.plan_create(
        actor=clinician,
        goal_key=defaults.goal,
        horizon_months=defaults.horizon_months,
        budget=defaults.budget if defaults.budget is not None else Decimal(CLINICIANS[0].allowance),
        days=defaults.days if defaults.days is not None else Decimal(CLINICIANS[0].paid_days),
        review_date=defaults.review_date,
        as_of=as_of,
    )
    return 1


#: The hub article a demo expert has sent to review (the editor's queue is never empty).
PENDING_ARTICLE: dict[str, Any] = {
    "slug": "dea-mate-act-eight-hours",
    "article_type": "clinical_guide",
    "title": "The DEA MATE Act's one-time eight hours: who needs them and what counts",
    "summary": (
        "Every DEA-registered practitioner attests, at the first registration or renewal on or "
        "after June 27, 2023, to one-time training of eight hours on treating and managing "
        "patients with opioid or other substance use disorders. What counts, who is exempt "
        "and how cmepath tracks it."
    ),
    "body": (
        "## The requirement\n\n"
        "The Medication Access and Training Expansion (MATE) Act asks every practitioner "
        "registered with the DEA, except veterinarians, to complete a one-time total of eight "
        "hours of training on treating and managing patients with opioid or other substance "
        "use disorders, and to attest to it on the first registration or renewal on or after "
        "June 27, 2023 [1]. The hours need not come from one course: several activities add "
        "up, and training completed before that date counts [1].\n\n"
        "## Who is exempt\n\n"
        "Physicians board certified in addiction medicine or addiction psychiatry, and recent "
        "graduates whose curriculum included at least eight hours on substance use disorders, "
        "meet the requirement without further training [1].\n\n"
        "## In cmepath\n\n"
        "The requirement appears once on the compliance page of every clinician with a DEA "
        "registration, with the deadline of their first renewal after June 27, 2023. Log "
        "each activity with the topic *substance use disorder treatment*; the hours add up "
        "until eight are reached.\n"
    ),
    "topics": ["substance_use_disorder", "opioid_prescribing"],
    "professions": ["MD", "DO", "NP", "PA"],
    "references": [
        {
            "kind": "url",
            "identifier": "https://deadiversion.usdoj.gov/faq/MATE_Act_faq.html",
            "title": "MATE Act training requirement: frequently asked questions",
            "journal": "Drug Enforcement Administration, Diversion Control Division",
            "year": 2023,
        }
    ],
}
#: The end of the title of the synthetic employer's vacancy left in review (job moderation).
PENDING_VACANCY_SUFFIX = ", second opening (synthetic demo listing in review)"


def pending_demo_load() -> dict[str, int]:
    """Leave a little work in every queue, all synthetic and deterministic: an article sent
    to review (editor), a licence proof waiting for a decision (admin), a vacancy waiting for
    moderation and two applications to the demo employer's vacancies. Each item is made once
    (found again by its article address, licence, title or applicant on a second run)."""
    return {
        "articles_in_review": _pending_article(),
        "proofs_pending": _pending_proof(),
        "vacancies_in_review": _pending_vacancy(),
        "applications": _pending_applications(),
    }


def _pending_article() -> int:
    from cmepath.hub import services as hub
    from cmepath.hub.models import Article

    found = Article.objects.filter(slug=PENDING_ARTICLE["slug"]).first()
    if found is None:
        author = User.objects.filter(
            email="tomas.demo-lind@demo.cmepath.invalid", hub_expert__isnull=False
        ).first()
        if author is None:  # the hub's starter authors are not loaded
            return 0
        data = {k: v for k, v in PENDING_ARTICLE.items() if k != "references"}
        found = hub.article_create(actor=author, data=data, synthetic=True)
        hub.references_set(actor=author, article=found, references=PENDING_ARTICLE["references"])
        found = hub.article_submit(actor=author, article=found)
    return int(found.status == "review")


def _pending_proof() -> int:
    """James (DO) uploads a synthetic proof of his Florida licence; the admin has yet to decide."""
    from cmepath.accounts.services import proof_upload

    clinician = User.objects.get(email=CLINICIANS[1].email)
    licence = clinician.licences.order_by("pk").first()
    if licence is None:
        return 0
    if not licence.proofs.exists():
        proof_upload(
            actor=clinician,
            licence=licence,
            data=_demo_proof_pdf(clinician.profile.full_name, licence),
            filename="demo-licence-proof.pdf",
        )
    return licence.proofs.filter(status=ProofStatus.PENDING).count()


def _demo_employer() -> Any:
    from cmepath.jobs.models import Employer

    return Employer.objects.filter(
        synthetic=True, memberships__user__email="employer@demo.cmepath.invalid"
    ).first()


def _pending_vacancy() -> int:
    """A draft by the demo employer's recruiter, sent to review: a second opening of the
    employer's first published physician listing (same fields, its own title)."""
    from django.forms.models import model_to_dict

    from cmepath.jobs import services as jobs
    from cmepath.jobs.choices import VacancyStatus
    from cmepath.jobs.models import Vacancy
    from cmepath.jobs.validation import VACANCY_FIELDS

    employer = _demo_employer()
    if employer is None:
        return 0
    found = Vacancy.objects.filter(
        employer=employer, title__endswith=PENDING_VACANCY_SUFFIX
    ).first()
    if found is None:
        published = Vacancy.objects.filter(
            employer=employer, status=VacancyStatus.PUBLISHED
        ).order_by("pk")
        model = (
            published.filter(profession__in=[Profession.MD, Profession.DO]).first()
            or published.first()
        )
        if model is None:
            return 0
        recruiter = User.objects.get(email="employer@demo.cmepath.invalid")
        data = {
            k: v
            for k, v in model_to_dict(model, fields=list(VACANCY_FIELDS)).items()
            if k not in ("posted_on", "expires_on")
        }
        base = model.title.removesuffix("(Synthetic demo listing)").strip()
        data["title"] = f"{base}{PENDING_VACANCY_SUFFIX}"[:200]
        found = jobs.vacancy_create(actor=recruiter, employer=employer, data=data)
        found = jobs.vacancy_submit(actor=recruiter, vacancy=found)
    return int(found.status == VacancyStatus.REVIEW)


def _pending_applications() -> int:
    """James (DO) and Lee (PA) apply to the demo employer's first published listing for
    their profession (else one of its first listings)."""
    from cmepath.jobs import services as jobs
    from cmepath.jobs.choices import VacancyStatus
    from cmepath.jobs.models import Application, Vacancy

    employer = _demo_employer()
    if employer is None:
        return 0
    published = Vacancy.objects.filter(
        employer=employer, status=VacancyStatus.PUBLISHED, duplicate_of__isnull=True
    ).order_by("pk")
    notes = {
        CLINICIANS[1].email: "Synthetic demo application: interested in a position with "
        "protected CME time; licensed in Florida and New York.",
        CLINICIANS[3].email: "Synthetic demo application: PA with five years in hospital "
        "medicine, looking for a team with a quality-improvement program.",
    }
    for n, (email, note) in enumerate(notes.items()):
        user = User.objects.get(email=email)
        if Application.objects.filter(user=user, vacancy__employer=employer).exists():
            continue
        vacancy = (
            published.filter(profession=user.profile.profession).first()
            or published[n : n + 1].first()
        )
        if vacancy is not None:
            jobs.application_create(actor=user, vacancy=vacancy, cover_note=note)
    return Application.objects.filter(vacancy__employer=employer).count()


def demo_logins() -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = [(email, str(role)) for email, role in STAFF]
    rows += [(c.email, f"clinician ({c.profession})") for c in CLINICIANS]
    return rows
