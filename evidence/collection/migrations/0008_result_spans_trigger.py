"""On PostgreSQL, results may now be updated exactly once: ending a current span."""

from django.db import migrations

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
        ("collection", "0007_result_spans_data"),
    ]

    operations = [
        migrations.RunPython(
            _on_postgres(DROP, END_ONLY),
            _on_postgres(
                DROP, "DROP FUNCTION IF EXISTS evidence_checkresult_end_only();", REFUSE_ALL
            ),
        ),
    ]
