"""Completions record whether the activity was live (FL, NY, NC pharmacist live-hour minimums)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0005_constraint_messages"),
    ]

    operations = [
        migrations.AddField(
            model_name="completion",
            name="live",
            field=models.BooleanField(
                default=False, verbose_name="live activity (in person or real-time online)"
            ),
        ),
    ]
