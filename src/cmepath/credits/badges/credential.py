"""The Open Badges 3.0 credential of a completion, and its verification by the platform.

A completion is exported as an ``OpenBadgeCredential`` (W3C VC 2.0 + 1EdTech OB 3.0
contexts; ``achievementType`` ``CertificateOfCompletion``; ``creditsAvailable``). Where the
claim came from is in the credential itself: the first ``evidence`` entry's ``genre`` is
``provider-reported`` (the activity's provider reported it from its cmepath account) or
``self-reported`` (the learner entered or imported it). A self-reported badge says so in its
``name`` and ``description`` ("Self-reported: ..."), names no ``creator`` (the provider is
only what the learner typed) and lists the SHA-256 of attached certificate PDFs as evidence.
cmepath never checks a certificate with its issuer, so there is no "certificate-verified"
source. Pure: no Django.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .integrity import (
    VC_CONTEXT,
    BadgeError,
    BadgeInputRejected,
    as_list,
    did_key,
    did_key_resolver,
    is_datetime,
    utc_text,
    verification_method,
    verify_proofs,
)
from .status import REVOKED, StatusEntry, StatusLookup, status_problem

OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
SOURCE_PROVIDER = "provider-reported"
SOURCE_SELF = "self-reported"
SOURCES = (SOURCE_PROVIDER, SOURCE_SELF)
SELF_REPORTED_PREFIX = "Self-reported: "


def _evidence(
    credential_id: str, source: str, provider: str, certificate_hashes: list[str]
) -> list[dict[str, Any]]:
    if source == SOURCE_PROVIDER:
        origin = {
            "name": "Claim source: reported by the provider",
            "narrative": f"{provider or 'The provider'} reported this completion to cmepath from "
            "its provider account for one of its catalog activities.",
        }
    else:
        origin = {
            "name": "Claim source: self-reported by the learner (not verified by cmepath)",
            "narrative": "The learner entered this completion in cmepath themselves. cmepath "
            "records the claim as made and has not verified it with the provider or accreditor.",
        }
    items = [{"id": f"{credential_id}#source", "type": ["Evidence"], "genre": source, **origin}]
    for n, digest in enumerate(certificate_hashes, start=1):
        items.append(
            {
                "id": f"{credential_id}#certificate-{n}",
                "type": ["Evidence"],
                "genre": "certificate-uploaded",
                "name": "Certificate PDF uploaded by the learner (not verified by cmepath)",
                "description": f"SHA-256 of the PDF: {digest}. Compare it with the file the "
                "learner shows you; cmepath has not checked the certificate with its issuer.",
            }
        )
    return items


def build_credential(
    *,
    credential_id: str,
    issuer_did: str,
    issuer_name: str,
    issuer_url: str,
    valid_from: datetime,
    title: str,
    description: str,
    provider: str,
    completed_on: str,
    credits: dict[str, float],
    credit_labels: dict[str, str],
    topics: list[str],
    identity_hash: str,
    salt: str,
    source: str,
    status: StatusEntry,
    certificate_hashes: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for one completion (standards 2.8).

    A self-reported claim is marked in ``name``, ``description`` and ``evidence`` and names
    no ``creator``: the provider is only what the learner typed.
    """
    if source not in SOURCES:
        raise BadgeError(f"unknown claim source {source!r}")
    self_reported = source == SOURCE_SELF
    credits_available = max(credits.values()) if credits else 0.0
    credit_text = "; ".join(
        f"{amount:g} {credit_labels.get(code, code)}" for code, amount in sorted(credits.items())
    )
    name = f"{SELF_REPORTED_PREFIX}{title}" if self_reported else title
    if self_reported:
        description = (
            f"Self-reported by the learner; not verified by cmepath. {title}"
            + (f", provider named by the learner: {provider}" if provider else "")
            + "."
        )
    narrative = f"Completed the activity on {completed_on}; credit awarded: {credit_text}."
    if self_reported:
        narrative = f"The learner states: completed on {completed_on}; credit: {credit_text}."
    achievement: dict[str, Any] = {
        "id": f"{credential_id}#achievement",
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": name,
        "description": description or f"Completed {title}.",
        "criteria": {"narrative": narrative},
        "creditsAvailable": float(credits_available),
        "tag": sorted(topics),
    }
    if provider and not self_reported:
        achievement["creator"] = {
            "id": f"{credential_id}#provider",
            "type": ["Profile"],
            "name": provider,
        }
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": issuer_did, "type": ["Profile"], "name": issuer_name, "url": issuer_url},
        "validFrom": utc_text(valid_from),
        "name": name,
        "description": achievement["description"],
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "activityEndDate": f"{completed_on}T00:00:00Z",
            "creditsEarned": float(credits_available),
            "achievement": achievement,
        },
        "evidence": _evidence(credential_id, source, provider, list(certificate_hashes)),
        "credentialStatus": status.as_json(),
    }


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 hashed identity: ``sha256$`` + hex SHA-256 of the email and the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class BadgeCheck:
    valid: bool
    reason: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def claim_source(doc: dict[str, Any]) -> str:
    """The badge's claim source (an ``evidence`` genre), or "" when it names none."""
    for item in as_list(doc.get("evidence")):
        if isinstance(item, dict) and item.get("genre") in SOURCES:
            return str(item["genre"])
    return ""


