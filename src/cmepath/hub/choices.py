"""Choices and constants of the knowledge hub (one home)."""

from __future__ import annotations

from enum import StrEnum

from django.db import models


class ArticleType(models.TextChoices):
    CLINICAL_GUIDE = "clinical_guide", "Clinical guide"
    RESEARCH_SUMMARY = "research_summary", "Research summary"
    CAREER_GUIDE = "career_guide", "Career guide"


class ArticleStatus(models.TextChoices):
    """draft -> in review -> changes requested -> (in review ...) -> approved -> published ->
    retracted (the page stays, with a banner and the public reason)."""

    DRAFT = "draft", "Draft"
    REVIEW = "review", "In review"
    CHANGES = "changes", "Changes requested"
    APPROVED = "approved", "Approved"
    PUBLISHED = "published", "Published"
    RETRACTED = "retracted", "Retracted"


#: Which statuses each action moves an article from (service-enforced).
TRANSITIONS: dict[str, frozenset[str]] = {
    "submit": frozenset({ArticleStatus.DRAFT, ArticleStatus.CHANGES}),
    "request_changes": frozenset({ArticleStatus.REVIEW}),
    "approve": frozenset({ArticleStatus.REVIEW}),
    "publish": frozenset({ArticleStatus.APPROVED}),
    "retract": frozenset({ArticleStatus.PUBLISHED}),
    "correct": frozenset({ArticleStatus.PUBLISHED}),
}


class Relationship(models.TextChoices):
    """The nature of a financial relationship, in ACCME Standard 3's words."""

    EMPLOYEE = "employee", "Employee"
    RESEARCHER = "researcher", "Researcher"
    CONSULTANT = "consultant", "Consultant"
    ADVISOR = "advisor", "Advisor"
    SPEAKER = "speaker", "Speaker"
    CONTRACTOR = "contractor", "Independent contractor"
    ROYALTIES = "royalties", "Royalties or patent beneficiary"
    EXECUTIVE = "executive", "Executive role"
    OWNERSHIP = "ownership", "Ownership interest (including individual stocks)"


class PaidTo(models.TextChoices):
    AUTHOR = "author", "Paid to the author"
    INSTITUTION = "institution", "Paid to the institution"


class ReferenceKind(models.TextChoices):
    DOI = "doi", "DOI"
    PMID = "pmid", "PubMed ID"
    URL = "url", "Web page"


#: ACCME Standard 3 look-back (months) and the ICMJE form's (items 2-13).
ACCME_MONTHS = 24
ICMJE_MONTHS = 36
#: Clinical guides are reviewed at least this often.
REVIEW_EVERY_MONTHS = {ArticleType.CLINICAL_GUIDE: 24}
#: A disclosure statement older than this cannot accompany a submission.
DISCLOSURE_VALID_DAYS = 365
#: Reading speed for the reading-time estimate (words per minute).
WORDS_PER_MINUTE = 230


class ErrorCode(StrEnum):
    NOT_AN_AUTHOR = "not_an_author"
    NO_DISCLOSURE = "no_disclosure"
    NO_REFERENCES = "no_references"
    BAD_REFERENCE = "bad_reference"
    BAD_TRANSITION = "bad_transition"
    OWN_REVIEW = "own_review"
