"""Users, professional profiles, licences, board certifications, proofs and API tokens."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cmepath.core.roles import Role

from .choices import (
    BOARDS,
    US_STATES,
    DisputeStatus,
    NpiStatus,
    Profession,
    ProofStatus,
    TokenScope,
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.update(is_staff=True, is_superuser=True, role=Role.ADMIN)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A person who signs in with an email address; ``role`` is set only by admins."""

    username = None  # type: ignore[assignment]
    email = models.EmailField("email address", unique=True)
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.CLINICIAN)
    api_tokens_allowed = models.BooleanField(
        "API tokens allowed",
        default=False,
        help_text=(
            "Admins and editors may hold personal API tokens only when an administrator "
            "allows it: a token skips the second factor."
        ),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []  # no fields beyond email and password

    objects = UserManager()  # type: ignore[misc,assignment]

    def __str__(self) -> str:
        return self.email


class Profile(models.Model):
    """The professional record later features read: identity, specialty, goals, budget."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    first_name = models.CharField(max_length=80, blank=True)
    last_name = models.CharField(max_length=80, blank=True)
    profession = models.CharField(max_length=8, choices=Profession.choices, default=Profession.MD)
    primary_specialty = models.CharField("primary specialty (NUCC code)", max_length=10, blank=True)
    specialties = models.JSONField("other specialties (NUCC codes)", default=list, blank=True)
    npi = models.CharField("NPI", max_length=10, blank=True)
    npi_status = models.CharField(max_length=16, choices=NpiStatus.choices, default=NpiStatus.NONE)
    npi_checked_at = models.DateTimeField(null=True, blank=True)
    npi_detail = models.CharField(max_length=255, blank=True)
    birth_month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Some boards anchor renewal to the birth month."
    )
    date_of_first_licensure = models.DateField(null=True, blank=True)
    share_patients_65_plus = models.PositiveSmallIntegerField(
        "share of patients aged 65+ (%)",
        null=True,
        blank=True,
        help_text="California asks internists and family physicians with more than 25% to do 20% of CME in geriatrics.",
    )
    career_goal = models.CharField(max_length=200, blank=True)
    home_zip = models.CharField(
        "home ZIP code",
        max_length=5,
        blank=True,
        help_text="Optional: job distances and 'near me' searches start here.",
    )
    next_review_date = models.DateField("next performance review", null=True, blank=True)
    annual_cme_allowance = models.DecimalField(
        max_digits=9, decimal_places=2, null=True, blank=True
    )
    paid_cme_days = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    verified_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the badge was granted: NPI matched and a licence proof in this name approved.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True) | Q(birth_month__gte=1, birth_month__lte=12),
                name="profile_birth_month_range",
                violation_error_message="Birth month must be a number from 1 to 12.",
            ),
            models.CheckConstraint(
                condition=Q(share_patients_65_plus__isnull=True)
                | Q(share_patients_65_plus__lte=100),
                name="profile_share_65_range",
                violation_error_message="The share of patients 65 or older must be a percentage from 0 to 100.",
            ),
            models.CheckConstraint(
                condition=Q(annual_cme_allowance__isnull=True) | Q(annual_cme_allowance__gte=0),
                name="profile_allowance_nonnegative",
                violation_error_message="The annual CME allowance cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(paid_cme_days__isnull=True) | Q(paid_cme_days__gte=0),
                name="profile_paid_days_nonnegative",
                violation_error_message="Paid CME days cannot be negative.",
            ),
            # One account per NPI match: a second claimant gets a conflict and a dispute path.
            models.UniqueConstraint(
                fields=["npi"],
                condition=Q(npi_status=NpiStatus.MATCHED),
                name="profile_npi_matched_once",
                violation_error_message="This NPI is already matched to another account.",
            ),
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True) | Q(npi_status=NpiStatus.MATCHED),
                name="profile_verified_needs_npi_match",
                violation_error_message="A profile can be verified only once its NPI is matched.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name or self.user.email} ({self.profession})"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def npi_matched(self) -> bool:
        """The NPI Registry record matches this profile (public data: not proof of identity)."""
        return self.npi_status == NpiStatus.MATCHED

    @property
    def primary_specialty_label(self) -> str:
        """The NUCC display name of the primary specialty (the code when unknown)."""
        from . import taxonomy  # read once per process (cached)

        term = taxonomy.get(self.primary_specialty) if self.primary_specialty else None
        return term.display_name if term else self.primary_specialty

    @property
    def is_verified(self) -> bool:
        """The badge: NPI matched and an approved licence proof in the profile's name.

        ``verified_at`` is kept by ``services.badge_refresh``, which every change to the
        name, the NPI or a licence and every proof decision runs.
        """
        return self.verified_at is not None and self.npi_status == NpiStatus.MATCHED

    @property
    def badge_label(self) -> str:
        if self.is_verified:
            return "Verified"
        if self.npi_matched:
            return "NPI matched"
        return "Not verified yet"


class Licence(models.Model):
    """A state licence (or registration) held by a clinician."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="licences")
    state = models.CharField(max_length=2, choices=US_STATES)
    licence_type = models.CharField("licence type", max_length=8, choices=Profession.choices)
    number = models.CharField(max_length=40)
    issue_date = models.DateField()
    expiry_date = models.DateField()
    dea_registered = models.BooleanField("DEA registered", default=False)
    dea_registration_date = models.DateField(
        "DEA registration or last renewal", null=True, blank=True
    )
    direct_patient_care = models.BooleanField(default=True)
    verified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["state", "licence_type"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__gt=models.F("issue_date")),
                name="licence_expiry_after_issue",
                violation_error_message="The expiry date must come after the issue date.",
            ),
            models.UniqueConstraint(
                fields=["user", "state", "licence_type", "number"],
                name="licence_unique_per_user",
                violation_error_message="You already have this licence (same state, type and number).",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.state} {self.licence_type} {self.number}"


