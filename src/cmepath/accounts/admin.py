"""Admin for identity data. Roles change only here (or via ``user_set_role``).

Decisions on proofs and NPI disputes go through the verification queue
(``/me/verification/``), so they carry a reason and an audit row; here they are read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import ApiToken, BoardCertification, Licence, LicenceProof, NpiDispute, Profile, User


@admin.register(User)
class UserAdmin(BaseUserAdmin[User]):
    ordering = ["email"]
    list_display = ["email", "role", "is_active", "is_staff", "api_tokens_allowed", "date_joined"]
    list_filter = ["role", "is_active", "is_staff", "api_tokens_allowed"]
    search_fields = ["email"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            "Role and access",
            {"fields": ("role", "is_active", "is_staff", "is_superuser", "api_tokens_allowed")},
        ),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )
    readonly_fields = ["last_login", "date_joined"]

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        # Allowing API tokens for an admin or editor goes through the audited service.
        allowed_changed = change and "api_tokens_allowed" in form.changed_data
        allowed = obj.api_tokens_allowed
        if allowed_changed:
            obj.api_tokens_allowed = not allowed
        super().save_model(request, obj, form, change)
        if allowed_changed:
            from .services import user_allow_api_tokens

            user_allow_api_tokens(actor=request.user, user=obj, allowed=allowed)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin[Profile]):
    list_display = ["user", "profession", "primary_specialty", "npi", "npi_status", "verified_at"]
    list_filter = ["profession", "npi_status"]
    search_fields = ["user__email", "last_name", "npi"]
    # name and NPI change through the services only: each change withdraws the badge, audited
    readonly_fields = [
        "first_name",
        "last_name",
        "npi",
        "npi_status",
        "npi_checked_at",
        "npi_detail",
        "verified_at",
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
        "name_checked",
        "uploaded_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(NpiDispute)
class NpiDisputeAdmin(admin.ModelAdmin[NpiDispute]):
    """Open disputes are decided in the verification queue; this lists their history."""

    list_display = ["npi", "user", "holder", "status", "created_at", "decided_by"]
    list_filter = ["status"]
    search_fields = ["npi", "user__email", "holder__email"]
    readonly_fields = [
        "user",
        "npi",
        "holder",
        "statement",
        "status",
        "decided_by",
        "decided_at",
        "reason",
        "created_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = [
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = [
        "user",
        "name",
        "prefix",
        "token_hash",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    ]

    def has_add_permission(self, request: object) -> bool:
        return False
