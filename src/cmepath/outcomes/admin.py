from __future__ import annotations

from django.contrib import admin

from .models import Dataset, Outcome, Project, ProjectMember, StageRecord


class MemberInline(admin.TabularInline[ProjectMember, Project]):
    model = ProjectMember
    extra = 0
    fields = ("user", "role", "profession")


class StageInline(admin.TabularInline[StageRecord, Project]):
    model = StageRecord
    extra = 0
    fields = ("stage", "started_on", "completed_on", "credits", "credit_recorded")


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin[Project]):
    list_display = (
        "title",
        "lead",
        "status",
        "unit_of_analysis",
        "intervention_date",
        "created_at",
    )
    list_filter = ("status", "unit_of_analysis")
    search_fields = ("title",)
    exclude = ("patient_salt",)
    inlines = [MemberInline, StageInline]


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin[Dataset]):
    list_display = (
        "original_name",
        "project",
        "format",
        "status",
        "row_count",
        "kept_rows",
        "created_at",
    )
    list_filter = ("status", "format", "kept_rows")
    readonly_fields = ("report",)


@admin.register(Outcome)
class OutcomeAdmin(admin.ModelAdmin[Outcome]):
    list_display = ("project", "user", "moore_level", "created_at")
