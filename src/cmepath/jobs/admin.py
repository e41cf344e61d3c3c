from django.contrib import admin

from .models import (
    Application,
    ApplicationEvent,
    Employer,
    EmployerMember,
    SavedSearch,
    Vacancy,
    VacancyEvent,
    VacancyReport,
)


class MemberInline(admin.TabularInline):  # type: ignore[type-arg]
    model = EmployerMember
    extra = 0
    raw_id_fields = ("user",)


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Verification happens on the moderation page (it is audited); here only reading."""

    list_display = ("name", "legal_name", "state", "verified_at", "synthetic")
    list_filter = ("state", "synthetic")
    search_fields = ("name", "legal_name", "ein", "npi")
    readonly_fields = ("verified_at", "verified_by")
    inlines = (MemberInline,)


class EventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = VacancyEvent
    extra = 0
    can_delete = False
    readonly_fields = ("status", "actor", "note", "at")


@admin.register(Vacancy)
class VacancyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Read-mostly: lifecycle changes go through the moderation page, which re-indexes."""

    list_display = ("title", "employer", "profession", "state", "status", "posted_on", "expires_on")
    list_filter = ("status", "profession", "employment_model", "remote")
    search_fields = ("title", "reference", "employer__name")
    list_select_related = ("employer",)
    raw_id_fields = ("employer", "duplicate_of", "created_by")
    readonly_fields = ("status", "posted_on", "dedupe_key", "duplicate_of")
    inlines = (EventInline,)


@admin.register(VacancyReport)
class VacancyReportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("vacancy", "reason", "status", "created_at")
    list_filter = ("status", "reason")
    raw_id_fields = ("vacancy", "reporter", "decided_by")


class AppEventInline(admin.TabularInline):  # type: ignore[type-arg]
    model = ApplicationEvent
    extra = 0
    can_delete = False
    readonly_fields = ("status", "actor", "note", "at")


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("vacancy", "user", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("vacancy", "user", "share_link")
    inlines = (AppEventInline,)


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "frequency", "alerts", "last_sent_at")
    raw_id_fields = ("user",)
    exclude = ("unsubscribe_token",)