class BoardCertification(models.Model):
    """A board or national certification with its current cycle."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="board_certifications")
    board = models.CharField(max_length=16, choices=BOARDS)
    specialty = models.CharField(max_length=120)
    cycle_start = models.DateField()
    cycle_end = models.DateField()

    class Meta:
        ordering = ["board", "specialty"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cycle_end__gt=models.F("cycle_start")),
                name="boardcert_end_after_start",
                violation_error_message="The cycle must end after it starts.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.specialty}"


def _proof_path(instance: LicenceProof, filename: str) -> str:
    # Server-generated, random names only; the client's filename is never a path.
    return f"proofs/{uuid.uuid4().hex}.{instance.kind}"


class LicenceProof(models.Model):
    """An uploaded proof of licence waiting for, or carrying, an admin decision."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="licence_proofs")
    licence = models.ForeignKey(Licence, on_delete=models.CASCADE, related_name="proofs")
    file = models.FileField(upload_to=_proof_path, max_length=200)
    kind = models.CharField(max_length=8)
    original_name = models.CharField(max_length=200)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        max_length=16, choices=ProofStatus.choices, default=ProofStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    name_checked = models.CharField(
        max_length=161,
        blank=True,
        help_text="The profile name the administrator confirmed on the document when approving.",
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"proof {self.pk} for {self.licence}"


class NpiDispute(models.Model):
    """A clinician's claim to an NPI that another account has matched; an admin decides.

    Upholding it withdraws the other account's match and reserves the NPI for the claimant,
    who then submits it again.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="npi_disputes")
    npi = models.CharField("NPI", max_length=10)
    holder = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    statement = models.CharField(max_length=1000, blank=True)
    status = models.CharField(
        max_length=16, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "npi"],
                condition=Q(status=DisputeStatus.OPEN),
                name="npidispute_one_open_per_claim",
                violation_error_message="You already have an open dispute for this NPI; an administrator is looking at it.",
            ),
        ]

    def __str__(self) -> str:
        return f"dispute {self.pk} over NPI {self.npi}"


class ApiToken(models.Model):
    """A personal access token; only its SHA-256 is stored, the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired
