"""Synthetic demo catalog: providers and activities, clearly labelled, deterministic.

``catalog_demo_load(n=2000, seed=...)`` goes through the real import service (JSON), so
the demo exercises the same path as a provider's upload; running it twice changes nothing
(upsert on the provider activity ID). Every provider name ends in "(synthetic)" and every
description says it is a synthetic demo activity. It then rebuilds the search index.

Titles are made from the topics (every topic of a generated activity is named in its title,
a second topic is one taught alongside any subject, such as patient safety), the competencies
from the topics, and the angle from the format. Besides the ``n`` generated activities and
the leadership programs, every mandated topic has a short live webinar every four months,
most of them free, so every mandated gap has a low-cost way to close it before a deadline.
"""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from cmepath.core.vocabulary import COMPETENCIES, MANDATED_TOPICS, TOPICS

from .models import Activity, Provider
from .services import (
    activity_import,
    activity_index_rebuild,
    cohort_outcome_record,
    provider_create,
)

DEMO_SEED = 20261201
DEMO_PROVIDER_EMAIL = "provider@demo.cmepath.invalid"
#: Dates are spread around this fixed day so the demo is the same on every machine.
ANCHOR = date(2026, 12, 1)

PROVIDERS: list[tuple[str, str, list[str]]] = [
    # name, accreditor, main professions
    ("Northfield Academy of Medicine (synthetic)", "ACCME", ["MD", "DO"]),
    ("Cascade Online CME (synthetic)", "ACCME", ["MD", "DO", "PA"]),
    ("Meridian Health Leadership Institute (synthetic)", "JA", ["MD", "DO", "NP", "RN"]),
    ("Tri-Coast Interprofessional Education (synthetic)", "JA", ["MD", "NP", "PA", "RN", "PharmD"]),
    ("Lakeside Nursing Education Collaborative (synthetic)", "ANCC", ["RN", "NP"]),
    ("Prairie Nurse Practitioner Institute (synthetic)", "AANP", ["NP"]),
    ("Summit Pharmacy CE Institute (synthetic)", "ACPE", ["PharmD"]),
    ("Harborview PA Learning (synthetic)", "AAPA", ["PA"]),
    ("Osteo Learning Partners (synthetic)", "AOA", ["DO"]),
    ("Granite State Medical Society CME (synthetic)", "state_society", ["MD", "DO"]),
]
CREDIT_FOR = {
    "MD": "ama_pra_1",
    "DO": "aoa_1a",
    "NP": "aanp",
    "PA": "aapa_1",
    "RN": "ancc",
    "PharmD": "acpe",
}
FORMAT_WEIGHTS = [
    ("course", 30),
    ("rss", 10),
    ("enduring_material", 8),
    ("internet_enduring", 22),
    ("journal_based", 8),
    ("performance_improvement", 5),
    ("internet_point_of_care", 8),
    ("learning_from_teaching", 3),
    ("other", 6),
]
STATES = [
    "CA",
    "TX",
    "NY",
    "FL",
    "IL",
    "PA",
    "OH",
    "GA",
    "NC",
    "MI",
    "NJ",
    "VA",
    "WA",
    "AZ",
    "MA",
    "TN",
    "IN",
    "MO",
    "MD",
    "WI",
    "CO",
    "MN",
    "SC",
    "AL",
    "LA",
    "KY",
    "OR",
    "OK",
    "CT",
    "UT",
    "NH",
]
CITIES = {
    "CA": "Sacramento",
    "TX": "Austin",
    "NY": "Albany",
    "FL": "Orlando",
    "IL": "Chicago",
    "PA": "Pittsburgh",
    "OH": "Columbus",
    "GA": "Atlanta",
    "NC": "Raleigh",
    "MI": "Detroit",
    "NJ": "Newark",
    "VA": "Richmond",
    "WA": "Seattle",
    "AZ": "Phoenix",
    "MA": "Boston",
    "TN": "Nashville",
    "IN": "Indianapolis",
    "MO": "St. Louis",
    "MD": "Baltimore",
    "WI": "Madison",
    "CO": "Denver",
    "MN": "Minneapolis",
    "SC": "Charleston",
    "AL": "Birmingham",
    "LA": "New Orleans",
    "KY": "Louisville",
    "OR": "Portland",
    "OK": "Tulsa",
    "CT": "Hartford",
    "UT": "Salt Lake City",
    "NH": "Concord",
}
ANGLES = [
    "update",
    "case-based review",
    "essentials",
    "what's new",
    "grand rounds",
    "for busy clinicians",
    "practical workshop",
    "evidence review",
    "in primary care",
    "in the hospital",
    "across the team",
    "bootcamp",
    "deep dive",
    "pitfalls and pearls",
]
SUPPORTERS = [
    "Acme Pharmaceuticals (synthetic)",
    "Bluepeak Devices (synthetic)",
    "Corvid Biologics (synthetic)",
    "Dunmore Diagnostics (synthetic)",
    "Everline Therapeutics (synthetic)",
]
SPECIALTIES = [
    "internal medicine",
    "family medicine",
    "pediatrics",
    "emergency medicine",
    "cardiology",
    "psychiatry",
    "oncology",
    "hospital medicine",
    "critical care",
    "obstetrics",
    "surgery",
    "anesthesiology",
    "geriatrics",
    "infectious disease",
    "nursing",
    "pharmacy",
]

