"""Synthetic completions for the demo clinicians (dev only; deterministic, idempotent).

Each clinician gets a record that meets some requirements and misses others, so the
compliance dashboard shows met, at-risk and unmet rows. Titles say "(synthetic)". The
activities held live (grand rounds, a real-time webinar) are marked live, as the
pharmacist live-hour minimums (FL, NY, NC) count them.
"""

from __future__ import annotations

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


def credits_demo_load() -> dict[str, Any]:
    """Record demo completions once per clinician (skips clinicians who already have some)."""
    from cmepath.core.vocabulary import TOPICS

    user_model = get_user_model()
    created = 0
    clinicians = user_model.objects.filter(
        email__endswith="@demo.cmepath.invalid", role="clinician"
    )
    for user in clinicians.select_related("profile").order_by("email"):
        if Completion.objects.filter(user=user).exists():
            continue
        rows = list(_COMMON) + _BY_PROFESSION.get(user.profile.profession, [])
        for title, accreditor, done, credits, topics, flags in rows:
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
