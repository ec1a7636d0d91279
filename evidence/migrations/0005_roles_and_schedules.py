"""Role groups and the housekeeping schedules (editable afterwards in the admin)."""

import json

from django.db import migrations

ROLES = ("Administrator", "Compliance manager", "Auditor")
SCHEDULES = [
    # name, task, minutes between runs
    ("Reap collection runs whose worker vanished", "evidence.tasks.collection_run_reap_task", 10),
    ("Apply evidence retention", "evidence.tasks.evidence_retention_task", 24 * 60),
    ("Worker heartbeat", "evidence.tasks.worker_heartbeat_task", 5),
]


def forwards(apps, schema_editor):
    group = apps.get_model("auth", "Group")
    interval_schedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    for name in ROLES:
        group.objects.get_or_create(name=name)
    for name, task, minutes in SCHEDULES:
        every, _ = interval_schedule.objects.get_or_create(every=minutes, period="minutes")
        periodic_task.objects.get_or_create(
            name=name, defaults={"task": task, "interval": every, "args": json.dumps([])}
        )


def backwards(apps, schema_editor):
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    periodic_task.objects.filter(name__in=[name for name, _, _ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0004_api_keys_and_packets"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
