"""Schedule the daily evidence reminder (requests due soon and overdue, per owner)."""

import json

from django.db import migrations

NAME = "Remind owners of evidence requests due soon or overdue"
TASK = "evidence.manual.tasks.evidence_reminders_send_task"


def forwards(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    daily, _ = crontab.objects.get_or_create(
        minute="0", hour="7", day_of_week="*", day_of_month="*", month_of_year="*"
    )
    periodic_task.objects.get_or_create(
        name=NAME, defaults={"task": TASK, "crontab": daily, "args": json.dumps([])}
    )


def backwards(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("manual", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
