"""Background work of the outcomes app: process an uploaded dataset."""

from __future__ import annotations

from django_tasks import task


@task()
def process_dataset(dataset_id: int) -> str:
    """Normalize, measure and store the series of one upload; safe to run twice."""
    from .services import dataset_process

    return dataset_process(dataset_id=dataset_id).status
