"""The platform's roles, defined once (ARCHITECTURE.md section 2)."""

from django.db import models


class Role(models.TextChoices):
    CLINICIAN = "clinician", "Clinician"
    EMPLOYER = "employer", "Employer / manager"
    PROVIDER = "provider", "CME provider"
    EDITOR = "editor", "Expert / editor"
    ADMIN = "admin", "Administrator"


#: Roles whose sessions must be verified with a second factor (TOTP) before any page.
MFA_REQUIRED_ROLES = frozenset({Role.ADMIN, Role.EDITOR})
#: Roles held to the short privileged session lifetime (security-checks row 10).
PRIVILEGED_ROLES = frozenset({Role.ADMIN, Role.EDITOR})
