"""Experts, disclosures, articles with append-only revisions, structured references, review
comments, the editorial history and reading lists.

Disclosures are dated rows (reference/hub.md section 3): the ACCME view (ineligible
companies, 24 months) and the ICMJE view (36 months) are both rendered from them. An
article's text lives in its revisions; ``Article`` keeps the working copy and points at the
published revision, so every version stays diffable.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from .choices import (
    ArticleStatus,
    ArticleType,
    PaidTo,
    ReferenceKind,
    Relationship,
)


class Expert(models.Model):
    """An editor's approval of a verified clinician as an author in named specialties."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hub_expert"
    )
    specialties = models.JSONField("approved in (NUCC codes)", default=list)
    bio = models.CharField(max_length=500, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    synthetic = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"Expert {self.user}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class DisclosureStatement(models.Model):
    """A dated declaration that the listed relationships are all of them (or that there are
    none): an article may be submitted only with a current one."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disclosure_statements"
    )
    declared_on = models.DateField()
    none_to_disclose = models.BooleanField(default=False)
    mitigation = models.TextField(
        blank=True,
        help_text="How relevant relationships were mitigated (shown to readers).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-declared_on", "-pk"]

    def __str__(self) -> str:
        return f"Disclosure of {self.user} on {self.declared_on}"


class Disclosure(models.Model):
    """One financial relationship, with its dates (end empty while it lasts)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="disclosures"
    )
    company = models.CharField(max_length=200)
    ineligible = models.BooleanField(
        "ineligible company",
        default=True,
        help_text="Produces, markets, sells or distributes healthcare products used on patients.",
    )
    nature = models.CharField(max_length=16, choices=Relationship.choices)
    paid_to = models.CharField(max_length=12, choices=PaidTo.choices, default=PaidTo.AUTHOR)
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["company", "start_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="disclosure_end_after_start",
                violation_error_message="The end date must be on or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.nature})"


class Article(models.Model):
    slug = models.SlugField(max_length=120, unique=True)
    article_type = models.CharField(max_length=20, choices=ArticleType.choices)
    status = models.CharField(
        max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=600)
    body = models.TextField(help_text="Markdown. Raw HTML is not rendered.")
    specialties = models.JSONField(default=list, blank=True)  # NUCC codes
    topics = models.JSONField(default=list, blank=True)  # shared vocabulary topic codes
    professions = models.JSONField(default=list, blank=True)  # audience
    authors: models.ManyToManyField[Any, Any] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="ArticleAuthor", related_name="hub_articles"
    )
    linked_activities = models.ManyToManyField(
        "catalog.Activity", blank=True, related_name="hub_articles"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hub_reviews",
    )
    published_revision = models.ForeignKey(
        "ArticleRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    disclosure_statement = models.ForeignKey(
        DisclosureStatement, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_published_on = models.DateField(null=True, blank=True)
    last_reviewed_on = models.DateField(null=True, blank=True)
    retracted_on = models.DateField(null=True, blank=True)
    retraction_reason = models.CharField(max_length=1000, blank=True)
    synthetic = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-first_published_on", "-pk"]
        indexes = [models.Index(fields=["status", "first_published_on"], name="article_status")]

    def __str__(self) -> str:
        return self.title


class ArticleAuthor(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                name="article_author_once",
                violation_error_message="This person is already an author of the article.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.article_id}"


class ArticleRevision(models.Model):
    """An append-only snapshot of the text: every save of a draft, every correction."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=600)
    body = models.TextField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    is_correction = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"],
                name="revision_number_once",
                violation_error_message="This revision number is already taken; reload the article and try again.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article_id} r{self.number}"


class Reference(models.Model):
    """A numbered reference of an article, cited in the text as ``[n]``."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=8, choices=ReferenceKind.choices)
    identifier = models.CharField(max_length=300, help_text="The DOI, the PMID or the URL.")
    title = models.CharField(max_length=400)
    journal = models.CharField(max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "position"],
                name="reference_position_once",
                violation_error_message="Another reference already has this position.",
            )
        ]

    def __str__(self) -> str:
        return f"[{self.position}] {self.title}"


class ReviewComment(models.Model):
    """A reviewer's comment on a passage of a revision (``quote``: the text it is about)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="comments")
    revision = models.ForeignKey(ArticleRevision, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    quote = models.CharField(max_length=500, blank=True)
    body = models.TextField(max_length=4000)
    resolved = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Comment on {self.article_id}"


class ArticleEvent(models.Model):
    """Append-only editorial history: who moved the article, when, why."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=ArticleStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=1000, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.status}"


class ReadingListItem(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reading_list"
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "article"],
                name="reading_list_once",
                violation_error_message="This article is already on your reading list.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.article_id}"