#: Leadership programs, always present (the planner's career goals need them).
LEADERSHIP: list[dict[str, Any]] = [
    {
        "provider_activity_id": "LEAD-CMO",
        "title": "Chief Medical Officer Leadership Track",
        "format": "course",
        "delivery": "hybrid",
        "days": 330,
        "cost": "14500",
        "state": "IL",
        "city": "Chicago",
        "credits": "ama_pra_1:185; abim_moc:40",
        "professions": "MD;DO",
        "competencies": "leadership;finance;strategy;quality_patient_safety;communication",
        "topics": "quality_improvement;patient_safety;risk_management",
        "moore_level": 5,
        "outcomes_evaluated": "yes",
        "designed_to_change": "competence;performance",
        "pi_component": "yes",
        "moc_boards": "ABIM",
    },
    {
        "provider_activity_id": "LEAD-PEL",
        "title": "Physician Executive Leadership Program",
        "format": "course",
        "delivery": "online",
        "days": 180,
        "cost": "6900",
        "credits": "ama_pra_1:60",
        "professions": "MD;DO",
        "competencies": "leadership;strategy;finance",
        "topics": "quality_improvement",
        "moore_level": 4,
        "outcomes_evaluated": "yes",
        "designed_to_change": "competence",
    },
    {
        "provider_activity_id": "LEAD-CHAIR",
        "title": "Department Chair Academy",
        "format": "rss",
        "delivery": "hybrid",
        "days": 300,
        "cost": "4200",
        "state": "MA",
        "city": "Boston",
        "credits": "ama_pra_1:40",
        "professions": "MD;DO",
        "competencies": "leadership;teaching;communication",
        "topics": "communication_skills;ethics",
        "designed_to_change": "performance",
    },
    {
        "provider_activity_id": "LEAD-FIN",
        "title": "Finance and Budgeting for Clinical Leaders",
        "format": "course",
        "delivery": "online",
        "days": 42,
        "cost": "695",
        "credits": "ama_pra_1:12; ancc:12; aapa_1:12",
        "professions": "MD;DO;PA;NP;RN",
        "competencies": "finance;strategy",
        "topics": "quality_improvement",
        "designed_to_change": "competence",
    },
    {
        "provider_activity_id": "LEAD-TEAMS",
        "title": "Leading Clinical Teams: Feedback, Conflict and Difficult Conversations",
        "format": "course",
        "delivery": "live",
        "days": 1,
        "cost": "450",
        "state": "MA",
        "city": "Boston",
        "credits": "ama_pra_1:8; ancc:8; aapa_1:8",
        "professions": "MD;DO;PA;NP;RN",
        "competencies": "leadership;communication;interpersonal_communication",
        "topics": "communication_skills",
        "designed_to_change": "performance",
    },
    {
        "provider_activity_id": "LEAD-STRAT",
        "title": "Strategic Planning and Operations for Department Leaders",
        "format": "course",
        "delivery": "online",
        "days": 60,
        "cost": "895",
        "credits": "ama_pra_1:16",
        "professions": "MD;DO",
        "competencies": "strategy;leadership;systems_based_practice",
        "topics": "quality_improvement;patient_safety",
        "designed_to_change": "competence;performance",
    },
    {
        "provider_activity_id": "LEAD-NURSE",
        "title": "Nurse Manager Leadership Series",
        "format": "rss",
        "delivery": "online",
        "days": 240,
        "cost": "1800",
        "credits": "ancc:30; ipce:30",
        "professions": "RN;NP",
        "competencies": "leadership;interprofessional_collaboration;quality_patient_safety",
        "topics": "patient_safety;quality_improvement",
        "interprofessional": "yes",
        "moore_level": 5,
        "outcomes_evaluated": "yes",
        "designed_to_change": "performance;patient_outcomes",
    },
    {
        "provider_activity_id": "LEAD-QI",
        "title": "Quality Improvement Leader Certificate (PI CME)",
        "format": "performance_improvement",
        "delivery": "online",
        "days": 270,
        "cost": "2400",
        "credits": "ama_pra_1:20; aapa_1:20; ancc:20; ipce:20",
        "professions": "MD;DO;PA;NP;RN",
        "competencies": "quality_patient_safety;leadership;informatics",
        "topics": "quality_improvement;patient_safety",
        "interprofessional": "yes",
        "pi_component": "yes",
        "moore_level": 6,
        "outcomes_evaluated": "yes",
        "designed_to_change": "performance;patient_outcomes",
    },
]


