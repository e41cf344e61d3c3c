"""Admin for identity data. Roles change only here (or via ``user_set_role``)."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, BoardCertification, Licence, LicenceProof, Profile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "role", "is_active", "is_staff", "date_joined"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Role and access", {"fields": ("role", "is_active", "is_staff", "is_superuser")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = [
        "user",
        "profession",
        "primary_specialty",
        "npi",
        "npi_status",
        "admin_verified",
    ]
    list_filter = ["profession", "npi_status", "admin_verified"]
    search_fields = ["user__email", "last_name", "npi"]
    readonly_fields = [
        "npi_status",
        "npi_checked_at",
        "npi_detail",
        "admin_verified",
        "admin_verified_at",
    ]


@admin.register(Licence)
class LicenceAdmin(admin.ModelAdmin[Licence]):
    list_display = ["user", "state", "licence_type", "number", "expiry_date", "verified"]
    list_filter = ["state", "licence_type", "verified"]
    search_fields = ["user__email", "number"]
    readonly_fields = ["verified"]


@admin.register(BoardCertification)
class BoardCertificationAdmin(admin.ModelAdmin[BoardCertification]):
    list_display = ["user", "board", "specialty", "cycle_end"]


@admin.register(LicenceProof)
class LicenceProofAdmin(admin.ModelAdmin[LicenceProof]):
    """Decisions go through the verification queue so they carry a reason and an audit row."""

    list_display = ["user", "licence", "status", "uploaded_at", "decided_by"]
    list_filter = ["status"]
    readonly_fields = [
        "user",
        "licence",
        "file",
        "kind",
        "original_name",
        "size",
        "sha256",
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "uploaded_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["user", "name", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "token_hash",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False
