"""Extract uploads and their processing: privacy guard, normalization, measures, what is kept."""

from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import re
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from cmepath.core.errors import ValidationError
from cmepath.core.filecheck import human_size
from cmepath.core.services import audit_record
from cmepath.outcomes import policies
from cmepath.outcomes.choices import (
    DEFAULT_UPLOAD_QUOTA_BYTES,
    MULTIPART_SLACK_BYTES,
    STREAM_CHECK_MAX_BYTES,
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


class UploadTooLargeError(ValidationError):
    """An upload over the extract limit or over the uploader's quota (413)."""

    status = 413
    code: str = ErrorCode.TOO_LARGE


def max_extract_bytes() -> int:
    """The one upload limit for a QI extract: ``CMEPATH_MAX_EXTRACT_BYTES`` (settings)."""
    return int(settings.CMEPATH_MAX_EXTRACT_BYTES)


def upload_quota_bytes() -> int:
    """What one user may hold in QI data at a time: ``CMEPATH_OUTCOMES_QUOTA_BYTES``."""
    return int(getattr(settings, "CMEPATH_OUTCOMES_QUOTA_BYTES", DEFAULT_UPLOAD_QUOTA_BYTES))


def outcomes_dir() -> Path:
    """Where uploads and kept datasets live (never under MEDIA_ROOT: served by nothing)."""
    return Path(getattr(settings, "CMEPATH_OUTCOMES_DIR", Path(settings.DATA_DIR) / "outcomes"))


def _held_bytes(user: Any) -> int:
    """What the user's datasets hold on disk: uploads waiting for processing and row-level
    data kept under a data use agreement (``Dataset.stored_bytes``)."""
    total = Dataset.objects.filter(uploaded_by=user).aggregate(total=Sum("stored_bytes"))["total"]
    return int(total or 0)


def _too_large() -> UploadTooLargeError:
    return UploadTooLargeError(
        f"The file is larger than the {human_size(max_extract_bytes())} upload limit for QI "
        "data. Upload a shorter extract (fewer months or units), the same data as Parquet "
        "(several times smaller than CSV), or a pre-aggregated series.",
        field="file",
    )


def _over_quota(held: int) -> UploadTooLargeError:
    return UploadTooLargeError(
        f"This upload would take the QI data you hold past your quota of "
        f"{human_size(upload_quota_bytes())} (you hold {human_size(held)} in uploads still "
        "being processed and row-level data kept under data use agreements). Wait for your "
        "uploads to finish processing, or ask an administrator to raise the quota.",
        field="file",
        code=ErrorCode.QUOTA,
    )


def dataset_upload_precheck(*, actor: Any, project: Project, declared_bytes: int | None) -> None:
    """Refuse an upload by its declared size (the request's Content-Length) before its body
    is read, so a file over the limit or the quota costs no disk and no worker time. The
    exact check is made on the bytes themselves while they stream (``dataset_upload``)."""
    policies.projects.require(actor, "upload", project)
    if declared_bytes is None:
        return
    if declared_bytes > max_extract_bytes() + MULTIPART_SLACK_BYTES:
        raise _too_large()
    held = _held_bytes(actor)
    if declared_bytes > upload_quota_bytes() - held + MULTIPART_SLACK_BYTES:
        raise _over_quota(held)


class _StreamCheck:
    """Checks the head of an upload while it streams, before the rest is written.

    CSV: the privacy guard on the header as soon as its line is in (column names), then
    on the header and the first rows (the guard's whole sample) once they are. FHIR
    NDJSON: the first line must be a FHIR resource. Parquet keeps its schema at the end of
    the file, so it is checked once written (``guard_file``).
    """

    def __init__(self, fmt: str, name: str) -> None:
        from cmepath.outcomes.ingest.csv_parquet import SAMPLE_ROWS

        self.rows = SAMPLE_ROWS
        self.fmt = fmt
        self.name = name
        self.head = bytearray()
        self.lines = 0
        self.header_checked = self.done = fmt == DatasetFormat.PARQUET

    def feed(self, chunk: bytes) -> None:
        if self.done:
            return
        self.head += chunk
        self.lines += chunk.count(b"\n")
        if not self.header_checked and self.lines:
            self._check(lines=1)
        if not self.done and (len(self.head) >= STREAM_CHECK_MAX_BYTES or self.lines > self.rows):
            self._check(lines=self.rows + 1)

    def finish(self) -> None:
        """The whole file is in: check what was not checked yet."""
        if not self.done:
            self._check(lines=self.rows + 1, complete=True)

    def _check(self, *, lines: int, complete: bool = False) -> None:
        text = bytes(self.head[:STREAM_CHECK_MAX_BYTES]).decode("utf-8-sig", errors="replace")
        if not complete or len(self.head) > STREAM_CHECK_MAX_BYTES:
            text = text[: text.rfind("\n") + 1]  # whole lines only
        self.header_checked = True
        if self.fmt == DatasetFormat.FHIR:
            self.done = True
            self._check_ndjson(text)
            return
        self.done = lines > 1
        self._check_csv(text, lines)

    def _check_ndjson(self, text: str) -> None:
        first = next((line for line in text.splitlines() if line.strip()), "")
        try:
            resource = json.loads(first)
        except ValueError:
            resource = None
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise ValidationError(
                f"{self.name} is not FHIR R4 NDJSON: the first line must be one JSON resource "
                "with a resourceType (as a bulk-data $export writes them).",
                field="file",
            )

    def _check_csv(self, text: str, lines: int) -> None:
        from cmepath.outcomes.ingest import guard_file

        try:
            rows = list(itertools.islice(csv.reader(io.StringIO(text)), lines))
        except csv.Error:
            return  # a quoted field across the cut: the full guard decides once written
        if not rows or not any(cell.strip() for cell in rows[0]):
            raise ValidationError(
                f"{self.name} has no header line; the first line names the columns.", field="file"
            )
        with tempfile.TemporaryDirectory(prefix="cmepath-head-") as tmp:
            head = Path(tmp) / self.name
            with head.open("w", encoding="utf-8", newline="") as fh:
                csv.writer(fh).writerows(rows)
            guard_file(head, DatasetFormat.CSV)  # RefusedError or IngestError


def dataset_upload(
    *, actor: Any, project: Project, chunks: Iterable[bytes], filename: str, fmt: str
) -> Dataset:
    """Store the upload privately, checking it as it streams, and queue the processing.

    While the bytes arrive: the size against the one extract limit and against the
    uploader's quota (413), and the head (header and first rows) against the privacy guard,
    so a refused file stops being read at once. Once written, the whole file passes the
    guard (every unit and prescriber label) before it is kept. A refused file is deleted
    and the upload refused whole with the list of offending columns (a ValidationError with
    ``errors["columns"]``).
    """
    from cmepath.outcomes.ingest import IngestError, RefusedError, guard_file

    policies.projects.require(actor, "upload", project)
    if fmt not in DatasetFormat.values:
        raise ValidationError("Choose CSV, Parquet or FHIR NDJSON.", field="format")
    safe_name = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(filename or "upload").name)[:120] or "upload"
    limit = max_extract_bytes()
    held = _held_bytes(actor)
    room = upload_quota_bytes() - held
    folder = outcomes_dir() / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    raw = folder / f"{uuid.uuid4().hex}{Path(safe_name).suffix.lower()[:10]}"
    size = 0
    head = _StreamCheck(fmt, safe_name)
    try:
        with raw.open("wb") as fh:
            for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise _too_large()
                if size > room:
                    raise _over_quota(held)
                head.feed(chunk)
                fh.write(chunk)
        if size == 0:
            raise ValidationError("The file is empty.", field="file")
        head.finish()
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
    try:
        with transaction.atomic():
            # the quota again, under a lock on the uploader: two uploads at once cannot
            # both take the last room
            get_user_model().objects.select_for_update().filter(pk=actor.pk).first()
            held = _held_bytes(actor)
            if held + size > upload_quota_bytes():
                raise _over_quota(held)
            dataset = Dataset.objects.create(
                project=project,
                uploaded_by=actor,
                format=fmt,
                kind=kind,
                original_name=safe_name,
                upload_path=str(raw),
                upload_bytes=size,
                stored_bytes=size,
            )
            audit_record(
                actor=actor,
                action="outcomes.upload",
                target=dataset,
                detail={"project": project.pk, "file": safe_name, "bytes": size, "format": fmt},
            )
            from cmepath.outcomes.tasks import process_dataset

            transaction.on_commit(lambda: process_dataset.enqueue(dataset.pk))
    except BaseException:
        raw.unlink(missing_ok=True)
        raise
    return dataset


