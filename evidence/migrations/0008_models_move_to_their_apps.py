"""Every model of this app moved to the app that owns it; the tables stay where they are.

State only: collection, posture, packets and access declare the same models on the same tables
(their 0001 migrations). Content types follow the models, so admin history and permissions
keep pointing at the right rows.
"""

from django.db import migrations

MOVED = {
    "access": ["apikey"],
    "collection": [
        "auditperiod",
        "awsaccount",
        "checkresult",
        "collectionrun",
        "collectionunit",
        "evidencedocument",
        "resource",
        "workerheartbeat",
    ],
    "posture": ["controlstatusdaily", "controlstatusevent", "posturedaily"],
    "packets": ["evidencepacket"],
}


def content_types_forward(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for label, models in MOVED.items():
        content_type.objects.filter(app_label="evidence", model__in=models).update(app_label=label)


def content_types_backward(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    for label, models in MOVED.items():
        content_type.objects.filter(app_label=label, model__in=models).update(app_label="evidence")


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0007_encrypt_external_id"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("access", "0001_initial"),
        ("collection", "0001_initial"),
        ("posture", "0001_initial"),
        ("packets", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name=name)
                for name in (
                    "CheckResult",
                    "ControlStatusDaily",
                    "ControlStatusEvent",
                    "PostureDaily",
                    "EvidencePacket",
                    "CollectionUnit",
                    "Resource",
                    "CollectionRun",
                    "ApiKey",
                    "AuditPeriod",
                    "EvidenceDocument",
                    "WorkerHeartbeat",
                    "AwsAccount",
                )
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
