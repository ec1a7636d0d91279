"""Encrypted copies and protected databases: EBS and RDS snapshots, deletion protection, TLS.

Every resource is created in moto through boto3. moto's DescribeDBParameters lists only the
parameters a test set, which is what a custom group on AWS returns for a changed parameter; an
unset parameter is judged as off.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION

COMMON = {
    "DBInstanceClass": "db.t3.micro",
    "MasterUsername": "admin_user",
    "MasterUserPassword": "not-a-real-password",
    "AllocatedStorage": 20,
}


def db_arn(identifier: str) -> str:
    return f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:db:{identifier}"


@pytest.fixture
def rds(aws_session: boto3.Session) -> Any:
    return aws_session.client("rds")


def test_ebs_snapshot_encrypted(aws_session: boto3.Session, collect: Any) -> None:
    ec2 = aws_session.client("ec2")
    plain_volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    sealed_volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1, Encrypted=True)
    plain = ec2.create_snapshot(VolumeId=plain_volume)["SnapshotId"]
    sealed = ec2.create_snapshot(VolumeId=sealed_volume["VolumeId"])["SnapshotId"]

    results = collect("ec2")["ec2_ebs_snapshot_encrypted"]

    prefix = f"arn:aws:ec2:{REGION}::snapshot/"
    assert results[prefix + plain].status is Status.FAIL
    assert results[prefix + plain].reason == "unencrypted"
    assert results[prefix + sealed].status is Status.PASS
    assert results[prefix + sealed].evidence["Encrypted"] is True


def test_rds_snapshot_encrypted(rds: Any, collect: Any) -> None:
    rds.create_db_instance(DBInstanceIdentifier="plain", Engine="postgres", **COMMON)
    rds.create_db_instance(
        DBInstanceIdentifier="sealed", Engine="postgres", StorageEncrypted=True, **COMMON
    )
    rds.create_db_snapshot(DBInstanceIdentifier="plain", DBSnapshotIdentifier="plain-copy")
    rds.create_db_snapshot(DBInstanceIdentifier="sealed", DBSnapshotIdentifier="sealed-copy")

    results = collect("rds")["rds_snapshot_encrypted"]

    snapshot_arn = f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:snapshot:"
    assert results[snapshot_arn + "plain-copy"].status is Status.FAIL
    assert results[snapshot_arn + "sealed-copy"].status is Status.PASS


def test_rds_deletion_protection(rds: Any, collect: Any) -> None:
    rds.create_db_instance(
        DBInstanceIdentifier="kept", Engine="mysql", DeletionProtection=True, **COMMON
    )
    rds.create_db_instance(DBInstanceIdentifier="loose", Engine="mysql", **COMMON)

    results = collect("rds")["rds_instance_deletion_protection"]

    assert results[db_arn("kept")].status is Status.PASS
    assert results[db_arn("loose")].status is Status.FAIL
    assert results[db_arn("loose")].evidence["DeletionProtection"] is False


def test_rds_tls_required(rds: Any, collect: Any, aws_session: boto3.Session) -> None:
    for name, family, parameter in (
        ("pg-tls", "postgres16", "rds.force_ssl"),
        ("my-tls", "mysql8.0", "require_secure_transport"),
    ):
        rds.create_db_parameter_group(
            DBParameterGroupName=name, DBParameterGroupFamily=family, Description=name
        )
        rds.modify_db_parameter_group(
            DBParameterGroupName=name,
            Parameters=[
                {"ParameterName": parameter, "ParameterValue": "1", "ApplyMethod": "immediate"}
            ],
        )
    rds.create_db_parameter_group(
        DBParameterGroupName="pg-plain", DBParameterGroupFamily="postgres16", Description="plain"
    )
    for identifier, engine, group in (
        ("pg-strict", "postgres", "pg-tls"),
        ("my-strict", "mysql", "my-tls"),
        ("pg-lax", "postgres", "pg-plain"),
    ):
        rds.create_db_instance(
            DBInstanceIdentifier=identifier, Engine=engine, DBParameterGroupName=group, **COMMON
        )
    rds.create_db_instance(DBInstanceIdentifier="oracle", Engine="oracle-ee", **COMMON)
    calls: list[str] = []
    aws_session.events.register("before-call.rds", lambda model, **_: calls.append(model.name))

    results = collect("rds")["rds_instance_tls_required"]

    assert results[db_arn("pg-strict")].status is Status.PASS
    assert results[db_arn("pg-strict")].reason == "rds.force_ssl is 1 in pg-tls"
    assert results[db_arn("my-strict")].status is Status.PASS
    assert results[db_arn("pg-lax")].status is Status.FAIL
    assert results[db_arn("pg-lax")].reason == "rds.force_ssl is unset in pg-plain"
    assert results[db_arn("oracle")].status is Status.NOT_APPLICABLE
    assert calls.count("DescribeDBParameters") == 3  # one per distinct group, not per check


def test_rds_tls_unreadable_group_is_error(rds: Any, collect: Any, aws_hooks: Any) -> None:
    rds.create_db_parameter_group(
        DBParameterGroupName="pg-tls", DBParameterGroupFamily="postgres16", Description="x"
    )
    rds.create_db_instance(
        DBInstanceIdentifier="pg", Engine="postgres", DBParameterGroupName="pg-tls", **COMMON
    )
    aws_hooks.fail("rds", "DescribeDBParameters", "AccessDenied", status=403)

    result = collect("rds")["rds_instance_tls_required"][db_arn("pg")]

    assert result.status is Status.ERROR
    assert result.reason == "could not read DescribeDBParameters: AccessDenied: injected by test"


def test_rds_tls_pending_reboot_fails(rds: Any, collect: Any, aws_hooks: Any) -> None:
    rds.create_db_parameter_group(
        DBParameterGroupName="pg-tls", DBParameterGroupFamily="postgres16", Description="x"
    )
    rds.modify_db_parameter_group(
        DBParameterGroupName="pg-tls",
        Parameters=[
            {
                "ParameterName": "rds.force_ssl",
                "ParameterValue": "1",
                "ApplyMethod": "pending-reboot",
            }
        ],
    )
    rds.create_db_instance(
        DBInstanceIdentifier="pg", Engine="postgres", DBParameterGroupName="pg-tls", **COMMON
    )

    def pending(parsed: dict[str, Any]) -> None:
        # AWS reports a static change pending-reboot until the instance restarts; moto never does.
        for instance in parsed["DBInstances"]:
            for group in instance["DBParameterGroups"]:
                group["ParameterApplyStatus"] = "pending-reboot"

    aws_hooks.patch_response("rds", "DescribeDBInstances", pending)

    result = collect("rds")["rds_instance_tls_required"][db_arn("pg")]

    assert result.status is Status.FAIL
    assert result.reason == "rds.force_ssl is 1 in pg-tls but waits for a reboot to apply"


def test_clusters_are_judged_instead_of_their_members(rds: Any, collect: Any) -> None:
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="apg-tls",
        DBParameterGroupFamily="aurora-postgresql16",
        Description="tls",
    )
    rds.modify_db_cluster_parameter_group(
        DBClusterParameterGroupName="apg-tls",
        Parameters=[
            {"ParameterName": "rds.force_ssl", "ParameterValue": "1", "ApplyMethod": "immediate"}
        ],
    )
    common = {
        "Engine": "aurora-postgresql",
        "MasterUsername": "admin_user",
        "MasterUserPassword": "not-a-real-password",
    }
    strict = rds.create_db_cluster(
        DBClusterIdentifier="strict",
        DBClusterParameterGroupName="apg-tls",
        DeletionProtection=True,
        **common,
    )["DBCluster"]["DBClusterArn"]
    rds.create_db_cluster_parameter_group(
        DBClusterParameterGroupName="apg-plain",
        DBParameterGroupFamily="aurora-postgresql16",
        Description="plain",
    )
    lax = rds.create_db_cluster(
        DBClusterIdentifier="lax", DBClusterParameterGroupName="apg-plain", **common
    )["DBCluster"]["DBClusterArn"]
    rds.create_db_instance(
        DBInstanceIdentifier="strict-1",
        DBClusterIdentifier="strict",
        Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large",
    )

    results = collect("rds")

    tls, protection = (
        results["rds_instance_tls_required"],
        results["rds_instance_deletion_protection"],
    )
    assert db_arn("strict-1") not in tls  # the member is judged through its cluster
    assert tls[strict].status is Status.PASS
    assert tls[strict].resource_type == "AWS::RDS::DBCluster"
    assert tls[strict].reason == "rds.force_ssl is 1 in apg-tls"
    assert tls[lax].status is Status.FAIL
    assert protection[strict].status is Status.PASS
    assert protection[lax].status is Status.FAIL
    assert (
        protection[lax].reason == "deletion protection off: the cluster can be deleted in one call"
    )