def _credits(rng: random.Random, fmt: str, professions: list[str], interprofessional: bool) -> str:
    if fmt == "performance_improvement":
        amount = 20.0
    elif fmt == "journal_based":
        amount = 1.0
    elif fmt == "internet_point_of_care":
        amount = 0.5
    elif fmt == "rss":
        amount = float(rng.choice([10, 12, 20, 24, 36]))
    elif fmt in ("enduring_material", "internet_enduring"):
        amount = rng.choice([0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0])
    else:
        amount = float(rng.choice([1, 2, 3, 4, 6, 8, 12, 16, 20, 24]))
    parts: list[str] = []
    for prof in professions:
        code = CREDIT_FOR[prof]
        if code in (p.split(":")[0] for p in parts):
            continue
        if code == "aanp":
            pharm = round(min(amount, amount * rng.choice([0, 0, 0.25, 0.5])), 2)
            parts.append(f"aanp:{amount:g}:{pharm:g}" if pharm else f"aanp:{amount:g}")
        else:
            parts.append(f"{code}:{amount:g}")
    if "DO" in professions and "MD" in professions:
        parts = [p for p in parts if not p.startswith("aoa_1a")]
    if interprofessional:
        parts.append(f"ipce:{amount:g}")
    return "; ".join(parts)


#: What an activity is called by its format (a nine-month practice-improvement project is no
#: "bootcamp"); formats not named here take one of ANGLES.
FORMAT_ANGLES: dict[str, list[str]] = {
    "performance_improvement": ["practice improvement project", "PI CME project"],
    "rss": ["grand rounds series", "case conference series", "monthly case review"],
    "journal_based": ["journal CME", "journal club"],
    "internet_point_of_care": ["point-of-care learning"],
    "learning_from_teaching": ["learning from teaching"],
}


def _lower_first(label: str) -> str:
    """A topic label inside a title or sentence: its first letter lower-cased, unless the
    first word is an acronym ("HIV/AIDS", "LGBTQ") or a name ("Alzheimer's")."""
    first = label.split(" ", 1)[0]
    if sum(ch.isupper() for ch in first) > 1 or first.startswith("Alzheimer"):
        return label
    return label[:1].lower() + label[1:]


def topic_phrase(topics: list[str]) -> str:
    """The topics of an activity as its title names them: every topic, in order
    ("Sepsis and infection control"; with a semicolon when a label has an "and" itself)."""
    labels = [TOPICS[t].label for t in topics]
    rest = [_lower_first(label) for label in labels[1:]]
    joiner = "; " if any(" and " in label for label in labels) else " and "
    return joiner.join([labels[0], *rest])


