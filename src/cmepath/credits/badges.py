"""Open Badges 3.0 credentials for completions, signed with the platform's Ed25519 key.

A completion is exported as an ``OpenBadgeCredential`` (W3C VC 2.0 + 1EdTech OB 3.0
contexts; ``achievementType`` ``CertificateOfCompletion``; ``creditsAvailable``) carrying a
``DataIntegrityProof`` with the ``eddsa-jcs-2022`` cryptosuite:

    proofConfig   = proof options (type, cryptosuite, created, verificationMethod,
                    proofPurpose) plus the document's ``@context``
    hashData      = SHA-256(JCS(proofConfig)) || SHA-256(JCS(document without proof))
    proofValue    = "z" + base58btc(Ed25519-sign(hashData))

The issuer is a ``did:key`` made from the platform's public key, so a verifier needs no
network. ``verify`` also insists that the key is *this platform's* key: a credential re-signed
with another key (and a matching did:key issuer) is rejected as "not issued by this platform".

**JCS limitation.** ``canonical_json`` implements RFC 8785 for the JSON we produce: objects
with string keys (sorted by UTF-16 code units), strings, booleans, null, integers within
+-2**53 and finite floats, formatted like ECMAScript ``Number.prototype.toString`` (positional
for 1e-6 <= |x| < 1e21, else exponent form). NaN, infinities and larger integers are refused;
keys are compared by UTF-16 code units.

Key handling (``platform_key``): the PEM file named by the setting ``CMEPATH_BADGE_KEY_PATH``;
when the setting is empty, a key is generated once into ``DATA_DIR/keys/badge-ed25519.pem``
with mode 0600 (dev and test). Production should mount a managed key and set the path.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CRYPTOSUITE = "eddsa-jcs-2022"
MAX_BADGE_BYTES = 1024 * 1024
_ED25519_MULTICODEC = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {ch: i for i, ch in enumerate(_B58)}


class BadgeError(ValueError):
    """A badge could not be issued or read; the message says why."""


# -- encodings ----------------------------------------------------------------------------------


def b58encode(data: bytes) -> str:
    num = int.from_bytes(data, "big")
    out = []
    while num:
        num, rem = divmod(num, 58)
        out.append(_B58[rem])
    pad = len(data) - len(data.lstrip(b"\x00"))
    return "1" * pad + "".join(reversed(out))


def b58decode(text: str) -> bytes:
    num = 0
    for ch in text:
        if ch not in _B58_INDEX:
            raise BadgeError("proofValue is not base58btc")
        num = num * 58 + _B58_INDEX[ch]
    pad = len(text) - len(text.lstrip("1"))
    body = num.to_bytes((num.bit_length() + 7) // 8, "big") if num else b""
    return b"\x00" * pad + body


def _jcs_number(value: int | float) -> str:
    if isinstance(value, bool):
        raise BadgeError("booleans are not numbers")
    if isinstance(value, int):
        if abs(value) > 2**53:
            raise BadgeError("integer out of the IEEE 754 safe range")
        return str(value)
    if value != value or value in (float("inf"), float("-inf")):
        raise BadgeError("NaN and infinity are not JSON")
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    magnitude = abs(value)
    text = repr(value)
    if 1e-6 <= magnitude < 1e21:
        # ECMAScript writes this range positionally; Python's repr switches to exponents earlier.
        return format(Decimal(text), "f") if "e" in text else text
    # ECMAScript exponent form: "1e-7", "1.5e+21" (no zero padding, explicit "+").
    mantissa, _, exponent = text.partition("e")
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"


def canonical_json(value: Any) -> str:
    """RFC 8785 (JCS) canonical form of ``value`` (see the module docstring for limits)."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int | float):
        return _jcs_number(value)
    if isinstance(value, str):
        if re.search("[\ud800-\udfff]", value):
            raise BadgeError("lone surrogates cannot be canonicalised")
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ",".join(canonical_json(v) for v in value) + "]"
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise BadgeError("object keys must be strings")
        keys = sorted(value, key=lambda k: k.encode("utf-16-be"))
        return (
            "{"
            + ",".join(
                json.dumps(k, ensure_ascii=False) + ":" + canonical_json(value[k]) for k in keys
            )
            + "}"
        )
    raise BadgeError(f"cannot canonicalise {type(value).__name__}")


# -- keys ---------------------------------------------------------------------------------------


def load_or_create_key(path: Path, *, create: bool) -> Ed25519PrivateKey:
    """Read the PEM key at ``path``; with ``create`` make it (mode 0600) if it is missing."""
    if not path.exists():
        if not create:
            raise BadgeError(f"the badge signing key {path} does not exist")
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return load_or_create_key(path, create=False)  # another process won the race
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
        return key
    loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(loaded, Ed25519PrivateKey):
        raise BadgeError(f"{path} is not an Ed25519 private key")
    return loaded


