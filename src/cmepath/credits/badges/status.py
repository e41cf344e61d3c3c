"""W3C Bitstring Status List v1.0 for badge revocation: the ``credentialStatus`` entry a badge
carries, the status list credential the platform publishes, and the check a verifier makes.

The list is a bitstring of at least 16 KiB (131,072 entries, for herd privacy), bit 0 being
the first byte's most significant bit, GZIP-compressed and written as multibase base64url
(prefix "u", no padding). Pure: no Django.
"""

from __future__ import annotations

import base64
import gzip
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .integrity import (
    VC_CONTEXT,
    BadgeError,
    as_list,
    did_key_resolver,
    utc_text,
    verification_method,
    verify_proofs,
)

STATUS_PURPOSE = "revocation"
STATUS_LIST_MIN_BITS = 131_072  # 16 KiB: the spec's minimum
STATUS_LIST_MAX_BYTES = 4 * 1024 * 1024  # decompression bound (32 M badges)
MAX_STATUS_ENTRIES = 4
REVOKED = "revoked: cmepath revoked this badge because its completion was corrected or deleted"
_INDEX_TEXT = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True, slots=True)
class StatusEntry:
    """Where a badge's revocation bit lives: the status list credential's URL and an index."""

    list_url: str
    index: int

    def as_json(self) -> dict[str, str]:
        return {
            "id": f"{self.list_url}#{self.index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": STATUS_PURPOSE,
            "statusListIndex": str(self.index),
            "statusListCredential": self.list_url,
        }


def status_list_bits(revoked: Iterable[int], *, size_bits: int) -> bytes:
    """The uncompressed bitstring: bit ``i`` (0 = the first byte's most significant bit) set
    for every revoked index."""
    data = bytearray(size_bits // 8)
    for index in revoked:
        data[index // 8] |= 0x80 >> (index % 8)
    return bytes(data)


def status_list_size(highest_index: int | None) -> int:
    """Bits in the list: the minimum, grown in whole minimums to hold ``highest_index``."""
    needed = (highest_index or 0) + 1
    return max(1, -(-needed // STATUS_LIST_MIN_BITS)) * STATUS_LIST_MIN_BITS


def encode_status_list(bits: bytes) -> str:
    """Multibase base64url (no padding, prefix "u") of the GZIP-compressed bitstring."""
    packed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode("ascii")


def decode_status_list(encoded: Any) -> bytes:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise BadgeError("the status list's encodedList is not multibase base64url")
    body = encoded[1:]
    try:
        packed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        bits = inflater.decompress(packed, STATUS_LIST_MAX_BYTES + 1)
    except (ValueError, zlib.error):
        raise BadgeError("the status list's encodedList is not GZIP data") from None
    if len(bits) > STATUS_LIST_MAX_BYTES or inflater.unconsumed_tail:
        raise BadgeError("the status list is larger than this verifier accepts")
    return bits


def build_status_list(
    *, url: str, issuer_did: str, encoded_list: str, valid_from: datetime, ttl_ms: int
) -> dict[str, Any]:
    """The unsigned BitstringStatusListCredential (purpose ``revocation``)."""
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer_did,
        "validFrom": utc_text(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encoded_list,
            "ttl": ttl_ms,
        },
    }


StatusLookup = Callable[[str], dict[str, Any] | None]


def status_problem(doc: dict[str, Any], public: Ed25519PublicKey, lookup: StatusLookup) -> str:
    """Why the badge's revocation status does not clear it: ``REVOKED`` when its bit is set,
    another reason when the status cannot be read, "" when it is not revoked."""
    entries = as_list(doc.get("credentialStatus"))
    revocation = [
        e for e in entries if isinstance(e, dict) and e.get("statusPurpose") == STATUS_PURPOSE
    ]
    if not revocation:
        return (
            "the badge has no revocation status (credentialStatus): it was exported before "
            "cmepath published badge status; export it again"
        )
    if len(revocation) > MAX_STATUS_ENTRIES:
        return "the badge has more revocation status entries than cmepath issues"
    for entry in revocation:
        index, url = entry.get("statusListIndex"), entry.get("statusListCredential")
        if entry.get("type") != "BitstringStatusListEntry":
            return "credentialStatus is not a BitstringStatusListEntry"
        if not isinstance(index, str) or not _INDEX_TEXT.fullmatch(index):
            return "statusListIndex is not a number"
        if not isinstance(url, str) or len(url) > 2048:
            return "statusListCredential is not a URL"
        status_list = lookup(url)
        if status_list is None:
            return "the status list named by the badge is not this platform's"
        checks = verify_proofs(status_list, did_key_resolver)
        if (
            not checks
            or not all(c.valid for c in checks)
            or not any(c.verification_method == verification_method(public) for c in checks)
        ):
            return "the status list is not signed with this platform's key"
        subject = status_list.get("credentialSubject") or {}
        if subject.get("statusPurpose") != STATUS_PURPOSE:
            return "the status list is not a revocation list"
        bits = decode_status_list(subject.get("encodedList"))
        position = int(index)
        if position >= len(bits) * 8:
            return "statusListIndex is outside the status list"
        if bits[position // 8] & (0x80 >> (position % 8)):
            return REVOKED
    return ""
