"""RDS checks against moto DB instances and snapshots created through boto3."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest

from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION


def db_arn(identifier: str) -> str:
    return f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:db:{identifier}"


@pytest.fixture
def rds(aws_session: boto3.Session) -> Any:
    client = aws_session.client("rds")
    common = {
        "DBInstanceClass": "db.t3.micro",
        "Engine": "postgres",
        "MasterUsername": "admin_user",
        "MasterUserPassword": "not-a-real-password",
        "AllocatedStorage": 20,
    }
    client.create_db_instance(
        DBInstanceIdentifier="secure-db",
        StorageEncrypted=True,
        PubliclyAccessible=False,
        MultiAZ=True,
        BackupRetentionPeriod=7,
        AutoMinorVersionUpgrade=True,
        **common,
    )
    client.create_db_instance(
        DBInstanceIdentifier="weak-db",
        StorageEncrypted=False,
        PubliclyAccessible=True,
        MultiAZ=False,
        BackupRetentionPeriod=1,
        AutoMinorVersionUpgrade=False,
        **common,
    )
    return client


def test_instance_checks(collect: Any, rds: Any) -> None:
    results = collect("rds")

    expectations = {
        "rds_instance_encrypted": ("StorageEncrypted", True, False),
        "rds_instance_not_public": ("PubliclyAccessible", False, True),
        "rds_instance_multi_az": ("MultiAZ", True, False),
        "rds_backup_retention": ("BackupRetentionPeriod", 7, 1),
        "rds_auto_minor_upgrade": ("AutoMinorVersionUpgrade", True, False),
    }
    for check_id, (field, secure_value, weak_value) in expectations.items():
        secure = results[check_id][db_arn("secure-db")]
        weak = results[check_id][db_arn("weak-db")]
        assert secure.status is Status.PASS, (check_id, secure.reason)
        assert weak.status is Status.FAIL, (check_id, weak.reason)
        assert secure.evidence[field] == secure_value
        assert weak.evidence[field] == weak_value
        assert weak.sources[0].operation == "DescribeDBInstances"
        json.dumps(weak.evidence)
    retention = results["rds_backup_retention"][db_arn("weak-db")]
    assert retention.reason == "backups kept 1 day(s); at least 7 required"


def test_backup_retention_parameter(collect: Any, rds: Any) -> None:
    results = collect("rds", parameters={"rds_backup_retention": {"rds_backup_retention_days": 1}})

    assert results["rds_backup_retention"][db_arn("weak-db")].status is Status.PASS


def test_snapshot_not_public(collect: Any, rds: Any) -> None:
    for name in ("public-snap", "shared-snap"):
        rds.create_db_snapshot(DBInstanceIdentifier="weak-db", DBSnapshotIdentifier=name)
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="public-snap", AttributeName="restore", ValuesToAdd=["all"]
    )
    rds.modify_db_snapshot_attribute(
        DBSnapshotIdentifier="shared-snap", AttributeName="restore", ValuesToAdd=["111122223333"]
    )

    results = collect("rds")["rds_snapshot_not_public"]

    snapshot_arn = f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:snapshot:"
    public = results[snapshot_arn + "public-snap"]
    assert public.status is Status.FAIL
    assert public.evidence["attributes"]["DBSnapshotAttributes"] == [
        {"AttributeName": "restore", "AttributeValues": ["all"]}
    ]
    assert public.sources[1].params == {"DBSnapshotIdentifier": "public-snap"}
    shared = results[snapshot_arn + "shared-snap"]
    assert shared.status is Status.PASS
    assert shared.reason == "not public; shared with 111122223333"
    assert len(results) == 2  # automated snapshots cannot be shared and are not listed
