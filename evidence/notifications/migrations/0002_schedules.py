"""Schedule the notification producers: the daily check (evidence due, exceptions and
attestations ending), the digest, and a five-minute sweep for failed runs and ready packets."""

import json

from django.db import migrations

DAILY = ("Notify of evidence due and items expiring", "evidence.notifications.tasks.notification_daily_task")
DIGEST = ("Send daily notification digests", "evidence.notifications.tasks.notification_digest_task")
SWEEP = ("Notify of failed runs and ready packets", "evidence.notifications.tasks.notification_sweep_task")


def forwards(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    for (name, task), hour, minute in ((DAILY, "6", "45"), (DIGEST, "7", "15")):
        schedule, _ = crontab.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*"
        )
        periodic_task.objects.get_or_create(
            name=name, defaults={"task": task, "crontab": schedule, "args": json.dumps([])}
        )
    every, _ = interval.objects.get_or_create(every=5, period="minutes")
    periodic_task.objects.get_or_create(
        name=SWEEP[0], defaults={"task": SWEEP[1], "interval": every, "args": json.dumps([])}
    )


def backwards(apps, schema_editor):
    names = [DAILY[0], DIGEST[0], SWEEP[0]]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
