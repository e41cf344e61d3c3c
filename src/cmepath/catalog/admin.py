from django.contrib import admin

from .models import (
    Activity,
    ActivityImport,
    CohortOutcome,
    CommercialSupport,
    CreditDesignation,
    Provider,
    WishlistItem,
)


@admin.register(Provider)
class ProviderAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "accreditor", "accreditation_valid")
    list_filter = ("accreditor", "accreditation_valid")
    search_fields = ("name",)
    filter_horizontal = ("members",)


class CreditInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CreditDesignation
    extra = 0


class SupportInline(admin.TabularInline):  # type: ignore[type-arg]
    model = CommercialSupport
    extra = 0


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-mostly: edits belong in the provider pages, which rescore and reindex."""

    list_display = ("title", "provider", "format", "start_date", "status", "value_score")
    list_filter = ("status", "format", "delivery")
    search_fields = ("title", "provider_activity_id", "provider__name")
    list_select_related = ("provider",)
    raw_id_fields = ("provider",)
    readonly_fields = (
        "value_score",
        "score_breakdown",
        "credits",
        "credit_types",
        "has_commercial_support",
    )
    inlines = (CreditInline, SupportInline)


@admin.register(CohortOutcome)
class CohortOutcomeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("activity", "period_start", "period_end", "learners", "moore_level")
    raw_id_fields = ("activity", "reported_by")


@admin.register(ActivityImport)
class ActivityImportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("created_at", "provider", "filename", "rows", "created", "updated", "rejected")
    readonly_fields = ("errors",)


@admin.register(WishlistItem)
class WishlistItemAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "activity", "created_at")
    raw_id_fields = ("user", "activity")
