"""Check results become spans: a verdict held unchanged from its first run until ``ended_run``
(the data is filled by 0007, the database trigger replaced by 0008: Postgres refuses DDL on a table
with pending foreign key checks, so each step is its own transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("collection", "0005_account_environment"),
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
    ]
