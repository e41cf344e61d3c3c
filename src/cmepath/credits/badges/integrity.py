"""Data Integrity for the badges: RFC 8785 (JCS), base58btc, Ed25519 keys as Multikey and
did:key, and the ``eddsa-jcs-2022`` cryptosuite (W3C vc-di-eddsa 1.0), with the verifier's
input bounds. Pure: no Django.

Signing: the proof options (type, cryptosuite, created, verificationMethod, proofPurpose and
the document's ``@context``) are the proof configuration; hashData = SHA-256(JCS(proof
configuration)) || SHA-256(JCS(document without proof)); proofValue = "z" +
base58btc(Ed25519-sign(hashData)). The emitted proof carries every option, ``@context``
included, so any conforming verifier hashes the same bytes.

Verifying follows the spec: a proof ``@context`` must be a prefix of the document's (the
document is then hashed with the proof's), a proof without one takes the document's, ``proof``
may be a set (a list: every proof must verify) and a proof may chain to another with
``previousProof`` (the named proofs are then part of what it signs).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import base58
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
CRYPTOSUITE = "eddsa-jcs-2022"
# Bounds of the unauthenticated verifier, checked before any parsing or decoding.
MAX_BADGE_BYTES = 64 * 1024  # a badge is 2-4 KB
MAX_DEPTH = 32  # a badge nests 5 deep
MAX_PROOFS = 8
MAX_PROOF_VALUE_CHARS = 100  # "z" + base58btc of a 64-byte Ed25519 signature is <= 89
MAX_DID_KEY_CHARS = 128
_ED25519_MULTICODEC = b"\xed\x01"
_B58_TEXT = re.compile(r"[1-9A-HJ-NP-Za-km-z]+")
_SAFE_INT = 2**53 - 1


class BadgeError(ValueError):
    """A badge could not be issued or read; the message says why."""


class BadgeInputRejected(BadgeError):
    """The input is beyond the verifier's bounds (size, nesting, proofs): answer 4xx."""

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


# -- encodings ----------------------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    """RFC 8785 (JCS) canonical form of ``value``."""
    try:
        return rfc8785.dumps(value).decode("utf-8")
    except rfc8785.CanonicalizationError as exc:
        raise BadgeError(f"the JSON cannot be canonicalised (RFC 8785): {exc}") from None
    except RecursionError:
        raise BadgeInputRejected("the JSON is nested too deeply", code="badge_too_deep") from None


def b58encode(data: bytes) -> str:
    return base58.b58encode(data).decode("ascii")


def b58decode(text: str, *, max_chars: int = MAX_PROOF_VALUE_CHARS) -> bytes:
    """base58btc decoding, bounded: the library's decoding is quadratic in the length."""
    if len(text) > max_chars:
        raise BadgeInputRejected(
            f"a base58 value is longer than {max_chars} characters", code="proof_value_too_long"
        )
    if text and not _B58_TEXT.fullmatch(text):
        raise BadgeError("the value is not base58btc")
    return base58.b58decode(text) if text else b""


def _ints_as_numbers(text: str) -> int | float:
    # JSON numbers are IEEE 754 doubles (I-JSON, RFC 8785): beyond 2**53 keep them as one.
    if len(text) > 16:
        return float(text)
    value = int(text)
    return value if abs(value) <= _SAFE_INT else float(value)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # I-JSON: a repeated key is read differently by different parsers; refuse it.
    document = dict(pairs)
    if len(document) != len(pairs):
        raise ValueError("an object repeats a key")
    return document


def _check_depth(text: str) -> None:
    depth = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise BadgeInputRejected(
                    f"the JSON is nested more than {MAX_DEPTH} levels deep; a badge nests about 5",
                    code="badge_too_deep",
                )
        elif ch in "]}":
            depth -= 1


def parse_badge_bytes(data: bytes) -> Any:
    """Parse a badge file, bounded in size and nesting before any parsing."""
    if len(data) > MAX_BADGE_BYTES:
        raise BadgeInputRejected(
            f"the file is larger than {MAX_BADGE_BYTES // 1024} KiB; a badge is a few kilobytes",
            code="badge_too_large",
        )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise BadgeError("the file is not UTF-8 text") from None
    _check_depth(text)
    try:
        document = json.loads(
            text,
            parse_int=_ints_as_numbers,
            parse_constant=_refuse_constant,
            object_pairs_hook=_unique_keys,
        )
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise BadgeError(f"the file is not valid JSON ({exc})") from None
    check_bounds(document)
    return document


def check_bounds(document: Any) -> None:
    """Refuse proof sets and proof values beyond the verifier's bounds (before any decoding)."""
    if not isinstance(document, dict):
        return
    proofs = document.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs]
    if len(proofs) > MAX_PROOFS:
        raise BadgeInputRejected(
            f"the credential has {len(proofs)} proofs; at most {MAX_PROOFS} are checked",
            code="too_many_proofs",
        )
    for proof in proofs:
        value = proof.get("proofValue") if isinstance(proof, dict) else None
        if isinstance(value, str) and len(value) > MAX_PROOF_VALUE_CHARS:
            raise BadgeInputRejected(
                f"proofValue has {len(value)} characters; an Ed25519 signature has at most "
                f"{MAX_PROOF_VALUE_CHARS}",
                code="proof_value_too_long",
            )


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


def multikey(public: Ed25519PublicKey) -> str:
    """The Multikey ``publicKeyMultibase`` of an Ed25519 key: "z" + base58btc(0xed01 || key)."""
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return "z" + b58encode(_ED25519_MULTICODEC + raw)