def did_key(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "did:key:z" + b58encode(_ED25519_MULTICODEC + raw)


def public_from_did(did: str) -> Ed25519PublicKey:
    if not did.startswith("did:key:z"):
        raise BadgeError("the verification method is not a did:key")
    raw = b58decode(did[len("did:key:z") :].split("#", 1)[0])
    if not raw.startswith(_ED25519_MULTICODEC) or len(raw) != 34:
        raise BadgeError("the did:key is not an Ed25519 key")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


# -- issue and verify ---------------------------------------------------------------------------


def _hash_data(document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    return (
        hashlib.sha256(canonical_json(proof_config).encode()).digest()
        + hashlib.sha256(canonical_json(document).encode()).digest()
    )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def sign(document: dict[str, Any], key: Ed25519PrivateKey, *, created: datetime) -> dict[str, Any]:
    """Return ``document`` with an eddsa-jcs-2022 DataIntegrityProof added."""
    did = did_key(key.public_key())
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    proof: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": _utc(created),
        "verificationMethod": f"{did}#{did[len('did:key:') :]}",
        "proofPurpose": "assertionMethod",
    }
    signature = key.sign(_hash_data(unsecured, {**proof, "@context": unsecured["@context"]}))
    return {**unsecured, "proof": {**proof, "proofValue": "z" + b58encode(signature)}}


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
) -> dict[str, Any]:
    """The unsigned OpenBadgeCredential for one completion (standards 2.8)."""
    credits_available = max(credits.values()) if credits else 0.0
    credit_text = "; ".join(
        f"{amount:g} {credit_labels.get(code, code)}" for code, amount in sorted(credits.items())
    )
    achievement: dict[str, Any] = {
        "id": f"{credential_id}#achievement",
        "type": ["Achievement"],
        "achievementType": "CertificateOfCompletion",
        "name": title,
        "description": description or f"Completed {title}.",
        "criteria": {
            "narrative": f"Completed the activity on {completed_on}; credit awarded: {credit_text}."
        },
        "creditsAvailable": float(credits_available),
        "tag": sorted(topics),
    }
    if provider:
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
        "validFrom": _utc(valid_from),
        "name": title,
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
    }


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 hashed identity: ``sha256$`` + hex SHA-256 of the email and the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class BadgeCheck:
    valid: bool
    reason: str = ""
    facts: dict[str, Any] = field(default_factory=dict)


def _content_problem(doc: dict[str, Any], issuer_did: str) -> str:
    if doc.get("@context") != [VC_CONTEXT, OB_CONTEXT]:
        return "@context is not the VC 2.0 and OB 3.0 contexts"
    if doc.get("type") != ["VerifiableCredential", "OpenBadgeCredential"]:
        return "type is not [VerifiableCredential, OpenBadgeCredential]"
    issuer = doc.get("issuer")
    if not isinstance(issuer, dict) or issuer.get("id") != issuer_did:
        return "the issuer is not this platform"
    try:
        valid_from = datetime.fromisoformat(str(doc.get("validFrom", "")).replace("Z", "+00:00"))
    except ValueError:
        return "validFrom is not a date-time"
    if valid_from.tzinfo is None:
        return "validFrom has no time zone"
    if "validUntil" in doc:
        try:
            until = datetime.fromisoformat(str(doc["validUntil"]).replace("Z", "+00:00"))
        except ValueError:
            return "validUntil is not a date-time"
        if until < datetime.now(UTC):
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
    return ""


def verify(doc: Any, public: Ed25519PublicKey) -> BadgeCheck:
    """Check signature and content of a credential against the platform's public key."""
    if not isinstance(doc, dict):
        return BadgeCheck(False, "the file is not a JSON object")
    proof = doc.get("proof")
    if not isinstance(proof, dict):
        return BadgeCheck(False, "the credential has no proof")
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return BadgeCheck(False, f"the proof is not a DataIntegrityProof with {CRYPTOSUITE}")
    if proof.get("proofPurpose") != "assertionMethod":
        return BadgeCheck(False, "the proof purpose is not assertionMethod")
    did = did_key(public)
    expected_vm = f"{did}#{did[len('did:key:') :]}"
    if proof.get("verificationMethod") != expected_vm:
        return BadgeCheck(False, "the credential was not signed with this platform's key")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return BadgeCheck(False, "proofValue is not multibase base58btc")
    try:
        signature = b58decode(value[1:])
        unsecured = {k: v for k, v in doc.items() if k != "proof"}
        config = {k: v for k, v in proof.items() if k != "proofValue"}
        if "@context" in config and config["@context"] != unsecured.get("@context"):
            return BadgeCheck(False, "the proof's @context differs from the credential's")
        config["@context"] = unsecured.get("@context")
        public.verify(signature, _hash_data(unsecured, config))
    except InvalidSignature:
        return BadgeCheck(
            False, "the signature does not match: the credential was altered or forged"
        )
    except BadgeError as exc:
        return BadgeCheck(False, str(exc))
    problem = _content_problem(doc, did)
    if problem:
        return BadgeCheck(False, problem)
    subject = doc["credentialSubject"]
    return BadgeCheck(
        True,
        "",
        {
            "id": doc.get("id"),
            "name": doc.get("name"),
            "issuer": doc["issuer"].get("name"),
            "validFrom": doc.get("validFrom"),
            "creditsAvailable": subject["achievement"]["creditsAvailable"],
            "completed": subject.get("activityEndDate"),
        },
    )


def parse_badge_bytes(data: bytes) -> Any:
    if len(data) > MAX_BADGE_BYTES:
        raise BadgeError("the file is larger than 1 MiB; a badge is a few kilobytes")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadgeError(f"the file is not valid JSON ({exc})") from None
