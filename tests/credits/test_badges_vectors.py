"""Interoperability: RFC 8785 Appendix B numbers, the W3C vc-di-eddsa eddsa-jcs-2022 test
vectors (committed under tests/credits/data with their sources), a strict independent
verifier, proof @context prefixes, proof sets and chains."""

from __future__ import annotations

import copy
import hashlib
import json
import struct
from datetime import UTC, datetime
from pathlib import Path

import pytest
import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from cmepath.credits import badges, services
from cmepath.credits.services.badging import platform_key
from tests.credits.factories import CompletionFactory

DATA = Path(__file__).parent / "data"
APPENDIX_B = json.loads((DATA / "rfc8785_appendix_b.json").read_text())["vectors"]
W3C = json.loads((DATA / "vc_di_eddsa_jcs_2022.json").read_text())
CREATED = datetime(2023, 2, 24, 23, 36, 38, tzinfo=UTC)


def _double(ieee_hex: str) -> float:
    return struct.unpack(">d", bytes.fromhex(ieee_hex))[0]


@pytest.mark.parametrize("vector", APPENDIX_B, ids=[v["ieee754"] for v in APPENDIX_B])
def test_rfc8785_appendix_b_numbers(vector):
    value = _double(vector["ieee754"])
    if vector["expected"] is None:
        with pytest.raises(badges.BadgeError):
            badges.canonical_json(value)
    else:
        assert badges.canonical_json(value) == vector["expected"]
        assert badges.canonical_json([value]) == f"[{vector['expected']}]"


def _vector_key() -> Ed25519PrivateKey:
    raw = badges.b58decode(W3C["keyPair"]["privateKeyMultibase"][1:])
    assert raw[:2] == b"\x80\x26"  # multicodec ed25519-priv
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def test_w3c_vector_key_pair_is_consistent():
    key = _vector_key()
    assert badges.multikey(key.public_key()) == W3C["keyPair"]["publicKeyMultibase"]


def test_w3c_vector_canonical_forms_and_hashes():
    unsecured = W3C["unsecuredCredential"]
    published = W3C["published"]
    assert badges.canonical_json(unsecured) == W3C["canonicalCredential"]
    assert badges.canonical_json(published["proofOptions"]) == published["canonicalProofConfig"]
    assert (
        hashlib.sha256(W3C["canonicalCredential"].encode()).hexdigest()
        == (W3C["credentialHashHex"])
    )
    combined = badges.hash_data(unsecured, published["proofOptions"])
    assert combined.hex() == published["combinedHashHex"]
    assert combined[:32].hex() == published["proofConfigHashHex"]


def test_signing_the_w3c_vector_reproduces_its_proof():
    # Given the vector's key, credential and options (did:key verification method)
    published = W3C["published"]
    # When cmepath signs the credential
    signed = badges.sign(W3C["unsecuredCredential"], _vector_key(), created=CREATED)
    # Then the proof is the published one, @context included, byte for byte
    assert signed["proof"] == {**published["proofOptions"], "proofValue": published["proofValue"]}
    assert badges.b58decode(published["proofValue"][1:]).hex() == published["signatureHex"]


def test_credentials_signed_by_the_w3c_vector_key_verify():
    # The published vector (did:key, resolved offline) ...
    published = {
        **W3C["unsecuredCredential"],
        "proof": {**W3C["published"]["proofOptions"], "proofValue": W3C["published"]["proofValue"]},
    }
    checks = badges.verify_proofs(published, badges.did_key_resolver)
    assert [c.valid for c in checks] == [True], checks
    # ... and the repository's earlier revision, whose https verification method a verifier
    # resolves to the same key
    revision = W3C["repository_revision"]["signedCredential"]
    method = revision["proof"]["verificationMethod"]
    public = _vector_key().public_key()
    checks = badges.verify_proofs(revision, {method: public}.get)
    assert [c.valid for c in checks] == [True], checks
    assert (
        badges.b58decode(revision["proof"]["proofValue"][1:]).hex()
        == (W3C["repository_revision"]["signatureHex"])
    )
    # any change breaks it
    altered = copy.deepcopy(published)
    altered["credentialSubject"]["alumniOf"] = "Another School"
    assert not badges.verify_proofs(altered, badges.did_key_resolver)[0].valid


def _strict_verify(document: dict) -> bool:
    """An independent eddsa-jcs-2022 verifier, written from the spec for this test: the proof
    configuration is the emitted proof minus proofValue, taken literally; JCS from the
    rfc8785 package, base58btc decoded here, Ed25519 from cryptography."""
    alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    proof = dict(document["proof"])
    value = proof.pop("proofValue")
    number = 0
    for ch in value[1:]:
        number = number * 58 + alphabet.index(ch)
    signature = number.to_bytes(64, "big")
    method = proof["verificationMethod"].split("#")[0][len("did:key:") :]
    number = 0
    for ch in method[1:]:
        number = number * 58 + alphabet.index(ch)
    public = Ed25519PublicKey.from_public_bytes(number.to_bytes(34, "big")[2:])
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    data = (
        hashlib.sha256(rfc8785.dumps(proof)).digest()
        + hashlib.sha256(rfc8785.dumps(unsecured)).digest()
    )
    try:
        public.verify(signature, data)
    except InvalidSignature:
        return False
    return True