def public_from_multikey(text: str) -> Ed25519PublicKey:
    if not text.startswith("z"):
        raise BadgeError("the key is not multibase base58btc")
    raw = b58decode(text[1:], max_chars=MAX_DID_KEY_CHARS)
    if not raw.startswith(_ED25519_MULTICODEC) or len(raw) != 34:
        raise BadgeError("the key is not an Ed25519 Multikey")
    return Ed25519PublicKey.from_public_bytes(raw[2:])


def did_key(public: Ed25519PublicKey) -> str:
    return "did:key:" + multikey(public)


def verification_method(public: Ed25519PublicKey) -> str:
    key = multikey(public)
    return f"did:key:{key}#{key}"


def did_key_resolver(method: str) -> Ed25519PublicKey | None:
    """The key of a ``did:key:z..#z..`` verification method (offline); None for anything else."""
    did, _, fragment = method.partition("#")
    if not did.startswith("did:key:z") or len(did) > MAX_DID_KEY_CHARS:
        return None
    key = did[len("did:key:") :]
    if fragment and fragment != key:
        return None
    return public_from_multikey(key)


# -- Data Integrity: eddsa-jcs-2022 ---------------------------------------------------------------


def utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def as_list(value: Any) -> list[Any]:
    """A JSON value that may be one item or a list of them (``@context``, ``proof``), as a list."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def hash_data(document: dict[str, Any], proof_config: dict[str, Any]) -> bytes:
    """SHA-256(JCS(proof configuration)) || SHA-256(JCS(unsecured document))."""
    return (
        hashlib.sha256(canonical_json(proof_config).encode()).digest()
        + hashlib.sha256(canonical_json(document).encode()).digest()
    )


def sign(
    document: dict[str, Any],
    key: Ed25519PrivateKey,
    *,
    created: datetime,
    proof_id: str | None = None,
    previous_proof: str | None = None,
) -> dict[str, Any]:
    """Return ``document`` with an eddsa-jcs-2022 DataIntegrityProof added.

    A document that already has a proof gets a proof set (a list); ``previous_proof`` names
    the proof this one chains to, which is then signed along with the document.
    """
    existing = as_list(document.get("proof"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    options: dict[str, Any] = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": utc_text(created),
        "verificationMethod": verification_method(key.public_key()),
        "proofPurpose": "assertionMethod",
    }
    if proof_id:
        options["id"] = proof_id
    if previous_proof:
        options["previousProof"] = previous_proof
    if "@context" in unsecured:
        options["@context"] = unsecured["@context"]
    signed_document = _with_previous(unsecured, options, existing)
    signature = key.sign(hash_data(signed_document, options))
    proof = {**options, "proofValue": "z" + b58encode(signature)}
    proofs = [*existing, proof]
    return {**unsecured, "proof": proofs if len(proofs) > 1 else proof}


def _with_previous(
    unsecured: dict[str, Any], options: dict[str, Any], proofs: list[Any]
) -> dict[str, Any]:
    previous = options.get("previousProof")
    if previous is None:
        return unsecured
    wanted = previous if isinstance(previous, list) else [previous]
    by_id = {p.get("id"): p for p in proofs if isinstance(p, dict) and p.get("id")}
    missing = [w for w in wanted if w not in by_id]
    if missing or not wanted:
        raise BadgeError(f"previousProof {missing or wanted} names no proof of this credential")
    matching = [by_id[w] for w in wanted]
    return {**unsecured, "proof": matching[0] if len(matching) == 1 else matching}


@dataclass(frozen=True, slots=True)
class ProofCheck:
    verification_method: str
    valid: bool
    reason: str = ""


Resolver = Callable[[str], Ed25519PublicKey | None]


def _check_proof(
    unsecured: dict[str, Any], proof: Any, proofs: list[Any], resolve: Resolver
) -> ProofCheck:
    if not isinstance(proof, dict):
        return ProofCheck("", False, "a proof is not a JSON object")
    method = proof.get("verificationMethod")
    method = method if isinstance(method, str) else ""
    if proof.get("type") != "DataIntegrityProof" or proof.get("cryptosuite") != CRYPTOSUITE:
        return ProofCheck(method, False, f"a proof is not a DataIntegrityProof with {CRYPTOSUITE}")
    value = proof.get("proofValue")
    if not isinstance(value, str) or not value.startswith("z"):
        return ProofCheck(method, False, "proofValue is not multibase base58btc")
    signature = b58decode(value[1:])
    if len(signature) != 64:
        return ProofCheck(method, False, "proofValue is not an Ed25519 signature")
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    created = options.get("created")
    if created is not None and not is_datetime(created):
        return ProofCheck(method, False, "the proof's created is not a date-time")
    document = _with_previous(unsecured, options, proofs)
    if "@context" in options:
        prefix = as_list(options["@context"])
        if not prefix or as_list(document.get("@context"))[: len(prefix)] != prefix:
            return ProofCheck(
                method, False, "the proof's @context is not a prefix of the credential's"
            )
        document = {**document, "@context": options["@context"]}
    elif "@context" in document:
        options["@context"] = document["@context"]
    public = resolve(method)
    if public is None:
        return ProofCheck(
            method, False, f"cannot resolve the verification method {method[:80]!r} offline"
        )
    try:
        public.verify(signature, hash_data(document, options))
    except InvalidSignature:
        return ProofCheck(
            method, False, "the signature does not match: the credential was altered or forged"
        )
    return ProofCheck(method, True)


def verify_proofs(document: dict[str, Any], resolve: Resolver) -> list[ProofCheck]:
    """Check every eddsa-jcs-2022 proof of ``document`` (a proof, a set or a chain)."""
    check_bounds(document)
    proofs = as_list(document.get("proof"))
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    return [_check_proof(unsecured, proof, proofs, resolve) for proof in proofs]


def is_datetime(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return False
    return moment.tzinfo is not None
