from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    """Migration history only.

    Before the split into collection, posture and packets, every model lived in this app. Its
    migrations still create the tables (the new apps keep the table names), so a database
    created by any earlier version migrates forward; no model lives here any more.
    """

    name = "evidence"
    verbose_name = "Evidence (schema history)"