#: Mandated topics taught alongside any clinical subject ("Cardiology and patient safety"),
#: the only second topic a demo activity gets.
CROSS_CUTTING = [
    "patient_safety",
    "medical_errors",
    "implicit_bias",
    "cultural_competency",
    "ethics",
    "risk_management",
    "communication_skills",
    "health_equity",
    "pain_management",
]
#: The competencies a topic builds (shared vocabulary); a topic not named here is clinical.
TOPIC_COMPETENCIES: dict[str, tuple[str, ...]] = {
    "quality_improvement": ("quality_patient_safety", "leadership", "systems_based_practice"),
    "patient_safety": ("quality_patient_safety", "systems_based_practice"),
    "medical_errors": ("quality_patient_safety", "practice_based_learning"),
    "risk_management": ("quality_patient_safety", "systems_based_practice"),
    "communication_skills": ("communication", "interpersonal_communication"),
    "ethics": ("professionalism",),
    "professional_boundaries": ("professionalism",),
    "board_regulations": ("professionalism",),
    "duty_to_report": ("professionalism",),
    "sexual_harassment_prevention": ("leadership", "professionalism"),
    "workplace_impairment": ("leadership", "professionalism"),
    "implicit_bias": ("interpersonal_communication", "professionalism"),
    "cultural_competency": ("interpersonal_communication", "professionalism"),
    "lgbtq_health": ("interpersonal_communication", "patient_care"),
    "health_equity": ("systems_based_practice", "leadership"),
    "electronic_health_records": ("informatics", "systems_based_practice"),
    "telehealth": ("informatics", "systems_based_practice"),
}
CLINICAL_COMPETENCIES = ("clinical", "medical_knowledge", "patient_care")


def _competencies(rng: random.Random, topics: list[str]) -> list[str]:
    """What the activity builds, from its topics: clinical subjects build clinical
    competencies; quality, safety, communication and the like build their own."""
    found: list[str] = []
    for code in topics:
        found += TOPIC_COMPETENCIES.get(code) or rng.sample(CLINICAL_COMPETENCIES, 2)
    return [c for c in dict.fromkeys(found) if c in COMPETENCIES]


def _activity(
    rng: random.Random, i: int, professions_pool: list[str], accreditor: str
) -> dict[str, Any]:
    topic = rng.choice(list(TOPICS))
    # at most one more topic, and the title names both (the title and the topics agree)
    extra = [rng.choice(CROSS_CUTTING)] if rng.random() < 0.25 else []
    topics = list(dict.fromkeys([topic, *extra]))
    fmt = rng.choices([f for f, _ in FORMAT_WEIGHTS], weights=[w for _, w in FORMAT_WEIGHTS])[0]
    live = fmt in ("course", "rss") and rng.random() < 0.7
    delivery = ("live" if rng.random() < 0.8 else "hybrid") if live else "online"
    professions = rng.sample(professions_pool, min(len(professions_pool), rng.choice([1, 1, 2, 3])))
    interprofessional = accreditor == "JA" and (len(professions) > 1 or rng.random() < 0.5)
    start = ANCHOR + timedelta(days=rng.randint(-540, 540))
    length = {
        "rss": rng.randint(90, 360),
        "enduring_material": 365,
        "internet_enduring": 365,
        "journal_based": 365,
        "performance_improvement": 270,
    }.get(fmt, rng.choice([0, 0, 1, 2, 4]))
    free = rng.random() < 0.22
    cost = 0 if free else round(min(rng.lognormvariate(4.9, 1.0), 3500), 0)
    supported = rng.random() < 0.18
    support = ""
    if supported:
        picks = rng.sample(SUPPORTERS, rng.choice([1, 1, 1, 2, 3]))
        support = "; ".join(
            f"{s}:{'in_kind' if rng.random() < 0.25 else 'monetary'}:{rng.choice([2500, 5000, 10000, 25000, 60000])}"
            for s in picks
        )
    tracked = rng.random() < 0.33
    moore = rng.choice([3, 4, 4, 5, 5, 6]) if tracked else rng.choice(["", "", "1", "2", "3"])
    phrase = topic_phrase(topics)
    angle = rng.choice(FORMAT_ANGLES.get(fmt, ANGLES))
    title = (
        f"{phrase}: {angle}"
        if rng.random() < 0.7
        else f"{angle[:1].upper()}{angle[1:]}: {_lower_first(phrase)}"
    )
    state = (
        rng.choice(STATES)
        if delivery != "online"
        else (rng.choice(STATES) if rng.random() < 0.1 else "")
    )
    competencies = _competencies(rng, topics)
    credits = _credits(rng, fmt, professions, interprofessional)
    abim = "MD" in professions and rng.random() < 0.25
    if abim:
        # an ABIM MOC-approved activity carries MOC points as well (one per credit)
        amount = credits.split(":")[1].split(";")[0]
        credits = f"{credits}; abim_moc:{amount}"
    row: dict[str, Any] = {
        "provider_activity_id": f"DEMO-{i:05d}",
        "title": title,
        "description": (
            f"Synthetic demo activity: {_lower_first(phrase)} ({angle}) for "
            f"{', '.join(professions)} clinicians. Not a real course."
        ),
        "format": fmt,
        "delivery": delivery,
        "start_date": start.isoformat(),
        "end_date": (start + timedelta(days=length)).isoformat(),
        "city": CITIES.get(state, "") if delivery != "online" else "",
        "state": state,
        "cost": f"{cost:.0f}",
        "url": f"https://example.org/demo/activity/{i}",
        "credits": credits,
        "professions": ";".join(professions),
        "specialties": ";".join(rng.sample(SPECIALTIES, rng.choice([1, 1, 2]))),
        "topics": ";".join(topics),
        "competencies": ";".join(competencies),
        "commercial_support": support,
        "disclosure_summary": ""
        if rng.random() < 0.05
        else (
            "No one in control of content has relevant financial relationships with ineligible companies."
            if not supported
            else "Two faculty members disclosed consulting for ineligible companies; "
            "their content was peer reviewed to mitigate these relationships."
        ),
        "designed_to_change": ";".join(
            rng.sample(["competence", "performance", "patient_outcomes"], rng.choice([0, 1, 1, 2]))
        ),
        "outcomes_evaluated": "yes" if tracked and isinstance(moore, int) and moore >= 4 else "no",
        "moore_level": moore,
        "outcomes_summary": "Pre/post assessment and 90-day practice follow-up (synthetic)."
        if tracked
        else "",
        "moc_boards": "ABIM" if abim else "",
        "moc_points": credits.split(":")[1].split(";")[0] if abim else "",
        "rems": "compliant" if "opioid_prescribing" in topics and rng.random() < 0.3 else "none",
        "interprofessional": "yes" if interprofessional else "no",
        "pi_component": "yes" if fmt == "performance_improvement" else "no",
    }
    return row


