"""The rich progress display of every command, fed by ``core.progress.Progress`` callbacks.

``progress(step, done, total)`` calls from a service become bars on stderr: one row per step
(backup: "database", "media"), or with ``single=True`` one bar whose label follows the latest
step (an ingest moving through "reading", "checking rows", ...). ``enabled=False`` (``--json``)
draws nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from cmepath.core.progress import Progress as ProgressCallback
from cmepath.core.progress import no_progress


@contextmanager
def rich_progress(
    *, enabled: bool, stream: Any, single: bool = False, percent: bool = False
) -> Iterator[ProgressCallback]:
    """Yield a ``progress(step, done, total)`` callback drawing on ``stream``'s console.

    ``percent`` shows a percentage instead of "done/total" (for fractions of a job).
    """
    if not enabled:
        yield no_progress
        return
    console = Console(file=getattr(stream, "_out", stream), stderr=True)
    count = TextColumn("{task.percentage:>3.0f}%") if percent else MofNCompleteColumn()
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description:<32}" if single else "{task.description:<10}"),
        BarColumn(),
        count,
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as bar:

        def update(step: str, done: int, total: int) -> None:
            key = "" if single else step
            if key not in tasks:
                tasks[key] = bar.add_task(step[:32], total=max(total, 1))
            bar.update(
                tasks[key],
                completed=done if total else 1,
                total=max(total, 1),
                description=step[:32],
            )

        yield update