def _redact(detail: str) -> str:
    """Reference values in problem details may carry source ids: keep only the type."""
    return re.sub(r"\b([A-Z][A-Za-z]+)([/?][^\s]+)", r"\1/…", detail)


def dataset_process(*, dataset_id: int) -> Dataset:
    """Normalize, measure, keep series (and rows only under a DUA), delete the upload.
    Safe to run twice: a finished dataset is left as it is."""
    from cmepath.outcomes.ingest import IngestError, RefusedError, ingest
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
                stored_bytes=_tree_bytes(kept_dir) if keep else 0,
                finished_at=timezone.now(),
                message=f"{report.rows_written} rows, {report.skipped} skipped; {len(points)} series cells.",
            )
            audit_record(
                actor=None,
                action="outcomes.dataset_processed",
                target=dataset,
                detail={"rows": report.rows_written, "skipped": report.skipped, "kept_rows": keep},
            )
    except RefusedError as exc:  # a label deep in the file (the head passed at upload)
        Dataset.objects.filter(pk=dataset.pk).update(
            status=DatasetStatus.REFUSED,
            stage="refused",
            message=str(exc).splitlines()[0],
            finished_at=timezone.now(),
        )
        with transaction.atomic():
            audit_record(
                actor=None,
                action="outcomes.upload_refused",
                target=dataset,
                detail={"file": dataset.original_name, "columns": exc.columns},
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
        done = Dataset.objects.filter(pk=dataset.pk, status=DatasetStatus.DONE).exists()
        if not keep or not done:  # rows are kept only from a finished dataset
            shutil.rmtree(work, ignore_errors=True)
            Dataset.objects.filter(pk=dataset.pk).update(stored_bytes=0)
        Dataset.objects.filter(pk=dataset.pk).update(upload_path="")
    dataset.refresh_from_db()
    return dataset


def _tree_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
