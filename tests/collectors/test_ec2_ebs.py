"""EBS snapshots: only the account's own, public ones found in one bulk listing."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from collectors.types import Status
from tests.collectors.conftest import REGION


@pytest.fixture
def ec2(aws_session: boto3.Session) -> Any:
    return aws_session.client("ec2")


def restorable_by_all_filter(session: boto3.Session, public_ids: set[str]) -> None:
    """Apply DescribeSnapshots' documented RestorableByUserIds=["all"] filter, which moto
    ignores, to moto's real response: only the snapshots shared with group "all" remain."""

    def remember(params: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        context["restorable_by"] = params.get("RestorableByUserIds")

    def narrow(parsed: dict[str, Any], context: dict[str, Any], **_: Any) -> None:
        if context.get("restorable_by") == ["all"]:
            parsed["Snapshots"] = [s for s in parsed["Snapshots"] if s["SnapshotId"] in public_ids]

    session.events.register("before-parameter-build.ec2.DescribeSnapshots", remember)
    session.events.register("after-call.ec2.DescribeSnapshots", narrow)


def test_ebs_snapshot_not_public(collect: Any, aws_session: boto3.Session, ec2: Any) -> None:
    volume_id = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    public, private = (ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"] for _ in range(2))
    ec2.modify_snapshot_attribute(
        SnapshotId=public,
        Attribute="createVolumePermission",
        OperationType="add",
        GroupNames=["all"],
    )
    ec2.modify_snapshot_attribute(
        SnapshotId=private,
        Attribute="createVolumePermission",
        OperationType="add",
        UserIds=["111122223333"],
    )
    restorable_by_all_filter(aws_session, {public})

    results = collect("ec2")["ec2_ebs_snapshot_not_public"]

    snapshot_arn = f"arn:aws:ec2:{REGION}::snapshot/"  # snapshot ARNs carry no account
    failing = results[snapshot_arn + public]
    assert failing.status is Status.FAIL
    assert failing.evidence["restorable_by_all"] is True
    assert failing.sources[1].params == {"OwnerIds": ["self"], "RestorableByUserIds": ["all"]}
    passing = results[snapshot_arn + private]
    assert passing.status is Status.PASS
    assert passing.reason == "not public (not restorable by all AWS accounts)"


def test_ebs_snapshots_of_other_owners_are_skipped(
    collect: Any, aws_session: boto3.Session, aws_hooks: Any, ec2: Any
) -> None:
    volume_id = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    own = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
    restorable_by_all_filter(aws_session, set())

    def add_foreign(parsed: dict[str, Any]) -> None:
        # An endpoint that ignores OwnerIds=["self"] also returns others' snapshots.
        parsed["Snapshots"].append(
            {"SnapshotId": "snap-0foreign", "OwnerId": "111122223333", "VolumeSize": 8}
        )

    aws_hooks.patch_response("ec2", "DescribeSnapshots", add_foreign)
    results = collect("ec2")["ec2_ebs_snapshot_not_public"]
    assert set(results) == {f"arn:aws:ec2:{REGION}::snapshot/{own}"}


def test_public_snapshot_listing_failure_is_error(
    collect: Any, aws_session: boto3.Session, ec2: Any
) -> None:
    volume_id = ec2.create_volume(AvailabilityZone="us-east-1a", Size=1)["VolumeId"]
    snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]

    def deny(params: dict[str, Any], **_: Any) -> None:
        if params.get("RestorableByUserIds"):
            raise ClientError({"Error": {"Code": "UnauthorizedOperation", "Message": "no"}}, "X")

    aws_session.events.register("before-parameter-build.ec2.DescribeSnapshots", deny)
    results = collect("ec2")
    result = results["ec2_ebs_snapshot_not_public"][f"arn:aws:ec2:{REGION}::snapshot/{snapshot_id}"]
    assert result.status is Status.ERROR
    assert "UnauthorizedOperation" in result.reason
    assert results["ec2_ebs_default_encryption"]  # the rest of the region is still judged
