"""On PostgreSQL, refuse UPDATE of stored evidence and results at the database level too.

(``%%`` because schema_editor.execute passes the SQL through parameter interpolation.)
"""

from django.db import migrations

TABLES = ("evidence_evidencedocument", "evidence_checkresult")

CREATE = """
CREATE OR REPLACE FUNCTION evidence_refuse_update() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'stored evidence is immutable (table %%)', TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON {table} "
    f"FOR EACH ROW EXECUTE FUNCTION evidence_refuse_update();\n"
    for table in TABLES
)
DROP = "".join(f"DROP TRIGGER IF EXISTS {table}_immutable ON {table};\n" for table in TABLES) + (
    "DROP FUNCTION IF EXISTS evidence_refuse_update();"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("evidence", "0002_evidence_store")]

    operations = [migrations.RunPython(forwards, backwards)]
