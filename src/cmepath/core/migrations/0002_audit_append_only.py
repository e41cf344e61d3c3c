"""Make the audit table append-only in the database itself (security-checks row 22)."""

from django.db import migrations

from cmepath.core import audit_guard


def forwards(apps, schema_editor):
    audit_guard.install(schema_editor, schema_editor.connection.vendor)


def backwards(apps, schema_editor):
    audit_guard.uninstall(schema_editor, schema_editor.connection.vendor)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