def test_an_independent_verifier_accepts_cmepath_badges(clinician, today):
    completion = CompletionFactory(
        user=clinician, completed_on=today, credits={"ama_pra_1": 1.25, "abim_moc": 2}
    )
    badge = services.badge_issue(actor=clinician, completion=completion)
    assert _strict_verify(badge)
    assert _strict_verify(
        {
            **W3C["unsecuredCredential"],
            "proof": {
                **W3C["published"]["proofOptions"],
                "proofValue": W3C["published"]["proofValue"],
            },
        }
    )
    tampered = copy.deepcopy(badge)
    tampered["credentialSubject"]["creditsEarned"] = 2.5
    assert not _strict_verify(tampered)


@pytest.fixture
def badge(clinician, today):
    completion = CompletionFactory(user=clinician, completed_on=today, credits={"ancc": 2})
    return services.badge_issue(actor=clinician, completion=completion)


def test_a_proof_context_that_is_a_prefix_of_the_documents_is_accepted(badge):
    # A holder may add a context after signing; the proof's @context names what was signed.
    extended = copy.deepcopy(badge)
    extended["@context"] = [*badge["@context"], "https://example.org/extra/v1"]
    result = services.badge_verify(document=extended)
    assert result.valid, result.reason
    # a proof @context that is not a prefix is refused
    reordered = copy.deepcopy(badge)
    reordered["@context"] = list(reversed(badge["@context"]))
    result = services.badge_verify(document=reordered)
    assert not result.valid and "prefix" in result.reason
    # the W3C vector: proof @context [v2] against a document with two contexts fails the
    # signature (the document is hashed with the proof's context), not the prefix rule
    vector = {
        **W3C["unsecuredCredential"],
        "proof": {**W3C["published"]["proofOptions"], "proofValue": W3C["published"]["proofValue"]},
    }
    vector["proof"]["@context"] = vector["@context"][:1]
    check = badges.verify_proofs(vector, badges.did_key_resolver)[0]
    assert not check.valid and "does not match" in check.reason


def test_a_proof_without_context_takes_the_documents():
    # Spec: absent a proof @context, the proof configuration gets the document's.
    vector = {
        **W3C["unsecuredCredential"],
        "proof": {**W3C["published"]["proofOptions"], "proofValue": W3C["published"]["proofValue"]},
    }
    del vector["proof"]["@context"]
    assert badges.verify_proofs(vector, badges.did_key_resolver)[0].valid


def test_proof_sets_verify_every_proof(badge):
    # Given a cmepath badge that a second party (the vector key) also signs: a proof set
    cosigned = badges.sign(badge, _vector_key(), created=CREATED)
    assert isinstance(cosigned["proof"], list) and len(cosigned["proof"]) == 2
    result = services.badge_verify(document=cosigned)
    assert result.valid, result.reason
    # a broken second proof fails the whole set
    broken = copy.deepcopy(cosigned)
    broken["proof"][1]["created"] = "2024-01-01T00:00:00Z"
    assert not services.badge_verify(document=broken).valid
    # a set without the platform's proof is not the platform's badge
    foreign = copy.deepcopy(cosigned)
    foreign["proof"] = [cosigned["proof"][1]]
    foreign_result = services.badge_verify(document=foreign)
    assert not foreign_result.valid and "this platform's key" in foreign_result.reason


def test_proof_chains_sign_the_previous_proof(clinician, today):
    completion = CompletionFactory(user=clinician, completed_on=today, credits={"ancc": 1})
    badge = services.badge_issue(actor=clinician, completion=completion)
    unsigned = {k: v for k, v in badge.items() if k != "proof"}
    first = badges.sign(unsigned, platform_key(), created=CREATED, proof_id="urn:uuid:proof-1")
    chained = badges.sign(
        first,
        _vector_key(),
        created=CREATED,
        proof_id="urn:uuid:proof-2",
        previous_proof="urn:uuid:proof-1",
    )
    assert services.badge_verify(document=chained).valid
    # the chained proof covers the first: altering the first breaks both
    altered = copy.deepcopy(chained)
    altered["proof"][0]["created"] = "2024-01-01T00:00:00Z"
    assert not services.badge_verify(document=altered).valid
    dangling = copy.deepcopy(chained)
    dangling["proof"][1]["previousProof"] = "urn:uuid:missing"
    result = services.badge_verify(document=dangling)
    assert not result.valid and "previousProof" in result.reason
