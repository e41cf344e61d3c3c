"""The one progress-callback shape every long job reports through.

Services, engines and tasks call ``progress(step, done, total)``: ``step`` is a short label
("importing", "hashing", "measuring 101"), ``done`` of ``total`` units are finished (``total``
0 means "not known yet"). Commands turn the calls into a rich bar
(``core.management.commands._progress.rich_progress``); tasks store them on the job's model
for the page to poll. Pure Python: engines may import it.
"""

from __future__ import annotations

from typing import Protocol

#: ``done``/``total`` for work measured as a fraction: 0.37 becomes 370 of 1,000.
FRACTION_UNITS = 1000


class Progress(Protocol):
    def __call__(self, step: str, done: int, total: int) -> None: ...


def no_progress(step: str, done: int, total: int) -> None:
    """The default callback: does nothing."""


def fraction(done: int, total: int) -> float:
    """``done`` of ``total`` as 0..1 (0 while the total is unknown)."""
    return min(max(done / total, 0.0), 1.0) if total > 0 else 0.0


def of_fraction(value: float) -> int:
    """A 0..1 fraction as ``done`` units of :data:`FRACTION_UNITS`."""
    return round(min(max(value, 0.0), 1.0) * FRACTION_UNITS)
