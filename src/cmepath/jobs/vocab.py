"""Labels of the jobs app's codes, importable without Django (matching, JSON-LD and the
search documents read them; ``choices.py`` re-exports them for the pages).

Professions and states are the shared vocabulary's (``core/data/vocabulary.yaml``); a vacancy
may also be for a certified registered nurse anaesthetist, a profession cmepath keeps no CME
record for, so :data:`VACANCY_PROFESSIONS` adds it here and nowhere else.
"""

from __future__ import annotations

from cmepath.core.vocabulary import PROFESSIONS

#: Professions a vacancy may be for: the shared vocabulary's (without "Other") plus CRNA.
VACANCY_PROFESSIONS: dict[str, str] = {
    **{code: term.label for code, term in PROFESSIONS.items() if code != "other"},
    "CRNA": "Nurse anesthetist (CRNA)",
}

#: Physician professions (the "physicians only" filter keeps these).
PHYSICIANS = frozenset({"MD", "DO"})

#: Credentials a listing may require (beyond licences and board certification).
CREDENTIALS: dict[str, str] = {
    "BLS": "Basic Life Support (BLS)",
    "ACLS": "Advanced Cardiovascular Life Support (ACLS)",
    "PALS": "Pediatric Advanced Life Support (PALS)",
    "NRP": "Neonatal Resuscitation Program (NRP)",
    "ATLS": "Advanced Trauma Life Support (ATLS)",
    "DEA": "DEA registration",
}

#: Visa routes a listing may sponsor.
VISAS: dict[str, str] = {"h1b": "H-1B sponsorship", "j1_waiver": "J-1 waiver (Conrad 30)"}

#: What a CME allowance may be spent on.
CME_EXPENSES: dict[str, str] = {
    "registration": "Course and conference registration",
    "travel": "Travel and lodging",
    "licence_fees": "Licence and DEA fees",
    "board_fees": "Board certification and MOC fees",
    "memberships": "Professional memberships",
    "journals": "Journals and subscriptions",
    "board_review": "Board review materials",
}

#: Which licence compact a profession's listing may accept.
COMPACT_OF: dict[str, str] = {
    "RN": "Nurse Licensure Compact (NLC)",
    "MD": "Interstate Medical Licensure Compact (IMLC)",
    "DO": "Interstate Medical Licensure Compact (IMLC)",
    "PA": "PA Licensure Compact",
}

#: Vacancies are published for this many days unless the employer sets an expiry.
DEFAULT_EXPIRY_DAYS = 60
