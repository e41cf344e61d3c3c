"""Extract uploads and their processing: privacy guard, normalization, measures, what is kept."""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cmepath.core.errors import ValidationError
from cmepath.core.filecheck import human_size
from cmepath.core.services import audit_record
from cmepath.outcomes import policies
from cmepath.outcomes.choices import (
    DatasetFormat,
    DatasetStatus,
    ErrorCode,
)
from cmepath.outcomes.models import (
    Dataset,
    Project,
    SeriesPoint,
)

log = logging.getLogger(__name__)
UPLOADED_SERIES = "uploaded-series"


def max_extract_bytes() -> int:
    """The upload limit for a QI extract (a data set, not a document): 2 GiB by default."""
    return int(settings.CMEPATH_MAX_EXTRACT_BYTES)


def outcomes_dir() -> Path:
    """Where uploads and kept datasets live (never under MEDIA_ROOT: served by nothing)."""
    return Path(getattr(settings, "CMEPATH_OUTCOMES_DIR", Path(settings.DATA_DIR) / "outcomes"))


def dataset_upload(
    *, actor: Any, project: Project, chunks: Iterable[bytes], filename: str, fmt: str
) -> Dataset:
    """Store the upload privately, run the privacy guard, queue the processing task.

    A file the guard refuses is deleted at once and the whole upload is refused with the
    list of offending columns (a ValidationError with ``errors["columns"]``).
    """
    from cmepath.outcomes.ingest import IngestError, RefusedError, guard_file

    policies.projects.require(actor, "upload", project)
    if fmt not in DatasetFormat.values:
        raise ValidationError("Choose CSV, Parquet or FHIR NDJSON.", field="format")
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename or "upload").name)[:120] or "upload"
    folder = outcomes_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / f"{uuid.uuid4().hex}{Path(safe_name).suffix.lower()[:10]}"
    size = 0
    try:
        limit = max_extract_bytes()
        with raw.open("wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise ValidationError(
                        f"The file is larger than {human_size(limit)}; split it.", field="file"
                    )
                fh.write(chunk)
        if size == 0:
            raise ValidationError("The file is empty.", field="file")
        if fmt in (DatasetFormat.CSV, DatasetFormat.PARQUET):
            kind, _ = guard_file(raw, fmt)
        else:
            kind = "orders"
    except RefusedError as exc:
        raw.unlink(missing_ok=True)
        with transaction.atomic():
            audit_record(
                actor=actor,
                action="outcomes.upload_refused",
                target=project,
                detail={"file": safe_name, "columns": exc.columns},
            )
        raise ValidationError(
            str(exc).splitlines()[0],
            code=ErrorCode.REFUSED,
            errors={"columns": exc.columns, "file": [str(exc)]},
        ) from None
    except IngestError as exc:
        raw.unlink(missing_ok=True)
        raise ValidationError(str(exc), field="file") from None
    except BaseException:
        raw.unlink(missing_ok=True)
        raise
    with transaction.atomic():
        dataset = Dataset.objects.create(
            project=project,
            uploaded_by=actor,
            format=fmt,
            kind=kind,
            original_name=safe_name,
            upload_path=str(raw),
        )
        audit_record(
            actor=actor,
            action="outcomes.upload",
            target=dataset,
            detail={"project": project.pk, "file": safe_name, "bytes": size, "format": fmt},
        )
        from cmepath.outcomes.tasks import process_dataset

        transaction.on_commit(lambda: process_dataset.enqueue(dataset.pk))
    return dataset


def _redact(detail: str) -> str:
    """Reference values in problem details may carry source ids: keep only the type."""
    return re.sub(r"\b([A-Z][A-Za-z]+)([/?][^\s]+)", r"\1/…", detail)


