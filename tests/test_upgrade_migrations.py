"""A database created before the split into apps migrates forward with nothing lost.

The rows are written with the models as they were (evidence 0007, the last migration on the
old main), then every app migrates to its newest migration and the same rows are read through
the new apps' models.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

OLD_STATE = [("evidence", "0007_encrypt_external_id"), ("catalog", "0001_initial")]
MOVED = {
    "AwsAccount": "collection",
    "CollectionRun": "collection",
    "CollectionUnit": "collection",
    "EvidenceDocument": "collection",
    "Resource": "collection",
    "CheckResult": "collection",
    "AuditPeriod": "collection",
    "ControlStatusDaily": "posture",
    "ControlStatusEvent": "posture",
    "PostureDaily": "posture",
    "EvidencePacket": "packets",
    "ApiKey": "access",
}


def newest_migrations() -> list[tuple[str, str]]:
    return sorted(MigrationLoader(connection).graph.leaf_nodes())


def _old_rows(apps) -> None:
    model = apps.get_model
    user = model("auth", "User").objects.create(username="upgrader")
    framework = model("catalog", "Framework").objects.create(
        slug="soc2-2017", name="SOC 2", version="2017", kind="soc2"
    )
    control = model("catalog", "Control").objects.create(
        ref="IAM-01", name="MFA", statement="...", responsibility="customer"
    )
    account = model("evidence", "AwsAccount").objects.create(
        account_id="123456789012",
        name="Production",
        role_arn="arn:aws:iam::123456789012:role/GrcEvidenceReader",
        external_id="upgrade-secret",
        regions=["us-east-1"],
    )
    now = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    run = model("evidence", "CollectionRun").objects.create(
        account=account, trigger="manual", status="partial", finished_at=now
    )
    unit = model("evidence", "CollectionUnit").objects.create(
        run=run, service="iam", region="global", status="done", result_count=2
    )
    document = model("evidence", "EvidenceDocument").objects.create(
        sha256="a" * 64, content={"configuration": {}}, size=20
    )
    resource = model("evidence", "Resource").objects.create(
        account=account,
        arn="arn:aws:iam::123456789012:user/alice",
        resource_type="user",
        region="global",
        service="iam",
    )
    for status in ("PASS", "FAIL"):
        model("evidence", "CheckResult").objects.create(
            account=account,
            run=run,
            unit=unit,
            evidence=document,
            resource=resource,
            check_id="iam_user_console_mfa",
            region="global",
            status=status,
            reason="r",
            collected_at=now,
        )
    for day in (now.date() - dt.timedelta(days=1), now.date()):
        model("evidence", "ControlStatusDaily").objects.create(
            account=account, control=control, day=day, status="partial", run=run
        )
        model("evidence", "PostureDaily").objects.create(account=account, day=day, partial=1)
    model("evidence", "ControlStatusEvent").objects.create(
        account=account,
        control=control,
        previous_status="pass",
        status="partial",
        occurred_at=now,
        run=run,
    )
    model("evidence", "AuditPeriod").objects.create(
        name="FY26", start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31)
    )
    packet = model("evidence", "EvidencePacket").objects.create(
        framework=framework,
        period_start=dt.date(2026, 10, 1),
        period_end=dt.date(2026, 10, 31),
        requested_by=user,
        status="ready",
    )
    packet.accounts.add(account)
    model("evidence", "ApiKey").objects.create(
        name="ci", owner=user, prefix="abc123", hashed_secret="h" * 64
    )


def _counts(apps, labels: dict[str, str]) -> dict[str, int]:
    return {name: apps.get_model(label, name).objects.count() for name, label in labels.items()}


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_split_survive_it(migrator) -> None:
    old = migrator.apply_initial_migration(OLD_STATE)
    _old_rows(old.apps)
    before = _counts(old.apps, dict.fromkeys(MOVED, "evidence"))

    new = migrator.apply_tested_migration(newest_migrations())
    after = _counts(new.apps, MOVED)

    print("rows before the split:", before)
    print("rows after the split: ", after)
    assert after == before
    assert all(before.values())
    packet = new.apps.get_model("packets", "EvidencePacket").objects.get()
    assert list(packet.accounts.values_list("account_id", flat=True)) == ["123456789012"]
    account = new.apps.get_model("collection", "AwsAccount").objects.get()
    assert account.external_id == "upgrade-secret"
    content_types = new.apps.get_model("contenttypes", "ContentType").objects
    assert not content_types.filter(app_label="evidence", model="awsaccount").exists()


def _history_before_spans(apps) -> dict[str, int]:
    """Three runs of one account as a row per result stored them; the second run's ec2 unit
    never completed, and the third dropped bucket b."""
    model = apps.get_model
    account = model("collection", "AwsAccount").objects.create(
        account_id="123456789012", name="Production", role_arn="r", external_id="x"
    )
    now = dt.datetime(2026, 11, 1, 9, tzinfo=dt.UTC)
    document = model("collection", "EvidenceDocument").objects.create(
        sha256="b" * 64, content={}, size=2
    )
    resources = {
        name: model("collection", "Resource").objects.create(
            account=account, arn=name, resource_type="t", region="global", service="s3"
        )
        for name in ("a", "b", "sg")
    }
    rows: dict[str, int] = {}
    plan = [
        {("s3", "global", "done"): ["a", "b"], ("ec2", "eu-west-1", "done"): ["sg"]},
        {("s3", "global", "done"): ["a", "b"], ("ec2", "eu-west-1", "pending"): []},
        {("s3", "global", "error"): ["a"], ("ec2", "eu-west-1", "done"): ["sg"]},
    ]
    for number, units in enumerate(plan, start=1):
        run = model("collection", "CollectionRun").objects.create(
            account=account, trigger="schedule", status="succeeded", finished_at=now
        )
        rows[f"run{number}"] = run.pk
        for (service, region, status), names in units.items():
            unit = model("collection", "CollectionUnit").objects.create(
                run=run, service=service, region=region, status=status
            )
            for name in names:
                rows[f"{name}{number}"] = (
                    model("collection", "CheckResult")
                    .objects.create(
                        run=run,
                        unit=unit,
                        account=account,
                        resource=resources[name],
                        check_id="c",
                        region=region,
                        status="PASS",
                        reason="r",
                        evidence=document,
                        collected_at=now,
                    )
                    .pk
                )
    return rows


@pytest.mark.django_db(transaction=True)
def test_existing_results_become_one_run_spans(migrator) -> None:
    old = migrator.apply_initial_migration([("collection", "0005_account_environment")])
    rows = _history_before_spans(old.apps)

    new = migrator.apply_tested_migration([("collection", "0008_result_spans_trigger")])

    results = new.apps.get_model("collection", "CheckResult").objects
    ended = dict(results.values_list("pk", "ended_run_id"))
    scope = dict(results.values_list("pk", "service"))
    assert ended == {
        rows["a1"]: rows["run2"],
        rows["b1"]: rows["run2"],
        rows["sg1"]: rows["run3"],  # run 2's ec2 unit never completed: it saw nothing
        rows["a2"]: rows["run3"],
        rows["b2"]: rows["run3"],  # gone in run 3, whose s3 unit completed with an error
        rows["a3"]: None,
        rows["sg3"]: None,
    }
    assert scope[rows["sg1"]] == "ec2" and scope[rows["a3"]] == "s3"
    assert set(results.values_list("unit_region", flat=True)) == {"global", "eu-west-1"}
