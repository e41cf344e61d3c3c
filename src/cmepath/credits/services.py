"""Writes on the CME record: completions, certificates, evaluations, share links, badges,
reminders and the ``check-all`` batch.

Pages, the API, the CLI and tasks call these functions, so they behave the same. Each is
keyword-only; writes are atomic and land in the audit log. Bad input raises a
``core.errors.ValidationError`` with a message that says how to fix it, and stores nothing.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from cmepath.core.errors import (
    NotFoundError,
    PermissionDeniedError,
    StorageFullError,
    ValidationError,
)
from cmepath.core.filecheck import UploadRejected, display_name, extract_pdf_text, inspect_upload
from cmepath.core.services import audit_record, fields_apply, model_validate
from cmepath.core.vocabulary import CREDIT_TYPES, TOPICS
from cmepath.credits.rules import Evaluation, evaluate, evaluation_to_json

from . import badges, batch, policies, transcripts
from .choices import (
    CERTIFICATE_MAX_BYTES,
    CERTIFICATE_QUOTA_BYTES,
    CERTIFICATE_QUOTA_FILES,
    IMPORT_MAX_ROWS,
    MAX_ACTIVE_SHARE_LINKS,
    MAX_COMPLETIONS_PER_USER,
    REMINDER_DAYS,
    SHARE_LINK_MAX_DAYS,
    Provenance,
)
from .inputs import CompletionBrief, brief_inputs_for_user, inputs_for_user
from .models import (
    Certificate,
    Completion,
    CompletionCredit,
    EvaluationSnapshot,
    ReminderSent,
    ShareLink,
)
from .prefill import parse_certificate_text

COMPLETION_FIELDS = frozenset(
    {"activity_id", "title", "provider", "accreditor", "completed_on", "topics", "sa_cme", "pi_cme"}
)
MAX_CREDIT_AMOUNT = Decimal("999")


def today() -> date:
    return timezone.localdate()


# -- completions --------------------------------------------------------------------------------


def _clean_credits(credits: Mapping[str, Any]) -> dict[str, Decimal]:
    if not credits:
        raise ValidationError(
            "Enter at least one credit amount and its credit type.", field="credits"
        )
    out: dict[str, Decimal] = {}
    for code, raw in credits.items():
        if code not in CREDIT_TYPES:
            raise ValidationError(
                f"Unknown credit type {code!r}; choose one of: {', '.join(CREDIT_TYPES)}.",
                field="credits",
                code="unknown_credit_type",
            )
        try:
            amount = Decimal(str(raw)).quantize(Decimal("0.01"))
        except (InvalidOperation, ValueError):
            raise ValidationError(
                f"The amount for {code} is not a number.", field="credits"
            ) from None
        if not amount.is_finite() or amount <= 0:
            raise ValidationError(f"The amount for {code} must be greater than 0.", field="credits")
        if amount > MAX_CREDIT_AMOUNT:
            raise ValidationError(
                f"{amount} {code} is more than any single activity awards.", field="credits"
            )
        out[code] = amount
    return out


def _clean_topics(topics: Any) -> list[str]:
    topics = list(topics or [])
    unknown = [t for t in topics if t not in TOPICS]
    if unknown:
        raise ValidationError(
            f"Unknown topic(s): {', '.join(map(str, unknown))}.",
            field="topics",
            code="unknown_topic",
        )
    return sorted(set(topics))


def _catalog_activity(activity_id: int, actor: Any) -> Any:
    """The catalog activity the actor may see (with designations and provider). An activity
    the actor cannot see (someone else's draft) is answered exactly like a missing one."""
    from cmepath.catalog import policies as catalog_policies

    activity = (
        catalog_policies.activities.visible(actor, "view")
        .select_related("provider")
        .prefetch_related("designations")
        .filter(pk=activity_id)
        .first()
    )
    if activity is None:
        raise NotFoundError(
            "There is no catalog activity with this id.",
            field="activity_id",
            code="unknown_activity",
        )
    return activity


def _activity_maxima(activity: Any) -> dict[str, Decimal]:
    maxima = {d.credit_type: Decimal(d.amount) for d in activity.designations.all()}
    if getattr(activity, "moc_points", None):
        maxima.setdefault("abim_moc", Decimal(activity.moc_points))
    return maxima


def _check_against_activity(activity: Any, credits: Mapping[str, Decimal]) -> None:
    maxima = _activity_maxima(activity)
    if not maxima:
        return
    for code, amount in credits.items():
        if code not in maxima:
            raise ValidationError(
                f"“{activity.title}” is not designated for {CREDIT_TYPES[code].label}; it offers "
                f"{', '.join(f'{v:g} {k}' for k, v in sorted(maxima.items()))}.",
                field="credits",
                code="credit_not_designated",
            )
        if amount > maxima[code]:
            raise ValidationError(
                f"{amount:g} {CREDIT_TYPES[code].label} is more than the {maxima[code]:g} this activity offers.",
                field="credits",
                code="credits_above_maximum",
            )


def _may_report(actor: Any, activity: Any) -> bool:
    """A provider member may report completions of its activities (catalog's policy)."""
    from cmepath.catalog import policies as catalog_policies

    return catalog_policies.activities.allows(actor, "report", activity)


def _enqueue_refresh(user_id: int) -> None:
    def enqueue() -> None:
        from .tasks import evaluate_user

        evaluate_user.enqueue(user_id)

    transaction.on_commit(enqueue)


def _validate_completion(
    completion: Completion, credits: dict[str, Decimal], activity: Any
) -> None:
    if completion.completed_on and completion.completed_on > today():
        raise ValidationError(
            "The completion date is in the future; enter the day you finished the activity.",
            field="completed_on",
            code="future_date",
        )
    if completion.completed_on and completion.completed_on.year < 1950:
        raise ValidationError("The completion date is too far in the past.", field="completed_on")
    completion.topics = _clean_topics(completion.topics)
    if activity is not None:
        if (
            completion.completed_on
            and activity.start_date
            and completion.completed_on < activity.start_date
        ):
            raise ValidationError(
                f"The completion date is before the activity starts ({activity.start_date:%Y-%m-%d}); "
                "enter the day the learner finished it.",
                field="completed_on",
                code="before_start",
            )
        _check_against_activity(activity, credits)
    model_validate(completion, exclude=["user", "reported_by"])


def credit_summary(credits: Mapping[str, Any]) -> str:
    """The derived ``Completion.credit_summary``: "type=amount" pairs, sorted, ';'-joined."""
    return ";".join(f"{code}={float(amount):g}" for code, amount in sorted(credits.items()))


def _save_credits(completion: Completion, credits: dict[str, Decimal]) -> None:
    CompletionCredit.objects.filter(completion=completion).exclude(
        credit_type__in=list(credits)
    ).delete()
    for code, amount in credits.items():
        CompletionCredit.objects.update_or_create(
            completion=completion, credit_type=code, defaults={"amount": amount}
        )
    Completion.objects.filter(pk=completion.pk).update(credit_summary=credit_summary(credits))


@transaction.atomic
def completion_record(
    *,
    actor: Any,
    data: Mapping[str, Any],
    credits: Mapping[str, Any],
    user: Any = None,
    certificate: Certificate | None = None,
) -> Completion:
    """Record a completion for ``user`` (default: the actor).

    A clinician records their own (self-reported); a provider member records one for a
    learner of one of its activities (provider-reported). With ``activity_id`` the title,
    provider and accreditor default to the catalog's, and credits may not exceed the
    activity's designation.
    """
    owner = user or actor
    data = dict(data)
    activity = (
        _catalog_activity(int(data["activity_id"]), actor) if data.get("activity_id") else None
    )
    if owner.pk == actor.pk:
        provenance = Provenance.SELF_REPORTED
    elif activity is not None and _may_report(actor, activity):
        provenance = Provenance.PROVIDER_REPORTED
    else:
        # 404, not 403: a stranger learns nothing about who has an account.
        raise NotFoundError(
            "No such learner for this activity: only the activity's provider may report "
            "completions for others."
        )
    if Completion.objects.filter(user=owner).count() >= MAX_COMPLETIONS_PER_USER:
        raise ValidationError(
            f"A record holds at most {MAX_COMPLETIONS_PER_USER} completions.", code="quota"
        )
    clean_credits = _clean_credits(credits)
    completion = Completion(user=owner, reported_by=actor, provenance=provenance)
    fields_apply(completion, COMPLETION_FIELDS, data)
    if activity is not None:
        completion.title = completion.title or activity.title
        completion.provider = completion.provider or activity.provider.name
        completion.accreditor = completion.accreditor or (activity.provider.accreditor or "")
        if not data.get("topics"):
            completion.topics = list(activity.topics or [])
    _validate_completion(completion, clean_credits, activity)
    completion.save()
    _save_credits(completion, clean_credits)
    if certificate is not None:
        if certificate.user_id != owner.pk:
            raise PermissionDeniedError("That certificate belongs to someone else.")
        Certificate.objects.filter(pk=certificate.pk).update(completion=completion)
    audit_record(
        actor=actor,
        action="completion.create",
        target=completion,
        subject_user_id=owner.pk,
        detail={"provenance": provenance, "credits": {k: str(v) for k, v in clean_credits.items()}},
    )
    _enqueue_refresh(owner.pk)
    return completion


@transaction.atomic
def completion_update(
    *,
    actor: Any,
    completion: Completion,
    data: Mapping[str, Any],
    credits: Mapping[str, Any] | None = None,
) -> Completion:
    policies.completions.require(actor, "change", completion)
    completion = Completion.objects.select_for_update().get(pk=completion.pk)
    changed = fields_apply(completion, COMPLETION_FIELDS, data)
    activity = (
        _catalog_activity(int(completion.activity_id), actor) if completion.activity_id else None
    )
    clean_credits = (
        _clean_credits(credits)
        if credits is not None
        else {c.credit_type: c.amount for c in completion.credits.all()}
    )
    _validate_completion(completion, clean_credits, activity)
    completion.save()
    if credits is not None:
        _save_credits(completion, clean_credits)
        changed.append("credits")
    audit_record(
        actor=actor,
        action="completion.update",
        target=completion,
        subject_user_id=completion.user_id,
        detail={"fields": sorted(changed)},
    )
    _enqueue_refresh(completion.user_id)
    return completion


@transaction.atomic
def completion_delete(*, actor: Any, completion: Completion) -> None:
    policies.completions.require(actor, "delete", completion)
    audit_record(
        actor=actor,
        action="completion.delete",
        target=completion,
        subject_user_id=completion.user_id,
        detail={"title": completion.title[:100]},
    )
    user_id = completion.user_id
    completion.delete()  # certificates stay (completion set to NULL): the owner may reuse them
    _enqueue_refresh(user_id)


CSV_COLUMNS = (
    "title",
    "completed_on",
    "credits",
    "provider",
    "accreditor",
    "topics",
    "kinds",
    "activity_id",
)
CSV_REQUIRED = ("title", "completed_on", "credits")


@dataclass
class ImportReport:
    created: int = 0
    batch: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)