def dataset_process(*, dataset_id: int) -> Dataset:
    """Normalize, measure, keep series (and rows only under a DUA), delete the upload.
    Safe to run twice: a finished dataset is left as it is."""
    from cmepath.outcomes.ingest import IngestError, ingest
    from cmepath.outcomes.measures import MeasureRunError, measure_by_id, run_measure

    dataset = Dataset.objects.select_related("project").get(pk=dataset_id)
    if dataset.status in (DatasetStatus.DONE, DatasetStatus.REFUSED, DatasetStatus.FAILED):
        return dataset
    project = dataset.project
    keep = project.has_dua and dataset.kind == "orders"
    kept_dir = outcomes_dir() / "projects" / str(project.pk) / "datasets" / str(dataset.pk)
    work = kept_dir if keep else Path(tempfile.mkdtemp(prefix="cmepath-dataset-"))
    raw = Path(dataset.upload_path)
    last = [0.0]

    def progress(step: str, done: int, total: int) -> None:
        fraction = done / total if total else 0.0
        if fraction - last[0] >= 0.05 or fraction >= 1.0:
            last[0] = fraction
            Dataset.objects.filter(pk=dataset.pk).update(
                progress=round(min(fraction, 1.0) * 0.8, 3), stage=step[:64]
            )

    Dataset.objects.filter(pk=dataset.pk).update(status=DatasetStatus.PROCESSING, stage="starting")
    try:
        report = ingest(
            [raw], work, fmt=dataset.format, salt=project.patient_salt, progress=progress
        )
        points: list[SeriesPoint] = []
        if report.kind == "series":
            import csv

            with (work / "series.csv").open(encoding="utf-8") as fh:
                for row in csv.DictReader(fh):
                    points.append(
                        SeriesPoint(
                            project=project,
                            dataset=dataset,
                            measure_id=UPLOADED_SERIES,
                            unit=row["unit"],
                            period=row["period"],
                            numerator=float(row["numerator"]),
                            denominator=int(float(row["denominator"])),
                        )
                    )
        else:
            measure_ids = list(project.measures.values_list("measure_id", flat=True))
            for i, mid in enumerate(measure_ids):
                Dataset.objects.filter(pk=dataset.pk).update(
                    progress=0.8 + 0.2 * i / max(len(measure_ids), 1), stage=f"measuring {mid}"[:64]
                )
                spec = measure_by_id(mid)
                for r in run_measure(spec, work):
                    points.append(
                        SeriesPoint(
                            project=project,
                            dataset=dataset,
                            measure_id=mid,
                            unit=r.unit,
                            period=r.period,
                            numerator=r.numerator,
                            denominator=r.denominator,
                        )
                    )
        data = report.to_dict()
        data["output"] = ""
        data["problems"] = [{**p, "detail": _redact(p["detail"])} for p in data["problems"]]
        with transaction.atomic():
            SeriesPoint.objects.bulk_create(points, batch_size=2000)
            Dataset.objects.filter(pk=dataset.pk).update(
                status=DatasetStatus.DONE,
                progress=1.0,
                stage="done",
                report=data,
                row_count=report.rows_written,
                kept_rows=keep,
                rows_path=str(kept_dir.relative_to(outcomes_dir())) if keep else "",
                finished_at=timezone.now(),
                message=f"{report.rows_written} rows, {report.skipped} skipped; {len(points)} series cells.",
            )
            audit_record(
                actor=None,
                action="outcomes.dataset_processed",
                target=dataset,
                detail={"rows": report.rows_written, "skipped": report.skipped, "kept_rows": keep},
            )
    except (IngestError, MeasureRunError) as exc:
        Dataset.objects.filter(pk=dataset.pk).update(
            status=DatasetStatus.FAILED,
            stage="failed",
            message=str(exc),
            finished_at=timezone.now(),
        )
    except Exception:
        log.exception("dataset %s failed", dataset.pk)
        Dataset.objects.filter(pk=dataset.pk).update(
            status=DatasetStatus.FAILED,
            stage="failed",
            finished_at=timezone.now(),
            message="Processing failed unexpectedly; the upload was deleted. Check the file and try again.",
        )
    finally:
        raw.unlink(missing_ok=True)  # raw uploads never outlive processing
        Dataset.objects.filter(pk=dataset.pk).update(upload_path="")
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    dataset.refresh_from_db()
    return dataset
