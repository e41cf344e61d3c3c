"""Open Badges 3.0 credentials for completions, signed with the platform's Ed25519 key, and
their revocation: the pure badge engine (no Django), in three parts:

- ``integrity``: RFC 8785 (JCS, the ``rfc8785`` package), base58btc (the ``base58`` package),
  Multikey/did:key, the ``eddsa-jcs-2022`` Data Integrity cryptosuite (W3C vc-di-eddsa 1.0:
  proof ``@context`` emitted, prefix contexts, proof sets and chains), the key file, and the
  unauthenticated verifier's input bounds (size, nesting, proofs, proofValue length: beyond
  them ``BadgeInputRejected``, which callers answer with a 4xx);
- ``status``: the W3C Bitstring Status List (``credentialStatus`` entries, the published
  ``BitstringStatusListCredential``, the revocation check);
- ``credential``: the ``OpenBadgeCredential`` of a completion, with its claim source in the
  credential (``evidence``; self-reported claims are marked and not vouched for), and
  ``verify``: proofs, content, then revocation status.

The services (``credits.services.badging``) find the key, keep the status rows and serve the
list; they import the names below from here.

Key handling (``services.badging.platform_key``): the PEM file named by the setting
``CMEPATH_BADGE_KEY_PATH``; when the setting is empty, a key is generated once into
``DATA_DIR/keys/badge-ed25519.pem`` with mode 0600 (dev and test). Production should mount a
managed key and set the path.
"""

from __future__ import annotations

from .credential import (
    OB_CONTEXT,
    SELF_REPORTED_PREFIX,
    SOURCE_PROVIDER,
    SOURCE_SELF,
    SOURCES,
    BadgeCheck,
    build_credential,
    claim_source,
    identity_hash,
    verify,
)
from .integrity import (
    CRYPTOSUITE,
    MAX_BADGE_BYTES,
    MAX_DEPTH,
    MAX_PROOF_VALUE_CHARS,
    MAX_PROOFS,
    VC_CONTEXT,
    BadgeError,
    BadgeInputRejected,
    ProofCheck,
    b58decode,
    b58encode,
    canonical_json,
    check_bounds,
    did_key,
    did_key_resolver,
    hash_data,
    load_or_create_key,
    multikey,
    parse_badge_bytes,
    public_from_multikey,
    sign,
    verification_method,
    verify_proofs,
)
from .status import (
    STATUS_LIST_MIN_BITS,
    STATUS_PURPOSE,
    StatusEntry,
    build_status_list,
    decode_status_list,
    encode_status_list,
    status_list_bits,
    status_list_size,
)

__all__ = [
    "CRYPTOSUITE",
    "MAX_BADGE_BYTES",
    "MAX_DEPTH",
    "MAX_PROOFS",
    "MAX_PROOF_VALUE_CHARS",
    "OB_CONTEXT",
    "SELF_REPORTED_PREFIX",
    "SOURCES",
    "SOURCE_PROVIDER",
    "SOURCE_SELF",
    "STATUS_LIST_MIN_BITS",
    "STATUS_PURPOSE",
    "VC_CONTEXT",
    "BadgeCheck",
    "BadgeError",
    "BadgeInputRejected",
    "ProofCheck",
    "StatusEntry",
    "b58decode",
    "b58encode",
    "build_credential",
    "build_status_list",
    "canonical_json",
    "check_bounds",
    "claim_source",
    "decode_status_list",
    "did_key",
    "did_key_resolver",
    "encode_status_list",
    "hash_data",
    "identity_hash",
    "load_or_create_key",
    "multikey",
    "parse_badge_bytes",
    "public_from_multikey",
    "sign",
    "status_list_bits",
    "status_list_size",
    "verification_method",
    "verify",
    "verify_proofs",
]
