"""Synthetic completions for the demo clinicians (dev only; deterministic, idempotent).

Each clinician gets a record that meets some requirements and misses others, so the
compliance dashboard shows met, at-risk and unmet rows. Titles say "(synthetic)". The
activities held live (grand rounds, a real-time webinar) are marked live, as the
pharmacist live-hour minimums (FL, NY, NC) count them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model

from .models import Completion
from .services import completion_record

# (title, accreditor, completed_on, credits by type, topics, flags)
_COMMON: list[tuple[str, str, date, dict[str, float], list[str], dict[str, bool]]] = [
    (
        "Safer opioid prescribing in primary care (synthetic)",
        "ACCME",
        date(2026, 3, 12),
        {"ama_pra_1": 4, "ancc": 4},
        ["opioid_prescribing", "pain_management"],
        {},
    ),
    (
        "Medical ethics and professional responsibility (synthetic)",
        "ACCME",
        date(2025, 11, 5),
        {"ama_pra_1": 2},
        ["ethics"],
        {},
    ),
    (
        "Implicit bias in clinical decisions (synthetic)",
        "Joint Accreditation",
        date(2026, 1, 20),
        {"ama_pra_1": 1.5, "ancc": 1.5, "ipce": 1.5},
        ["implicit_bias"],
        {},
    ),
    (
        "Sepsis recognition update (synthetic)",
        "ACCME",
        date(2025, 9, 14),
        {"ama_pra_1": 3},
        ["infection_control", "sepsis"],
        {},
    ),
    (
        "Hospital medicine grand rounds series 2025 (synthetic)",
        "ACCME",
        date(2025, 12, 15),
        {"ama_pra_1": 12},
        ["internal_medicine"],
        {"live": True},
    ),
    (
        "Leading quality improvement teams (synthetic)",
        "ACCME",
        date(2026, 6, 2),
        {"ama_pra_1": 6, "abim_moc": 6},
        ["quality_improvement"],
        {"pi_cme": True},
    ),
]
_BY_PROFESSION: dict[
    str, list[tuple[str, str, date, dict[str, float], list[str], dict[str, bool]]]
] = {
    # The demo physician (Ada: internist licensed in MA since 2011, CA since 2012, TX since
    # 2015, ABIM certified, DEA registered): what a long-licensed physician has on record.
    # The one-time trainings were done when they fell due (California's 12 h of pain
    # management and end-of-life care within four years of licensure, which also meets
    # Massachusetts' one-time end-of-life credits; the DEA MATE Act's 8 h before the first
    # DEA renewal after June 27, 2023), ABIM MOC points across the 2023-2027 cycle (met) and
    # enough hours for the Texas renewal of February 2027. Left open, due June 30, 2027: about
    # 10 h of the 50 of California and Massachusetts, and Massachusetts' 2 credits on the
    # Board's regulations.
    "MD": [
        (
            "Pain management and care of the terminally ill (synthetic)",
            "ACCME",
            date(2013, 10, 15),
            {"ama_pra_1": 12},
            ["pain_management", "end_of_life_care"],
            {},
        ),
        (
            "Treating opioid and other substance use disorders: 8-hour DEA MATE Act training "
            "(synthetic)",
            "ACCME",
            date(2023, 5, 10),
            {"ama_pra_1": 8},
            ["substance_use_disorder", "opioid_prescribing"],
            {},
        ),
        (
            "Internal medicine update 2023 (synthetic)",
            "ACCME",
            date(2023, 5, 16),
            {"ama_pra_1": 20, "abim_moc": 20},
            ["primary_care", "cardiology"],
            {"live": True},
        ),
        (
            "Internal medicine update 2024 (synthetic)",
            "ACCME",
            date(2024, 4, 10),
            {"ama_pra_1": 20, "abim_moc": 20},
            ["primary_care", "diabetes"],
            {"live": True},
        ),
        (
            "Medical knowledge self-assessment in internal medicine (synthetic)",
            "ACCME",
            date(2024, 11, 12),
            {"ama_pra_1": 30, "abim_moc": 30},
            ["primary_care"],
            {"sa_cme": True},
        ),
        (
            "Cardiology and diabetes board review (synthetic)",
            "ACCME",
            date(2025, 4, 22),
            {"ama_pra_1": 12, "abim_moc": 12},
            ["cardiology", "diabetes"],
            {},
        ),
        (
            "Chronic kidney disease in primary care (synthetic)",
            "ACCME",
            date(2025, 5, 28),
            {"ama_pra_1": 10, "abim_moc": 10},
            ["nephrology"],
            {},
        ),
        (
            "Implicit bias in diagnosis and referral (synthetic)",
            "ACCME",
            date(2026, 4, 8),
            {"ama_pra_1": 1},
            ["implicit_bias"],
            {},
        ),
        (
            "Journal CME: hypertension treatment targets (synthetic)",
            "ACCME",
            date(2026, 5, 20),
            {"ama_pra_1": 3, "abim_moc": 3},
            ["cardiology"],
            {},
        ),
        (
            "Risk management in outpatient internal medicine (synthetic)",
            "ACCME",
            date(2026, 9, 18),
            {"ama_pra_1": 4},
            ["risk_management", "patient_safety"],
            {},
        ),
        (
            "Diagnostic safety: preventing missed diagnoses (synthetic)",
            "ACCME",
            date(2026, 10, 14),
            {"ama_pra_1": 3},
            ["medical_errors"],
            {},
        ),
    ],
    "NP": [
        (
            "Advanced pharmacology: antimicrobials (synthetic)",
            "AANP",
            date(2026, 2, 10),
            {"aanp": 10, "aanp_pharm": 10},
            ["pharmacology"],
            {},
        )
    ],
    "PA": [
        (
            "Self-assessment: cardiology board review (synthetic)",
            "AAPA",
            date(2026, 4, 18),
            {"aapa_1": 20},
            ["cardiology"],
            {"sa_cme": True},
        )
    ],
    "RN": [
        (
            "Nursing care of patients with sepsis (synthetic)",
            "ANCC",
            date(2026, 5, 7),
            {"ancc": 6},
            ["sepsis"],
            {},
        )
    ],
    "PharmD": [
        (
            "Pharmacy law and ethics webinar (synthetic)",
            "ACPE",
            date(2026, 7, 1),
            {"acpe": 2},
            ["law_and_ethics"],
            {"live": True},
        )
    ],
}


def credits_demo_load(emails: Iterable[str] | None = None) -> dict[str, Any]:
    """Record the demo completions of each demo clinician (of ``emails`` when given) that
    are not on their record yet (by title), so running it twice changes nothing."""
    from cmepath.core.vocabulary import TOPICS

    user_model = get_user_model()
    created = 0
    clinicians = user_model.objects.filter(
        email__endswith="@demo.cmepath.invalid", role="clinician"
    )
    if emails is not None:
        clinicians = clinicians.filter(email__in=list(emails))
    for user in clinicians.select_related("profile").order_by("email"):
        have = set(Completion.objects.filter(user=user).values_list("title", flat=True))
        rows = list(_COMMON) + _BY_PROFESSION.get(user.profile.profession, [])
        for title, accreditor, done, credits, topics, flags in rows:
            if title in have:
                continue
            completion_record(
                actor=user,
                data={
                    "title": title,
                    "provider": "cmepath demo CME (synthetic)",
                    "accreditor": accreditor,
                    "completed_on": done,
                    "topics": [t for t in topics if t in TOPICS],
                    **flags,
                },
                credits=credits,
            )
            created += 1
    return {"completions": created}
