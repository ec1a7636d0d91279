"""Every existing result was written by one run, so each becomes a one-run span: its scope is
copied from its unit, and it ends at the next run of its account whose unit of the same scope
completed (done or error). Rows are not merged; later collections stop adding unchanged copies.

On PostgreSQL the trigger that refuses updates of results (evidence 0003) is dropped first; 0008
installs the one that allows ending a span once.
"""

from django.db import migrations

SCOPE_SQL = """
UPDATE evidence_checkresult SET
    service = (SELECT u.service FROM evidence_collectionunit u
               WHERE u.id = evidence_checkresult.unit_id),
    unit_region = (SELECT u.region FROM evidence_collectionunit u
                   WHERE u.id = evidence_checkresult.unit_id)
"""

ENDED_SQL = """
UPDATE evidence_checkresult SET ended_run_id = (
    SELECT MIN(u.run_id) FROM evidence_collectionunit u
    JOIN evidence_collectionrun r ON r.id = u.run_id
    WHERE r.account_id = evidence_checkresult.account_id
      AND u.run_id > evidence_checkresult.run_id
      AND u.service = evidence_checkresult.service
      AND u.region = evidence_checkresult.unit_region
      AND u.status IN ('done', 'error')
)
"""

DROP = "DROP TRIGGER IF EXISTS evidence_checkresult_immutable ON evidence_checkresult;"


def _trigger_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0006_result_spans"),
    ]

    operations = [
        migrations.RunPython(_trigger_drop, migrations.RunPython.noop),
        migrations.RunSQL(SCOPE_SQL, migrations.RunSQL.noop),
        migrations.RunSQL(ENDED_SQL, migrations.RunSQL.noop),
    ]