def _parse_csv_credits(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in (p.strip() for p in text.replace(",", ";").split(";")):
        if not part:
            continue
        code, sep, amount = part.partition("=")
        if not sep:
            raise ValueError(f"credit {part!r} must be written type=amount, e.g. ama_pra_1=2")
        out[code.strip()] = amount.strip()
    return out


@transaction.atomic
def completion_import_csv(*, actor: Any, data: bytes | str) -> ImportReport:
    """Import completions from CSV (schema in docs/credits.md); all rows or none.

    Every row is validated first; if any row is wrong nothing is stored and the error
    names the line.
    """
    text = data.decode("utf-8-sig", errors="strict") if isinstance(data, bytes) else data
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing or unknown:
        problems = ([f"missing column(s): {', '.join(missing)}"] if missing else []) + (
            [f"unknown column(s): {', '.join(unknown)}"] if unknown else []
        )
        raise ValidationError(
            f"The CSV header is wrong: {'; '.join(problems)}. Expected columns: "
            f"{', '.join(CSV_COLUMNS)}.",
            field="file",
            code="csv_header",
        )
    batch_id = uuid.uuid4().hex[:16]
    report = ImportReport(batch=batch_id)
    rows = list(reader)
    if len(rows) > IMPORT_MAX_ROWS:
        raise ValidationError(
            f"The file has {len(rows)} rows; import at most {IMPORT_MAX_ROWS} at a time.",
            field="file",
        )
    if not rows:
        raise ValidationError("The CSV has a header but no rows.", field="file")
    for number, row in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
        try:
            with transaction.atomic():
                completed_on = date.fromisoformat(row["completed_on"])
                payload: dict[str, Any] = {
                    "title": row["title"],
                    "completed_on": completed_on,
                    "provider": row.get("provider", ""),
                    "accreditor": row.get("accreditor", ""),
                }
                if row.get("topics"):
                    payload["topics"] = [t.strip() for t in row["topics"].split(";") if t.strip()]
                kinds = {k.strip() for k in row.get("kinds", "").split(";") if k.strip()}
                if kinds - {"sa_cme", "pi_cme"}:
                    raise ValueError(
                        f"unknown kind(s) {', '.join(sorted(kinds - {'sa_cme', 'pi_cme'}))}"
                    )
                payload["sa_cme"], payload["pi_cme"] = "sa_cme" in kinds, "pi_cme" in kinds
                if row.get("activity_id"):
                    payload["activity_id"] = int(row["activity_id"])
                completion = completion_record(
                    actor=actor, data=payload, credits=_parse_csv_credits(row["credits"])
                )
                completion.provenance = Provenance.IMPORTED
                completion.import_batch = batch_id
                completion.save(update_fields=["provenance", "import_batch"])
                report.created += 1
        except ValidationError as exc:
            report.errors[f"line {number}"] = [exc.message]
        except (ValueError, KeyError) as exc:
            report.errors[f"line {number}"] = [str(exc) if str(exc) else "invalid row"]
    if report.errors:
        first_line, first = next(iter(report.errors.items()))
        transaction.set_rollback(True)
        raise ValidationError(
            f"Nothing was imported: {first_line}: {first[0]}",
            field="file",
            code="csv_rows",
            errors=report.errors,
        )
    audit_record(
        actor=actor,
        action="completion.import",
        subject_user_id=actor.pk,
        detail={"batch": batch_id, "rows": report.created},
    )
    return report


# -- certificates -------------------------------------------------------------------------------


def certificate_upload(*, actor: Any, data: bytes, filename: str) -> Certificate:
    """Check a certificate PDF by content, read its text in the sandbox, store it under a
    random name and return it with the pre-fill it suggests. Nothing is stored on error."""
    if len(data) > CERTIFICATE_MAX_BYTES:
        raise ValidationError(
            "The file is larger than 10 MiB; upload a smaller PDF.",
            field="file",
            code="upload_too_large",
        )
    usage = Certificate.objects.filter(user=actor).aggregate(n=Count("pk"), size=Sum("size"))
    if (
        usage["n"] >= CERTIFICATE_QUOTA_FILES
        or (usage["size"] or 0) + len(data) > CERTIFICATE_QUOTA_BYTES
    ):
        raise ValidationError(
            "You have reached the certificate storage limit (200 files or 500 MiB); "
            "delete certificates you no longer need.",
            field="file",
            code="quota",
        )
    try:
        verdict = inspect_upload(data, filename, allowed={"pdf"}, max_bytes=CERTIFICATE_MAX_BYTES)
        text = extract_pdf_text(data, max_pages=3)
    except UploadRejected as exc:
        raise ValidationError(exc.message, field="file", code=f"upload_{exc.code}") from exc
    prefill = parse_certificate_text(text)
    certificate = Certificate(
        user=actor,
        size=verdict.size,
        sha256=verdict.sha256,
        pages=verdict.pages or 0,
        original_name=display_name(filename)[:200],
        extracted_text=text[:20_000],
        extracted=prefill.as_dict(),
    )
    try:
        certificate.file.save("certificate.pdf", ContentFile(data), save=False)
    except OSError as exc:
        raise StorageFullError(
            "We could not store the file right now; nothing was saved. Try again later."
        ) from exc
    try:
        with transaction.atomic():
            certificate.save()
            audit_record(
                actor=actor,
                action="certificate.upload",
                target=certificate,
                subject_user_id=actor.pk,
                detail={"sha256": verdict.sha256, "size": verdict.size},
            )
    except Exception:
        certificate.file.delete(save=False)
        raise
    return certificate


def prefill_from_certificate(*, certificate: Certificate) -> dict[str, Any]:
    """Initial values for the completion form from what the certificate text said."""
    found = certificate.extracted or {}
    initial: dict[str, Any] = {"certificate": certificate.pk}
    if found.get("title"):
        initial["title"] = found["title"]
    if found.get("provider"):
        initial["provider"] = found["provider"]
    if found.get("completed_on"):
        try:
            on = date.fromisoformat(found["completed_on"])
        except ValueError:
            on = None
        if on is not None and on <= today():
            initial["completed_on"] = on
    if found.get("credit_type") in CREDIT_TYPES:
        initial["credit_type"] = found["credit_type"]
        if found.get("amount"):
            initial["amount"] = Decimal(str(found["amount"]))
    return initial


@transaction.atomic
def certificate_delete(*, actor: Any, certificate: Certificate) -> None:
    policies.certificates.require(actor, "delete", certificate)
    audit_record(
        actor=actor,
        action="certificate.delete",
        target=certificate,
        subject_user_id=certificate.user_id,
    )
    path_file = certificate.file
    certificate.delete()
    transaction.on_commit(lambda: path_file.delete(save=False))


# -- evaluation ---------------------------------------------------------------------------------


def evaluation_compute(*, user: Any, as_of: date) -> tuple[Evaluation, dict[str, Completion]]:
    """Evaluate ``user`` live (no write): the engine's result and the completions by id."""
    profile, completions, rows = inputs_for_user(user)
    return evaluate(profile, completions, as_of, batch._rules()), rows


def evaluation_compute_brief(
    *, user: Any, as_of: date
) -> tuple[Evaluation, dict[str, CompletionBrief]]:
    """``evaluation_compute`` for pages that show only titles and dates (the dashboard)."""
    profile, completions, briefs = brief_inputs_for_user(user)
    return evaluate(profile, completions, as_of, batch._rules()), briefs


@transaction.atomic
def evaluation_run(*, user: Any, as_of: date | None = None) -> EvaluationSnapshot:
    """Evaluate one clinician now and store the snapshot dashboards and teams read."""
    as_of = as_of or today()
    evaluation, _ = evaluation_compute(user=user, as_of=as_of)
    status, deadline, regimes, unmet = batch.summarise(evaluation)
    snapshot, _ = EvaluationSnapshot.objects.update_or_create(
        user=user,
        defaults={
            "as_of": as_of,
            "computed_at": timezone.now(),
            "status": status,
            "next_deadline": deadline,
            "regimes": regimes,
            "unmet": unmet,
            "result": batch.snapshot_json(evaluation),
        },
    )
    return snapshot


def run_check_all(
    *,
    stdout: IO[str] | Any = None,
    as_json: bool = False,
    as_of: date | None = None,
    workers: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """``cmepath credits check-all``: evaluate every clinician and store the snapshots."""
    as_of = as_of or today()
    if progress and not as_json:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        console = Console(stderr=True)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as bar:
            task_id = bar.add_task("Evaluating clinicians", total=None)

            def on_progress(done: int, total: int) -> None:
                bar.update(task_id, completed=done, total=total)

            result = batch.check_all(as_of=as_of, workers=workers, on_progress=on_progress)
    else:
        result = batch.check_all(as_of=as_of, workers=workers)
    audit_record(actor=None, action="credits.check_all", detail=result)
    if stdout is not None:
        if as_json:
            stdout.write(json.dumps(result, indent=2))
        else:
            stdout.write(
                f"Evaluated {result['clinicians']} clinicians as of {result['as_of']} in {result['seconds']} s "
                f"({result['rate_per_s']}/s, {result['workers']} worker(s)): {result['met']} met, "
                f"{result['at_risk']} at risk, {result['unmet']} unmet, {result['no_rules']} with no rule."
            )
    return result


# -- transcripts and share links ----------------------------------------------------------------


def _owner_name(user: Any) -> str:
    profile = getattr(user, "profile", None)
    name = profile.full_name if profile is not None else ""
    return name or user.email


def transcript_data(
    *, user: Any, regime_id: str = "", as_of: date | None = None
) -> transcripts.TranscriptData:
    """The completions of one regime's current cycle (or all completions) with the status."""
    as_of = as_of or today()
    evaluation, rows = evaluation_compute(user=user, as_of=as_of)
    regimes = [
        r
        for r in evaluation_to_json(evaluation)["regimes"]
        if not regime_id or r["regime_id"] == regime_id
    ]
    if regime_id and not regimes:
        raise ValidationError(
            f"No regime {regime_id!r} applies to this record.",
            field="regime",
            code="unknown_regime",
        )
    counted: dict[str, list[str]] = {}
    for regime in regimes:
        for req in regime["requirements"]:
            for cid in req["counted_completion_ids"]:
                counted.setdefault(cid, []).append(f"{regime['regime_id']}: {req['label']}")
    start = end = None
    if regime_id:
        start = date.fromisoformat(regimes[0]["cycle_start"]) if regimes[0]["cycle_start"] else None
        end = date.fromisoformat(regimes[0]["cycle_end"]) if regimes[0]["cycle_end"] else None
    certificates: dict[str, list[int]] = {}
    for cert_id, completion_id in Certificate.objects.filter(
        user=user, completion__isnull=False
    ).values_list("pk", "completion_id"):
        certificates.setdefault(str(completion_id), []).append(cert_id)
    lines = []
    for cid, c in sorted(rows.items(), key=lambda item: (item[1].completed_on, item[1].pk)):
        if c.completed_on > as_of:
            continue
        if (
            regime_id
            and (start and c.completed_on < start or end and c.completed_on > end)
            and cid not in counted
        ):
            continue
        lines.append(
            transcripts.TranscriptLine(
                completed_on=c.completed_on,
                title=c.title,
                provider=c.provider,
                accreditor=c.accreditor,
                credits={cc.credit_type: float(cc.amount) for cc in c.credits.all()},
                topics=list(c.topics or []),
                provenance=c.get_provenance_display(),
                counted_toward=counted.get(cid, []),
                certificate_ids=certificates.get(cid, []),
            )
        )
    scope = regimes[0]["name"] if regime_id else "All regimes"
    return transcripts.TranscriptData(
        owner=_owner_name(user),
        as_of=as_of,
        scope=scope,
        regimes=regimes,
        lines=lines,
        cycle_start=start,
        cycle_end=end,
    )


def transcript_csv(*, user: Any, regime_id: str = "", as_of: date | None = None) -> str:
    return transcripts.to_csv(transcript_data(user=user, regime_id=regime_id, as_of=as_of))


def transcript_pdf(*, user: Any, regime_id: str = "", as_of: date | None = None) -> bytes:
    return transcripts.to_pdf(transcript_data(user=user, regime_id=regime_id, as_of=as_of))


def _share_key() -> bytes:
    return hashlib.sha256(
        b"cmepath.credits.share-link:" + str(settings.SECRET_KEY).encode()
    ).digest()


def share_token_hash(raw: str) -> str:
    return hmac.new(_share_key(), raw.encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def share_link_create(
    *, actor: Any, label: str, regime_id: str = "", days: int = 30
) -> tuple[ShareLink, str]:
    """Create a read-only transcript link; the raw token is returned once and never stored."""
    label = (label or "").strip()
    if not label:
        raise ValidationError(
            "Say who the link is for (e.g. 'Medical staff office').", field="label"
        )
    if not 1 <= days <= SHARE_LINK_MAX_DAYS:
        raise ValidationError(
            f"A link lasts between 1 and {SHARE_LINK_MAX_DAYS} days.", field="days"
        )
    if (
        ShareLink.objects.filter(
            user=actor, revoked_at__isnull=True, expires_at__gt=timezone.now()
        ).count()
        >= MAX_ACTIVE_SHARE_LINKS
    ):
        raise ValidationError(
            f"You have {MAX_ACTIVE_SHARE_LINKS} active links; revoke one first.", field="label"
        )
    regime_id = (regime_id or "").strip()
    if regime_id:
        known = {r.id for r in batch._rules().rules}
        if regime_id not in known:
            raise ValidationError(
                f"Unknown regime {regime_id!r}.", field="regime_id", code="unknown_regime"
            )
    raw = secrets.token_urlsafe(32)
    link = ShareLink.objects.create(
        user=actor,
        label=label[:120],
        token_hash=share_token_hash(raw),
        prefix=raw[:6],
        regime_id=regime_id,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit_record(
        actor=actor,
        action="sharelink.create",
        target=link,
        subject_user_id=actor.pk,
        detail={"regime": regime_id or "all", "days": days},
    )
    return link, raw


@transaction.atomic
def share_link_revoke(*, actor: Any, link: ShareLink) -> ShareLink:
    policies.share_links.require(actor, "delete", link)
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor, action="sharelink.revoke", target=link, subject_user_id=link.user_id
        )
    return link


def share_link_resolve(*, raw: str) -> ShareLink:
    """The live link behind a raw token; unknown, expired and revoked links look the same."""
    if not raw or len(raw) > 100:
        raise NotFoundError("This link is not valid. Ask the clinician for a new one.")
    link = ShareLink.objects.select_related("user").filter(token_hash=share_token_hash(raw)).first()
    now = timezone.now()
    if link is None or not link.is_active(now) or not link.user.is_active:
        raise NotFoundError(
            "This link is not valid, has expired or was revoked. Ask the clinician for a new one."
        )
    with transaction.atomic():
        ShareLink.objects.filter(pk=link.pk).update(
            last_viewed_at=now, view_count=link.view_count + 1
        )
        audit_record(actor=None, action="sharelink.view", target=link, subject_user_id=link.user_id)
    return link


# -- badges -------------------------------------------------------------------------------------


def badge_key_path() -> Path:
    configured = getattr(settings, "CMEPATH_BADGE_KEY_PATH", None)
    return (
        Path(configured) if configured else Path(settings.DATA_DIR) / "keys" / "badge-ed25519.pem"
    )


def platform_key() -> Any:
    """The platform's Ed25519 signing key (see ``badges`` for where it comes from)."""
    configured = bool(getattr(settings, "CMEPATH_BADGE_KEY_PATH", None))
    return badges.load_or_create_key(badge_key_path(), create=not configured)


def badge_issue(
    *, actor: Any, completion: Completion, base_url: str = "https://cmepath.invalid"
) -> dict[str, Any]:
    """Export a completion as a signed Open Badges 3.0 ``OpenBadgeCredential``."""
    policies.completions.require(actor, "change", completion)
    key = platform_key()
    credits = {c.credit_type: float(c.amount) for c in completion.credits.all()}
    if not credits:
        raise ValidationError(
            "This completion has no credits to put in a badge.", code="no_credits"
        )
    salt = secrets.token_hex(8)
    now = timezone.now()
    document = badges.build_credential(
        credential_id=f"urn:uuid:{uuid.uuid4()}",
        issuer_did=badges.did_key(key.public_key()),
        issuer_name="cmepath",
        issuer_url=base_url,
        valid_from=now,
        title=completion.title,
        description=f"{completion.title}"
        + (f", provided by {completion.provider}" if completion.provider else "")
        + ".",
        provider=completion.provider,
        completed_on=completion.completed_on.isoformat(),
        credits=credits,
        credit_labels={k: t.label for k, t in CREDIT_TYPES.items()},
        topics=list(completion.topics or []),
        identity_hash=badges.identity_hash(completion.user.email, salt),
        salt=salt,
    )
    signed = badges.sign(document, key, created=now)
    audit_record(
        actor=actor,
        action="badge.issue",
        target=completion,
        subject_user_id=completion.user_id,
        detail={"credential": signed["id"]},
    )
    return signed


def badge_verify(*, document: Any) -> badges.BadgeCheck:
    """Check a badge's signature (against this platform's key) and content."""
    return badges.verify(document, platform_key().public_key())


# -- reminders ----------------------------------------------------------------------------------


def _reminder_bucket(days_left: int) -> int | None:
    """The reminder a deadline ``days_left`` away is due for: 7, 30 or 90 (or none)."""
    if days_left < 0:
        return None
    for days in sorted(REMINDER_DAYS):
        if days_left <= days:
            return days
    return None


def reminders_send(*, today_: date | None = None) -> int:
    """Email clinicians whose unmet requirements fall due in 90, 30 or 7 days.

    Each (clinician, requirement, deadline, threshold) is recorded once in ``ReminderSent``;
    running twice sends nothing twice. Emails go out after the rows commit.
    """
    on = today_ or today()
    sent = 0
    for user_id, evaluation in batch.iter_evaluations(on):
        due: list[tuple[str, str, str, date, int, float, float]] = []
        for regime in evaluation.regimes:
            for req in regime.requirements:
                if req.status not in ("unmet", "at_risk") or req.deadline is None:
                    continue
                bucket = _reminder_bucket((req.deadline - on).days)
                if bucket is not None:
                    due.append(
                        (
                            regime.regime_id,
                            regime.name,
                            req.id,
                            req.deadline,
                            bucket,
                            req.hours_counted,
                            req.hours_needed,
                        )
                    )
        if not due:
            continue
        new = []
        with transaction.atomic():
            for regime_id, name, req_id, deadline, bucket, counted, needed in due:
                try:
                    with transaction.atomic():
                        ReminderSent.objects.create(
                            user_id=user_id,
                            regime_id=regime_id,
                            requirement_id=req_id,
                            deadline=deadline,
                            days_before=bucket,
                        )
                except IntegrityError:
                    continue
                new.append((name, req_id, deadline, counted, needed))
            if new:
                _enqueue_reminder(user_id, new, on)
                sent += 1
    return sent


def _enqueue_reminder(
    user_id: int, items: list[tuple[str, str, date, float, float]], on: date
) -> None:
    lines = [
        f"- {name}: {req_id}: {counted:g} of {needed:g} hours, due {deadline.isoformat()} "
        f"({(deadline - on).days} days)"
        for name, req_id, deadline, counted, needed in items
    ]
    subject = f"CME deadline{'s' if len(items) > 1 else ''} coming up: {len(items)} requirement{'s' if len(items) > 1 else ''} not met yet"
    body = (
        "These continuing-education requirements are not met yet:\n\n"
        + "\n".join(lines)
        + "\n\nOpen your compliance dashboard to see what counts and what is missing.\n"
    )

    def enqueue() -> None:
        from .tasks import send_reminder_email

        send_reminder_email.enqueue(user_id, subject, body)

    transaction.on_commit(enqueue)


__all__ = [
    "ImportReport",
    "badge_issue",
    "badge_verify",
    "certificate_delete",
    "certificate_upload",
    "completion_delete",
    "completion_import_csv",
    "completion_record",
    "completion_update",
    "evaluation_compute",
    "evaluation_run",
    "prefill_from_certificate",
    "reminders_send",
    "run_check_all",
    "share_link_create",
    "share_link_resolve",
    "share_link_revoke",
    "transcript_csv",
    "transcript_pdf",
]
