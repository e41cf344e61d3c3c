"""Career goals from the shipped data file (``core/data/career_goals.yaml``)."""

from django.db import migrations


def seed(apps, schema_editor):  # type: ignore[no-untyped-def]
    from cmepath.planner.goal_rows import goal_row_values

    CareerGoal = apps.get_model("planner", "CareerGoal")
    for position, (key, values) in enumerate(goal_row_values().items()):
        CareerGoal.objects.update_or_create(key=key, defaults={**values, "position": position})


class Migration(migrations.Migration):
    dependencies = [("planner", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
