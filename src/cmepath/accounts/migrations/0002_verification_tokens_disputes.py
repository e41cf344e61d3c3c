"""Issue 12: NPI matched once per account, the badge needs an approved proof in the
profile's name, NPI disputes; API tokens get a scope and an expiry, and admins and editors
hold tokens only when allowed.

Existing data: tokens keep what they could do (``write``) and expire 90 days after this
migration; where several accounts matched one NPI the earliest check keeps it and the
others must check again (audited); an approved proof counts for the badge with the
profile's current name only if the name did not change after the approval (from the audit
log); the badge is then granted to matched profiles with such a proof.
"""

from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

NAME_FIELDS = {"first_name", "last_name"}


def _audit(apps, *, action, target_type, target_id, subject_user_id, detail):
    """Append one audit event as the system, on the historical model (hash chain kept)."""
    from cmepath.core.services import GENESIS, _digest, _payload

    audit_event = apps.get_model("core", "AuditEvent")
    last = audit_event.objects.order_by("-id").only("hash").first()
    prev_hash = last.hash if last else GENESIS
    event = audit_event(
        created_at=timezone.now(),
        actor=None,
        actor_label="system",
        action=action,
        target_type=target_type,
        target_id=str(target_id),
        subject_user_id=subject_user_id,
        detail=detail,
        prev_hash=prev_hash,
    )
    event.hash = _digest(prev_hash, _payload(event))
    event.save()


def forwards(apps, schema_editor):
    from cmepath.accounts.nppes import same_name

    now = timezone.now()
    api_token = apps.get_model("accounts", "ApiToken")
    profile_model = apps.get_model("accounts", "Profile")
    proof_model = apps.get_model("accounts", "LicenceProof")
    audit_event = apps.get_model("core", "AuditEvent")

    # tokens made before scopes could write; they now expire, with 90 days' notice
    api_token.objects.filter(expires_at__isnull=True).update(
        scope="write", expires_at=now + timedelta(days=90)
    )

    # one account per matched NPI: the earliest check keeps it
    seen = set()
    for profile in profile_model.objects.filter(npi_status="matched").order_by(
        "npi_checked_at", "id"
    ):
        if profile.npi not in seen:
            seen.add(profile.npi)
            continue
        profile.npi_status = "stale"
        profile.npi_detail = (
            "Another account holds this NPI: check it again, or open a dispute if it is yours."
        )
        profile.save(update_fields=["npi_status", "npi_detail"])
        _audit(
            apps,
            action="npi.withdraw",
            target_type="Profile",
            target_id=profile.pk,
            subject_user_id=profile.user_id,
            detail={"npi": profile.npi, "from": "matched", "cause": "matched by another account"},
        )

    # approved proofs: bound to the current name unless the name changed after the decision
    for proof in proof_model.objects.filter(status="approved").select_related("user__profile"):
        renamed = any(
            NAME_FIELDS & set((event.detail or {}).get("fields", []))
            for event in audit_event.objects.filter(
                action="profile.update",
                subject_user_id=proof.user_id,
                created_at__gte=proof.decided_at or proof.uploaded_at,
            )
        )
        profile = getattr(proof.user, "profile", None)
        if profile is not None and not renamed:
            proof.name_checked = f"{profile.first_name} {profile.last_name}".strip()
            proof.save(update_fields=["name_checked"])

    # the badge: NPI matched and an approved proof of a verified licence in this name
    for profile in profile_model.objects.filter(npi_status="matched"):
        name = f"{profile.first_name} {profile.last_name}".strip()
        names = proof_model.objects.filter(
            user_id=profile.user_id, status="approved", licence__verified=True
        ).values_list("name_checked", flat=True)
        if name and any(same_name(n, name) for n in names):
            profile.verified_at = now
            profile.save(update_fields=["verified_at"])
            _audit(
                apps,
                action="verification.grant",
                target_type="Profile",
                target_id=profile.pk,
                subject_user_id=profile.user_id,
                detail={"cause": "migration", "npi": profile.npi},
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("core", "0002_audit_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name='NpiDispute',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('npi', models.CharField(max_length=10, verbose_name='NPI')),
                ('statement', models.CharField(blank=True, max_length=1000)),
                ('status', models.CharField(choices=[('open', 'Waiting for an administrator'), ('upheld', 'Upheld: the NPI was released to the claimant'), ('dismissed', 'Dismissed')], default='open', max_length=16)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('reason', models.CharField(blank=True, max_length=500)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'ordering': ['created_at'],
            },
        ),
        migrations.AddField(
            model_name='npidispute',
            name='decided_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='npidispute',
            name='holder',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='npidispute',
            name='user',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='npi_disputes', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddConstraint(
            model_name='npidispute',
            constraint=models.UniqueConstraint(condition=models.Q(('status', 'open')), fields=('user', 'npi'), name='npidispute_one_open_per_claim'),
        ),
        migrations.AddField(
            model_name='user',
            name='api_tokens_allowed',
            field=models.BooleanField(default=False, help_text='Admins and editors may hold personal API tokens only when an administrator allows it: a token skips the second factor.', verbose_name='API tokens allowed'),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='scope',
            field=models.CharField(choices=[('read', 'Read only'), ('write', 'Read and write')], default='read', max_length=8),
        ),
        migrations.AddField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(null=True),
        ),
        migrations.AddField(
            model_name='licenceproof',
            name='name_checked',
            field=models.CharField(blank=True, help_text='The profile name the administrator confirmed on the document when approving.', max_length=161),
        ),
        migrations.AddField(
            model_name='profile',
            name='verified_at',
            field=models.DateTimeField(blank=True, help_text='When the badge was granted: NPI matched and a licence proof in this name approved.', null=True),
        ),
        migrations.AlterField(
            model_name='profile',
            name='npi_status',
            field=models.CharField(choices=[('none', 'Not entered'), ('invalid', 'Invalid number'), ('not_found', 'Not found in the NPI Registry'), ('mismatch', 'Registry record does not match the profile'), ('matched', 'NPI matched'), ('stale', 'Name changed since the check: check the NPI again'), ('withdrawn', 'Withdrawn by an administrator after a dispute')], default='none', max_length=16),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name='profile',
            name='admin_verified',
        ),
        migrations.RemoveField(
            model_name='profile',
            name='admin_verified_at',
        ),
        migrations.AlterField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(),
        ),
        migrations.AddConstraint(
            model_name='profile',
            constraint=models.UniqueConstraint(condition=models.Q(('npi_status', 'matched')), fields=('npi',), name='profile_npi_matched_once', violation_error_message='This NPI is already matched to another account.'),
        ),
        migrations.AddConstraint(
            model_name='profile',
            constraint=models.CheckConstraint(condition=models.Q(('verified_at__isnull', True), ('npi_status', 'matched'), _connector='OR'), name='profile_verified_needs_npi_match'),
        ),
    ]
