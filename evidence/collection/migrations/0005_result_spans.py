"""Check results become spans: a verdict held unchanged from its first run until ``ended_run``.

Every existing row was written by one run, so each becomes a one-run span: its scope is copied
from its unit, and it ends at the next run of its account whose unit of the same scope completed
(done or error). Rows are not merged; later collections simply stop adding unchanged copies.
"""

import django.db.models.deletion
from django.db import migrations, models

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

# On PostgreSQL a trigger refused every UPDATE of a result (evidence 0003). Now exactly one is
# allowed: setting ended_run_id on a current span, with every other column unchanged.
# (``%%``: schema_editor.execute passes the SQL through parameter interpolation.)
END_ONLY = """
CREATE OR REPLACE FUNCTION evidence_checkresult_end_only() RETURNS trigger AS $$
DECLARE
  ended bigint := NEW.ended_run_id;
BEGIN
  IF OLD.ended_run_id IS NULL AND ended IS NOT NULL THEN
    NEW.ended_run_id := NULL;
    IF NEW IS NOT DISTINCT FROM OLD THEN
      NEW.ended_run_id := ended;
      RETURN NEW;
    END IF;
  END IF;
  RAISE EXCEPTION 'stored results are immutable but for ending them once (table %%)',
    TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER evidence_checkresult_immutable BEFORE UPDATE ON evidence_checkresult
FOR EACH ROW EXECUTE FUNCTION evidence_checkresult_end_only();
"""
REFUSE_ALL = """
CREATE TRIGGER evidence_checkresult_immutable BEFORE UPDATE ON evidence_checkresult
FOR EACH ROW EXECUTE FUNCTION evidence_refuse_update();
"""
DROP = "DROP TRIGGER IF EXISTS evidence_checkresult_immutable ON evidence_checkresult;"


def _on_postgres(*statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0004_hardening"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkresult",
            name="service",
            field=models.CharField(default="", max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="checkresult",
            name="unit_region",
            field=models.CharField(default="", max_length=32),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="checkresult",
            name="ended_run",
            field=models.ForeignKey(
                blank=True,
                help_text="The first later run whose unit of the same scope did not reproduce it",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="ended_results",
                to="collection.collectionrun",
            ),
        ),
        migrations.AlterField(
            model_name="checkresult",
            name="collected_at",
            field=models.DateTimeField(help_text="When the first run of the span collected it"),
        ),
        migrations.AddIndex(
            model_name="checkresult",
            index=models.Index(
                condition=models.Q(("ended_run__isnull", True)),
                fields=["account", "service", "unit_region"],
                name="checkresult_current_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="checkresult",
            index=models.Index(fields=["account", "ended_run"], name="checkresult_ended_idx"),
        ),
        migrations.RunPython(_on_postgres(DROP), _on_postgres(DROP, REFUSE_ALL)),
        migrations.RunSQL(SCOPE_SQL, migrations.RunSQL.noop),
        migrations.RunSQL(ENDED_SQL, migrations.RunSQL.noop),
        migrations.RunPython(
            _on_postgres(DROP, END_ONLY),
            _on_postgres(DROP, "DROP FUNCTION IF EXISTS evidence_checkresult_end_only();"),
        ),
    ]
