"""Schedule the catch-up that rolls up a finished run whose rollup message was lost."""

import json

from django.db import migrations

NAME = "Catch up control status rollups"
TASK = "evidence.posture.tasks.control_status_rollup_catch_up_task"


def forwards(apps, schema_editor):
    interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval.objects.get_or_create(every=10, period="minutes")
    periodic_task.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "interval": every, "args": json.dumps([])}
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("posture", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
