"""Admin: read-mostly views for support; certificates' files are not linked from here."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    Certificate,
    Completion,
    CompletionCredit,
    EvaluationSnapshot,
    ReminderSent,
    ShareLink,
)


class CompletionCreditInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CompletionCredit
    extra = 0
    max_num = (
        0  # read-only here: credits change through the services (they keep credit_summary in step)
    )
    can_delete = False
    readonly_fields = ["credit_type", "amount"]


@admin.register(Completion)
class CompletionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["title", "user", "completed_on", "provenance", "provider"]
    list_filter = ["provenance"]
    search_fields = ["title", "provider", "user__email"]
    raw_id_fields = ["user", "reported_by"]
    inlines = [CompletionCreditInline]


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["pk", "user", "original_name", "size", "uploaded_at"]
    readonly_fields = ["sha256", "size", "pages", "extracted", "extracted_text", "file"]
    raw_id_fields = ["user", "completion"]


@admin.register(EvaluationSnapshot)
class EvaluationSnapshotAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "as_of", "status", "next_deadline", "unmet", "computed_at"]
    list_filter = ["status"]
    raw_id_fields = ["user"]


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = [
        "label",
        "user",
        "prefix",
        "regime_id",
        "expires_at",
        "revoked_at",
        "view_count",
    ]
    readonly_fields = ["token_hash", "prefix"]
    raw_id_fields = ["user"]


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ["user", "regime_id", "requirement_id", "deadline", "days_before", "sent_at"]
    raw_id_fields = ["user"]
