"""A rich progress display for the ``progress(step, done, total)`` callbacks of services."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn


@contextmanager
def rich_progress(*, enabled: bool, stream: Any) -> Iterator[Any]:
    if not enabled:
        yield lambda step, done, total: None
        return
    console = Console(file=getattr(stream, "_out", stream), stderr=True)
    tasks: dict[str, TaskID] = {}
    with Progress(
        TextColumn("{task.description:<10}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=False,
    ) as bar:

        def update(step: str, done: int, total: int) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(step, total=max(total, 1))
            bar.update(tasks[step], completed=done if total else 1, total=max(total, 1))

        yield update
