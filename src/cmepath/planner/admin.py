from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CareerGoal, Plan, PlanItem


@admin.register(CareerGoal)
class CareerGoalAdmin(admin.ModelAdmin[CareerGoal]):
    """Admins edit goal templates here; an edited row is kept by later syncs from the data file."""

    list_display = ("label", "key", "horizon_months", "pi_per_12_months", "active", "edited")
    list_filter = ("active", "edited")
    search_fields = ("label", "key")

    def save_model(self, request: HttpRequest, obj: CareerGoal, form: Any, change: bool) -> None:
        if change:
            obj.edited = True
        super().save_model(request, obj, form, change)


class PlanItemInline(admin.TabularInline[PlanItem, Plan]):
    model = PlanItem
    extra = 0
    can_delete = False
    readonly_fields = ("position", "title", "start_date", "end_date", "cost", "days", "why")
    exclude = ("activity", "counts_toward", "competency_hours")


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin[Plan]):
    list_display = ("goal_label", "user", "status", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in Plan._meta.fields]
    inlines = [PlanItemInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
