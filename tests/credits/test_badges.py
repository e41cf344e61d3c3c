"""Open Badges 3.0: issue -> verify; any tampering, a foreign key or bad content -> rejected."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from cmepath.credits import badges, services
from tests.credits.factories import CompletionFactory


@pytest.fixture
def badge(clinician, today):
    completion = CompletionFactory(
        user=clinician,
        title="Opioid safety",
        provider="Example CME",
        completed_on=today,
        credits={"ama_pra_1": 3.5, "abim_moc": 2},
        topics=["opioid_prescribing"],
    )
    return services.badge_issue(actor=clinician, completion=completion)


def test_badge_has_the_open_badges_shape(badge, clinician):
    assert badge["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert badge["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert badge["issuer"]["type"] == ["Profile"] and badge["issuer"]["id"].startswith(
        "did:key:z6Mk"
    )
    subject = badge["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"]
    assert subject["achievement"]["achievementType"] == "CertificateOfCompletion"
    assert subject["achievement"]["creditsAvailable"] == 3.5
    identifier = subject["identifier"][0]
    assert identifier["hashed"] is True and identifier["identityType"] == "emailAddress"
    assert clinician.email not in json.dumps(badge)
    assert identifier["identityHash"] == badges.identity_hash(clinician.email, identifier["salt"])
    proof = badge["proof"]
    assert proof["type"] == "DataIntegrityProof" and proof["cryptosuite"] == "eddsa-jcs-2022"
    assert proof["proofValue"].startswith("z")


def test_issued_badge_verifies(badge):
    result = services.badge_verify(document=badge)
    assert result.valid, result.reason
    assert result.facts["creditsAvailable"] == 3.5


def _paths(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))
    else:
        yield prefix


def _tamper(value):
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    return str(value) + "x"


def test_tampering_with_any_field_is_rejected(badge):
    paths = [p for p in _paths(badge) if p[:2] != ("proof", "proofValue")]
    assert len(paths) > 20
    for path in paths:
        doc = copy.deepcopy(badge)
        node = doc
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = _tamper(node[path[-1]])
        result = services.badge_verify(document=doc)
        assert not result.valid, f"tampering with {path} went unnoticed"


def test_added_or_removed_fields_are_rejected(badge):
    added = copy.deepcopy(badge)
    added["credentialSubject"]["achievement"]["creditsAvailable"] = 99
    assert not services.badge_verify(document=added).valid
    extra = copy.deepcopy(badge)
    extra["validUntil"] = "2999-01-01T00:00:00Z"
    assert not services.badge_verify(document=extra).valid
    removed = copy.deepcopy(badge)
    del removed["name"]
    assert not services.badge_verify(document=removed).valid
    no_proof = copy.deepcopy(badge)
    del no_proof["proof"]
    assert services.badge_verify(document=no_proof).reason == "the credential has no proof"


def test_signature_by_another_key_is_rejected(badge):
    from datetime import UTC, datetime

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    other = Ed25519PrivateKey.generate()
    unsigned = {k: v for k, v in badge.items() if k != "proof"}
    forged = badges.sign(unsigned, other, created=datetime.now(UTC))
    result = services.badge_verify(document=forged)
    assert not result.valid and "this platform's key" in result.reason
    # even when the forger also rewrites the issuer to their own did:key
    forged_issuer = copy.deepcopy(unsigned)
    forged_issuer["issuer"]["id"] = badges.did_key(other.public_key())
    assert not services.badge_verify(
        document=badges.sign(forged_issuer, other, created=datetime.now(UTC))
    ).valid
    # and a valid badge does not verify against another platform's key
    assert not badges.verify(badge, other.public_key()).valid


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"b": 1, "a": [1.0, 2.5, "é", None, True]}, '{"a":[1,2.5,"é",null,true],"b":1}'),
        ({"\u20ac": 1, "\r": 2, "1": 3}, '{"\\r":2,"1":3,"€":1}'),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (0.00001234, "0.00001234"),
        (1e21, "1e+21"),
        (1.5e16, "15000000000000000"),
        (-0.5, "-0.5"),
        (123456789012.5, "123456789012.5"),
    ],
)
def test_canonical_json(value, text):
    assert badges.canonical_json(value) == text


def test_base58_round_trip():
    for data in (b"", b"\x00\x00abc", os.urandom(64)):
        assert badges.b58decode(badges.b58encode(data)) == data


def test_cli_verify_badge_exit_codes(badge, tmp_path, badge_key):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(badge))
    bad = copy.deepcopy(badge)
    bad["name"] = "Something else"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bad))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmepath.settings.test",
        "CMEPATH_BADGE_KEY_PATH": str(badge_key),
    }
    command = [sys.executable, "-m", "cmepath.cli", "credits", "verify-badge"]
    ok = subprocess.run([*command, str(good)], capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("valid:")
    ko = subprocess.run(
        [*command, str(tampered), "--json"], capture_output=True, text=True, env=env, check=False
    )
    assert ko.returncode == 1
    assert json.loads(ko.stdout)["valid"] is False


def test_call_command_verify_and_issue(clinician, tmp_path, today):
    completion = CompletionFactory(user=clinician, completed_on=today, credits={"ancc": 2})
    out = tmp_path / "badge.json"
    call_command("credits", "issue-badge", str(completion.pk), "--out", str(out))
    call_command("credits", "verify-badge", str(out))
    data = json.loads(out.read_text())
    data["credentialSubject"]["achievement"]["creditsAvailable"] = 20.0
    out.write_text(json.dumps(data))
    with pytest.raises(CommandError) as info:
        call_command("credits", "verify-badge", str(out))
    assert info.value.returncode == 1
    not_json = tmp_path / "x.json"
    not_json.write_text("{nope")
    with pytest.raises(CommandError) as info:
        call_command("credits", "verify-badge", str(not_json))
    assert info.value.returncode == 1


def test_key_is_generated_once_with_private_permissions(tmp_path):
    path = tmp_path / "keys" / "k.pem"
    first = badges.load_or_create_key(path, create=True)
    second = badges.load_or_create_key(path, create=True)
    assert (path.stat().st_mode & 0o777) == 0o600
    assert badges.did_key(first.public_key()) == badges.did_key(second.public_key())
    with pytest.raises(badges.BadgeError):
        badges.load_or_create_key(tmp_path / "missing.pem", create=False)
