"""Open Badges 3.0: issue -> verify; where the claim came from; any tampering, a foreign key or
bad content -> rejected; the CLI."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from cmepath.credits import badges, services
from cmepath.credits.models import Certificate
from cmepath.credits.services.badging import badge_status_list
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


def _local_status_list(url):
    return badge_status_list()


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
    # the signed proof configuration includes @context, so the emitted proof must carry it
    assert proof["@context"] == badge["@context"]
    status = badge["credentialStatus"]
    assert status["type"] == "BitstringStatusListEntry"
    assert status["statusPurpose"] == "revocation"
    assert status["statusListCredential"] == "https://cmepath.invalid/api/v1/badges/status"
    assert status["statusListIndex"].isdigit()
    assert status["id"] == f"{status['statusListCredential']}#{status['statusListIndex']}"


def test_issued_badge_verifies(badge):
    result = services.badge_verify(document=badge)
    assert result.valid, result.reason
    assert result.facts["creditsAvailable"] == 3.5
    assert result.facts["status"] == "active"


def test_self_reported_claim_is_marked_and_not_vouched_for(clinician, today):
    # Given the issue's example: a self-reported "Harvard Medical School: ACLS, 999 credits"
    completion = CompletionFactory(
        user=clinician,
        title="ACLS",
        provider="Harvard Medical School",
        completed_on=today,
        credits={"ama_pra_1": 999},
    )
    # When it is exported
    badge = services.badge_issue(actor=clinician, completion=completion)
    # Then the credential itself says it is self-reported and names no provider as creator
    achievement = badge["credentialSubject"]["achievement"]
    assert badge["name"] == "Self-reported: ACLS"
    assert achievement["name"] == "Self-reported: ACLS"
    assert "creator" not in achievement
    assert badge["description"].startswith("Self-reported by the learner; not verified by cmepath.")
    source = badge["evidence"][0]
    assert source["genre"] == "self-reported"
    assert "not verified by cmepath" in source["name"]
    # and a verifier is told so
    result = services.badge_verify(document=badge)
    assert result.valid, result.reason
    assert result.facts["source"] == "self-reported"
    assert result.facts["selfAsserted"] is True
    assert result.facts["name"] == "Self-reported: ACLS"


def test_imported_completion_is_self_reported(clinician, today):
    completion = CompletionFactory(
        user=clinician, completed_on=today, provenance="imported", credits={"ancc": 1}
    )
    badge = services.badge_issue(actor=clinician, completion=completion)
    assert badges.claim_source(badge) == "self-reported"


def test_provider_reported_badge_names_the_provider(provider_activity, clinician, today):
    member, activity = provider_activity
    completion = services.completion_record(
        actor=member,
        user=clinician,
        data={"activity_id": activity.pk, "completed_on": today},
        credits={"ama_pra_1": 2},
    )
    badge = services.badge_issue(actor=clinician, completion=completion)
    assert badge["name"] == "Sepsis bundle"
    assert badge["credentialSubject"]["achievement"]["creator"]["name"] == "Example Provider"
    assert badge["evidence"][0]["genre"] == "provider-reported"
    result = services.badge_verify(document=badge)
    assert result.valid, result.reason
    assert result.facts["source"] == "provider-reported"
    assert result.facts["selfAsserted"] is False


def test_attached_certificate_is_evidence_not_verification(clinician, today):
    completion = CompletionFactory(user=clinician, completed_on=today, credits={"ancc": 2})
    Certificate.objects.create(
        user=clinician,
        completion=completion,
        file="certificates/x.pdf",
        original_name="x.pdf",
        size=10,
        sha256="ab" * 32,
    )
    badge = services.badge_issue(actor=clinician, completion=completion)
    genres = [item["genre"] for item in badge["evidence"]]
    assert genres == ["self-reported", "certificate-uploaded"]
    assert "ab" * 32 in badge["evidence"][1]["description"]
    assert "not verified" in badge["evidence"][1]["name"]


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
    assert len(paths) > 30
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
    no_status = copy.deepcopy(badge)
    del no_status["credentialStatus"]
    assert not services.badge_verify(document=no_status).valid
    no_proof = copy.deepcopy(badge)
    del no_proof["proof"]
    assert services.badge_verify(document=no_proof).reason == "the credential has no proof"


def test_signature_by_another_key_is_rejected(badge):
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
    assert not badges.verify(badge, other.public_key(), status_list=_local_status_list).valid


def test_badge_signed_by_the_platform_without_a_status_is_refused(clinician, today):
    # A badge exported before status lists existed (or built without one) cannot be revoked,
    # so it no longer verifies.
    from cmepath.credits.services.badging import platform_key

    badge = services.badge_issue(
        actor=clinician, completion=CompletionFactory(user=clinician, completed_on=today)
    )
    unsigned = {k: v for k, v in badge.items() if k not in ("proof", "credentialStatus")}
    resigned = badges.sign(unsigned, platform_key(), created=datetime.now(UTC))
    result = services.badge_verify(document=resigned)
    assert not result.valid
    assert "export it again" in result.reason


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


def test_cli_issue_and_verify_badge_exit_codes(tmp_path, badge_key, clinician):
    # The CLI runs in its own process against its own database (the status list lives there).
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cmepath.settings.test",
        "CMEPATH_BADGE_KEY_PATH": str(badge_key),
        "CMEPATH_DATA_DIR": str(tmp_path / "data"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
    }
    cli = [sys.executable, "-m", "cmepath.cli"]

    def run(*args):
        return subprocess.run(
            [*cli, *args], capture_output=True, text=True, env=env, check=False, timeout=300
        )

    assert run("migrate", "-v0").returncode == 0
    good = tmp_path / "good.json"
    setup = (  # a clinician, a completion and its badge in the CLI's database
        "import json\n"
        "from datetime import date\n"
        "from cmepath.accounts.models import User\n"
        "from cmepath.credits import services\n"
        "u = User.objects.create_user(email='cli@example.org', password='x-long-password-1')\n"
        "c = services.completion_record(actor=u, data={'title': 'CLI', "
        "'completed_on': date(2025, 1, 2)}, credits={'ancc': 2})\n"
        f"open({str(good)!r}, 'w').write(json.dumps(services.badge_issue(actor=u, completion=c)))\n"
    )
    made = run("shell", "-v0", "-c", setup)
    assert made.returncode == 0, made.stderr
    ok = run("credits", "verify-badge", str(good))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("valid:")
    bad = json.loads(good.read_text())
    bad["name"] = "Something else"
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(bad))
    ko = run("credits", "verify-badge", str(tampered), "--json")
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
