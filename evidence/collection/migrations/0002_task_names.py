"""Beat schedules name their task by import path; the tasks moved from evidence.tasks."""

from django.db import migrations

RENAMED = {
    f"evidence.tasks.{name}": f"evidence.collection.tasks.{name}"
    for name in (
        "collection_run_reap_task",
        "collection_scheduled_task",
        "evidence_retention_task",
        "worker_heartbeat_task",
    )
}


def rename(apps, schema_editor, mapping):
    periodic_task = apps.get_model("django_celery_beat", "PeriodicTask")
    for old, new in mapping.items():
        periodic_task.objects.filter(task=old).update(task=new)


class Migration(migrations.Migration):
    dependencies = [("collection", "0001_initial"), ("evidence", "0008_models_move_to_their_apps")]

    operations = [
        migrations.RunPython(
            lambda apps, editor: rename(apps, editor, RENAMED),
            lambda apps, editor: rename(apps, editor, {v: k for k, v in RENAMED.items()}),
        )
    ]