def _content_problem(doc: dict[str, Any], issuer_did: str) -> str:
    if as_list(doc.get("@context"))[:2] != [VC_CONTEXT, OB_CONTEXT]:
        return "@context does not start with the VC 2.0 and OB 3.0 contexts"
    if doc.get("type") != ["VerifiableCredential", "OpenBadgeCredential"]:
        return "type is not [VerifiableCredential, OpenBadgeCredential]"
    issuer = doc.get("issuer")
    if not isinstance(issuer, dict) or issuer.get("id") != issuer_did:
        return "the issuer is not this platform"
    if not is_datetime(doc.get("validFrom")):
        return "validFrom is not a date-time with a time zone"
    if "validUntil" in doc:
        if not is_datetime(doc["validUntil"]):
            return "validUntil is not a date-time"
        if datetime.fromisoformat(str(doc["validUntil"]).replace("Z", "+00:00")) < datetime.now(
            UTC
        ):
            return "the credential has expired (validUntil)"
    subject = doc.get("credentialSubject")
    if not isinstance(subject, dict) or subject.get("type") != ["AchievementSubject"]:
        return "credentialSubject is not an AchievementSubject"
    achievement = subject.get("achievement")
    if (
        not isinstance(achievement, dict)
        or achievement.get("achievementType") != "CertificateOfCompletion"
    ):
        return "achievementType is not CertificateOfCompletion"
    credits = achievement.get("creditsAvailable")
    if not isinstance(credits, int | float) or isinstance(credits, bool) or credits <= 0:
        return "creditsAvailable must be a positive number"
    if not achievement.get("name"):
        return "the achievement has no name"
    source = claim_source(doc)
    if not source:
        return (
            "the badge does not say where its claim came from (evidence): it was exported "
            "before cmepath marked claim sources; export it again"
        )
    if source == SOURCE_SELF and not (
        str(doc.get("name", "")).startswith(SELF_REPORTED_PREFIX)
        and str(achievement["name"]).startswith(SELF_REPORTED_PREFIX)
    ):
        return "a self-reported badge must say so in its name"
    return ""


def verify(doc: Any, public: Ed25519PublicKey, *, status_list: StatusLookup) -> BadgeCheck:
    """Check proofs, content and revocation status of a credential issued with ``public``.

    Every proof must verify (proofs by did:key keys other than the platform's are checked
    too, anything else cannot be resolved offline and fails) and one must be the platform's.
    ``status_list(url)`` returns the status list credential the badge names, or None.
    """
    if not isinstance(doc, dict):
        return BadgeCheck(False, "the file is not a JSON object")
    if not isinstance(doc.get("proof"), dict | list) or not doc.get("proof"):
        return BadgeCheck(False, "the credential has no proof")
    try:
        checks = verify_proofs(doc, did_key_resolver)
        failed = next((c for c in checks if not c.valid), None)
        if failed is not None:
            return BadgeCheck(False, failed.reason)
        if not any(c.verification_method == verification_method(public) for c in checks):
            return BadgeCheck(False, "the credential was not signed with this platform's key")
        problem = _content_problem(doc, did_key(public))
        if problem:
            return BadgeCheck(False, problem)
        status = status_problem(doc, public, status_list)
    except BadgeInputRejected:
        raise
    except BadgeError as exc:
        return BadgeCheck(False, str(exc))
    subject = doc["credentialSubject"]
    source = claim_source(doc)
    facts = {
        "id": doc.get("id"),
        "name": doc.get("name"),
        "issuer": doc["issuer"].get("name"),
        "validFrom": doc.get("validFrom"),
        "creditsAvailable": subject["achievement"]["creditsAvailable"],
        "completed": subject.get("activityEndDate"),
        "source": source,
        "selfAsserted": source == SOURCE_SELF,
        "status": "revoked" if status == REVOKED else "active",
    }
    if status:
        return BadgeCheck(False, status, facts if status == REVOKED else {})
    return BadgeCheck(True, "", facts)
