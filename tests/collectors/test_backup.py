"""Backup coverage: EBS, RDS and EFS resources from moto; AWS Backup selections and DLM policies
from recorded responses on botocore Stubbers (moto has neither backup selections nor DLM)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from collectors.types import Status

from .conftest import ACCOUNT_ID, REGION
from .stubs import StubbedClients

ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/backup"


@pytest.fixture
def stubs(aws_session: boto3.Session) -> StubbedClients:
    return StubbedClients(aws_session, ["backup", "dlm"])


def queue_backup(stubs: StubbedClients, selections: list[dict[str, Any]], opt_in: dict) -> None:
    backup = stubs["backup"]
    backup.add_response("describe_region_settings", {"ResourceTypeOptInPreference": opt_in}, {})
    backup.add_response(
        "list_backup_plans",
        {"BackupPlansList": [{"BackupPlanId": "plan-1", "BackupPlanName": "daily"}]},
        {},
    )
    backup.add_response(
        "list_backup_selections",
        {
            "BackupSelectionsList": [
                {
                    "SelectionId": f"sel-{i}",
                    "SelectionName": s["SelectionName"],
                    "BackupPlanId": "plan-1",
                }
                for i, s in enumerate(selections)
            ]
        },
        {"BackupPlanId": "plan-1"},
    )
    for i, selection in enumerate(selections):
        backup.add_response(
            "get_backup_selection",
            {"BackupSelection": {"IamRoleArn": ROLE, **selection}, "BackupPlanId": "plan-1"},
            {"BackupPlanId": "plan-1", "SelectionId": f"sel-{i}"},
        )


def queue_dlm(
    stubs: StubbedClients, target_tags: list[dict[str, str]], resource_type: str = "VOLUME"
) -> None:
    dlm = stubs["dlm"]
    dlm.add_response(
        "get_lifecycle_policies",
        {"Policies": [{"PolicyId": "policy-1", "State": "ENABLED"}]},
        {"State": "ENABLED"},
    )
    dlm.add_response(
        "get_lifecycle_policy",
        {
            "Policy": {
                "PolicyId": "policy-1",
                "State": "ENABLED",
                "PolicyDetails": {
                    "PolicyType": "EBS_SNAPSHOT_MANAGEMENT",
                    "ResourceTypes": [resource_type],
                    "TargetTags": target_tags,
                },
            }
        },
        {"PolicyId": "policy-1"},
    )


def tagged(key: str, value: str) -> list[dict[str, Any]]:
    return [{"ResourceType": "volume", "Tags": [{"Key": key, "Value": value}]}]


def test_ebs_coverage_by_backup_tag_and_dlm(
    aws_session: boto3.Session, stubs: StubbedClients
) -> None:
    ec2 = aws_session.client("ec2")
    by_plan = ec2.create_volume(
        AvailabilityZone="us-east-1a", Size=1, TagSpecifications=tagged("backup", "daily")
    )
    by_dlm = ec2.create_volume(
        AvailabilityZone="us-east-1a", Size=1, TagSpecifications=tagged("snap", "yes")
    )
    bare = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)
    tag_selection = {
        "SelectionName": "tagged",
        "Resources": ["*"],
        "Conditions": {
            "StringEquals": [{"ConditionKey": "aws:ResourceTag/backup", "ConditionValue": "daily"}]
        },
    }
    queue_backup(stubs, [tag_selection], {"EBS": True, "RDS": True, "EFS": True})
    queue_dlm(stubs, [{"Key": "snap", "Value": "yes"}])

    results = stubs.collect("backup")["backup_ebs_volume_covered"]
    stubs.assert_all_answered()

    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:volume/"
    assert results[arn + by_plan["VolumeId"]].status is Status.PASS
    assert results[arn + by_plan["VolumeId"]].reason == "covered by daily/tagged"
    assert results[arn + by_dlm["VolumeId"]].reason == "covered by DLM policy-1"
    assert results[arn + bare["VolumeId"]].status is Status.FAIL


def test_wildcard_selection_needs_the_type_opted_in(
    aws_session: boto3.Session, stubs: StubbedClients
) -> None:
    efs = aws_session.client("efs")
    fs = efs.create_file_system(CreationToken="shared")
    rds = aws_session.client("rds")
    rds.create_db_instance(
        DBInstanceIdentifier="orders",
        DBInstanceClass="db.t3.micro",
        Engine="postgres",
        MasterUsername="admin_user",
        MasterUserPassword="not-a-real-password",
        AllocatedStorage=20,
    )
    everything = {"SelectionName": "all", "Resources": ["*"]}
    rds_explicit = {"SelectionName": "rds", "Resources": ["arn:aws:rds:*:*:db:*"]}
    queue_backup(stubs, [everything, rds_explicit], {"EBS": True, "RDS": False, "EFS": False})
    queue_dlm(stubs, [{"Key": "snap", "Value": "yes"}])

    collected = stubs.collect("backup")

    file_system = collected["backup_efs_covered"][fs["FileSystemArn"]]
    assert file_system.status is Status.FAIL  # "*" skips types that are not opted in
    orders = collected["backup_rds_instance_covered"][
        f"arn:aws:rds:{REGION}:{ACCOUNT_ID}:db:orders"
    ]
    assert orders.status is Status.PASS  # an explicit ARN pattern ignores opt-in
    assert orders.reason == "in backup plan selection daily/rds"


def test_unreadable_dlm_is_error_for_uncovered_volumes(
    aws_session: boto3.Session, stubs: StubbedClients
) -> None:
    volume = aws_session.client("ec2").create_volume(AvailabilityZone="us-east-1a", Size=1)
    queue_backup(stubs, [], {"EBS": True})
    stubs["dlm"].add_client_error(
        "get_lifecycle_policies",
        service_error_code="AccessDeniedException",
        service_message="no",
        http_status_code=403,
    )

    results = stubs.collect("backup")["backup_ebs_volume_covered"]

    result = results[f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:volume/{volume['VolumeId']}"]
    assert result.status is Status.ERROR
    assert "AccessDeniedException: no" in result.reason


@pytest.mark.parametrize(("aurora_opt_in", "expected"), [(False, Status.FAIL), (True, Status.PASS)])
def test_aurora_clusters_are_judged_with_the_aurora_opt_in(
    aws_session: boto3.Session, stubs: StubbedClients, aurora_opt_in: bool, expected: Status
) -> None:
    rds = aws_session.client("rds")
    common = {"Engine": "aurora-postgresql", "MasterUsername": "u", "MasterUserPassword": "p" * 12}
    kept = rds.create_db_cluster(
        DBClusterIdentifier="kept", Tags=[{"Key": "b", "Value": "y"}], **common
    )["DBCluster"]
    rds.create_db_instance(
        DBInstanceIdentifier="kept-1",
        DBClusterIdentifier="kept",
        Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large",
    )
    tagged_only = {
        "SelectionName": "tagged",
        "Resources": ["*"],
        "Conditions": {
            "StringEquals": [{"ConditionKey": "aws:ResourceTag/b", "ConditionValue": "y"}]
        },
    }
    queue_backup(stubs, [tagged_only], {"Aurora": aurora_opt_in, "RDS": True})
    queue_dlm(stubs, [{"Key": "snap", "Value": "yes"}])

    results = stubs.collect("backup")["backup_rds_instance_covered"]

    assert set(results) == {kept["DBClusterArn"]}  # the member instance is not judged alone
    assert results[kept["DBClusterArn"]].status is expected
    assert results[kept["DBClusterArn"]].resource_type == "AWS::RDS::DBCluster"


def test_dlm_instance_policy_covers_attached_volumes(
    aws_session: boto3.Session, stubs: StubbedClients
) -> None:
    ec2 = aws_session.client("ec2")
    instance = ec2.run_instances(
        ImageId="ami-12c6146b",
        MinCount=1,
        MaxCount=1,
        Placement={"AvailabilityZone": "us-east-1a"},
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "snap", "Value": "yes"}]}],
    )["Instances"][0]
    data = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    ec2.attach_volume(VolumeId=data, InstanceId=instance["InstanceId"], Device="/dev/sdf")
    loose = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    queue_backup(stubs, [], {"EBS": True})
    queue_dlm(stubs, [{"Key": "snap", "Value": "yes"}], resource_type="INSTANCE")

    results = stubs.collect("backup")["backup_ebs_volume_covered"]

    arn = f"arn:aws:ec2:{REGION}:{ACCOUNT_ID}:volume/"
    assert results[arn + data].status is Status.PASS
    assert results[arn + data].reason == "covered by DLM policy-1"
    assert results[arn + loose].status is Status.FAIL
