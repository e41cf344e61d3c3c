"""Codes into words for the reasons and gaps: the labels of states, topics, professions,
specialties and credentials (a code without a label is shown as it is), dates, amounts of
money and career tracks.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from cmepath.accounts import taxonomy
from cmepath.core.vocabulary import PROFESSIONS, STATES, TOPICS
from cmepath.jobs.vocab import CREDENTIALS


def _state(code: str) -> str:
    term = STATES.get(code)
    return term.label if term else code


def _states(codes: Iterable[str], joiner: str = "and") -> str:
    names = [_state(c) for c in sorted(codes)]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {joiner} {names[-1]}"


def _topic(code: str) -> str:
    term = TOPICS.get(code)
    return term.label if term else code


def _profession(code: str) -> str:
    term = PROFESSIONS.get(code)
    return term.label if term else code


def _specialty(code: str) -> str:
    term = taxonomy.get(code)
    return term.display_name if term else code


def _credential(code: str) -> str:
    return CREDENTIALS.get(code, code)


def _day(d: date) -> str:
    return f"{d:%B} {d.day}, {d.year}"


def _money(amount: float) -> str:
    return f"${amount:,.0f}"


def _track(code: str) -> str:
    return code.replace("_", " ")