#: Mandated-topic webinars: state and specialty societies and health departments run short
#: live online sessions on the topics licensing boards mandate, most of them free (the
#: California Board of Pharmacy's law and ethics course is itself free). One session per
#: mandated topic every four months, so every mandated gap can be closed before a deadline
#: for little money (the planner needs such options to meet a requirement within a budget).
WEBINAR_PROVIDER = 3  # Tri-Coast Interprofessional Education (JA, every profession)
WEBINAR_EVERY_DAYS = 120
WEBINAR_SESSIONS = range(-2, 5)  # from about eight months before ANCHOR to 16 months after
#: Hours a mandated training takes where the rules name a length (DEA MATE: 8 h; California
#: pain management and end-of-life care: 12 h in all); other sessions are 2 h.
WEBINAR_HOURS = {
    "substance_use_disorder": 8.0,
    "pain_management": 4.0,
    "end_of_life_care": 4.0,
    "opioid_prescribing": 3.0,
    "risk_management": 4.0,
}
#: Topics only pharmacists are taught (the rest are open to every profession).
PHARMACY_ONLY = {"law_and_ethics", "compounding"}
ALL_CREDITS = ("ama_pra_1", "aapa_1", "ancc", "aanp", "acpe", "ipce")


def _webinar_rows() -> list[dict[str, Any]]:
    rows = []
    for j, code in enumerate(sorted(MANDATED_TOPICS)):
        hours = WEBINAR_HOURS.get(code, 2.0)
        pharmacy = code in PHARMACY_ONLY
        types = ("acpe",) if pharmacy else ALL_CREDITS
        professions = "PharmD" if pharmacy else "MD;DO;NP;PA;RN;PharmD"
        label = TOPICS[code].label
        for k in WEBINAR_SESSIONS:
            start = ANCHOR + timedelta(days=20 + WEBINAR_EVERY_DAYS * k + j % 7)
            cost = 0 if (j + k) % 3 else 45
            rows.append(
                {
                    "provider_activity_id": f"DEMO-WEB-{code}-{k + 2}",
                    "title": f"{label}: live webinar",
                    "description": (
                        f"Synthetic demo activity: a {hours:g}-hour live online session on "
                        f"{_lower_first(label)}, the training licensing boards mandate. "
                        "Not a real course."
                    ),
                    "format": "course",
                    "delivery": "online",
                    "start_date": start.isoformat(),
                    "end_date": start.isoformat(),
                    "cost": str(cost),
                    "url": f"https://example.org/demo/webinar/{code}/{k + 2}",
                    "credits": "; ".join(f"{t}:{hours:g}" for t in types),
                    "professions": professions,
                    "topics": code,
                    "competencies": "clinical;professionalism",
                    "disclosure_summary": (
                        "No one in control of content has relevant financial relationships "
                        "with ineligible companies."
                    ),
                    "designed_to_change": "competence",
                    "interprofessional": "no" if pharmacy else "yes",
                }
            )
    return rows


