"""The packet sweeper: every minute, re-send queued builds and fail lost ones."""

import json

from django.db import migrations

NAME = "Re-send queued evidence packets and fail lost builds"
TASK = "evidence.packets.tasks.packet_reap_task"


def forwards(apps, schema_editor):
    interval_schedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = interval_schedule.objects.get_or_create(every=1, period="minutes")
    periodic_task.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "interval": every, "args": json.dumps([])}
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("packets", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