def _leadership_rows() -> list[dict[str, Any]]:
    rows = []
    for spec in LEADERSHIP:
        row = {k: v for k, v in spec.items() if k != "days"}
        start = ANCHOR + timedelta(days=60)
        row["start_date"] = start.isoformat()
        row["end_date"] = (start + timedelta(days=spec["days"])).isoformat()
        row["description"] = (
            f"Synthetic demo activity: {spec['title'].lower()} for clinicians moving into "
            "leadership roles. Not a real program."
        )
        row["disclosure_summary"] = "No relevant financial relationships with ineligible companies."
        row["url"] = f"https://example.org/demo/{spec['provider_activity_id'].lower()}"
        rows.append(row)
    return rows


def _provider(name: str, accreditor: str) -> Provider:
    found = Provider.objects.filter(name=name).first()
    return found or provider_create(actor=None, name=name, accreditor=accreditor)


@transaction.atomic
def catalog_demo_load(
    n: int = 2000, seed: int = DEMO_SEED, *, reindex: bool = True
) -> dict[str, Any]:
    """Load ``n`` synthetic activities (plus the leadership programs) and index them."""
    from cmepath.accounts.models import User

    rng = random.Random(seed)  # noqa: S311 - deterministic synthetic demo data
    providers = [(_provider(name, acc), acc, profs) for name, acc, profs in PROVIDERS]
    rows_by_provider: dict[int, list[dict[str, Any]]] = {p.pk: [] for p, _, _ in providers}
    for i in range(1, n + 1):
        provider, accreditor, profs = (
            providers[(i - 1) % len(providers)] if rng.random() < 0.6 else rng.choice(providers)
        )
        rows_by_provider[provider.pk].append(_activity(rng, i, profs, accreditor))
    leadership_provider = providers[2][0]
    rows_by_provider[leadership_provider.pk].extend(_leadership_rows())
    rows_by_provider[providers[WEBINAR_PROVIDER][0].pk].extend(_webinar_rows())
    created = updated = rejected = 0
    for provider, _, _ in providers:
        rows = rows_by_provider[provider.pk]
        if not rows:
            continue
        report = activity_import(
            source=json.dumps(rows).encode(),
            file_format="json",
            provider=provider,
            filename="demo.json",
            record_run=False,
        )
        created, updated, rejected = (
            created + report.created,
            updated + report.updated,
            rejected + report.rejected,
        )
    member = User.objects.filter(email=DEMO_PROVIDER_EMAIL).first()
    if member is not None:
        leadership_provider.members.add(member)
    outcomes = _demo_outcomes(leadership_provider, member)
    indexed = activity_index_rebuild() if reindex else 0
    return {
        "providers": len(providers),
        "activities_created": created,
        "activities_updated": updated,
        "rejected": rejected,
        "cohort_outcomes": outcomes,
        "indexed": indexed,
    }


def _demo_outcomes(provider: Provider, actor: Any) -> int:
    """Past cohorts of a few of the leadership provider's finished activities."""
    done = 0
    cutoff = min(ANCHOR, date.today())  # noqa: DTZ011 - calendar dates
    past = Activity.objects.filter(
        provider=provider, end_date__lt=cutoff, cohort_outcomes__isnull=True
    ).order_by("provider_activity_id")[:6]
    for i, activity in enumerate(past):
        cohort_outcome_record(
            actor=actor,
            activity=activity,
            period_start=activity.start_date,
            period_end=activity.end_date,
            learners=40 + 17 * i,
            moore_level=4 + i % 3,
            summary="Synthetic cohort: chart review three months after the activity showed "
            "the targeted practice change in most learners.",
        )
        done += 1
    return done
