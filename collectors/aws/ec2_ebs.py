"""EBS checks: encryption by default, encrypted volumes, no public snapshots."""

from __future__ import annotations

from collections.abc import Iterator

from collectors.aws.ec2 import (
    SERVICE,
    Ec2Snapshot,
    ec2_result,
    owned_snapshots,
    region_id,
    resource_arn,
)
from collectors.readers import ReadError
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status


@check(
    "ec2_ebs_default_encryption",
    title="EBS encryption by default is on",
    service=SERVICE,
    resource_type="AWS::EC2::Region",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:6.1.1",),
)
def ebs_default_encryption(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    enabled = bool(snapshot.ebs_default_encryption.get("EbsEncryptionByDefault"))
    yield ec2_result(
        "ec2_ebs_default_encryption",
        ctx,
        snapshot,
        region_id(snapshot, ctx),
        "AWS::EC2::Region",
        Status.PASS if enabled else Status.FAIL,
        f"EBS encryption by default is {'on' if enabled else 'off'} in {snapshot.region}",
        snapshot.ebs_default_encryption,
        (snapshot.ebs_default_encryption_call,),
    )


@check(
    "ec2_ebs_volume_encrypted",
    title="EBS volumes are encrypted",
    service=SERVICE,
    resource_type="AWS::EC2::Volume",
    severity=Severity.MEDIUM,
)
def ebs_volume_encrypted(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for volume in snapshot.volumes.items:
        encrypted = bool(volume.get("Encrypted"))
        yield ec2_result(
            "ec2_ebs_volume_encrypted",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"volume/{volume['VolumeId']}"),
            "AWS::EC2::Volume",
            Status.PASS if encrypted else Status.FAIL,
            f"volume encrypted with {volume.get('KmsKeyId')}" if encrypted else "unencrypted",
            {"volume": volume},
            (snapshot.volumes.call,),
        )


@check(
    "ec2_ebs_snapshot_not_public",
    title="EBS snapshots are not public",
    service=SERVICE,
    resource_type="AWS::EC2::Snapshot",
    severity=Severity.CRITICAL,
)
def ebs_snapshot_not_public(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    public = snapshot.public_snapshots
    public_ids = set() if isinstance(public, ReadError) else {s["SnapshotId"] for s in public.items}
    public_call = public.source if isinstance(public, ReadError) else public.call
    for item in owned_snapshots(snapshot, ctx):
        snapshot_id = item["SnapshotId"]
        if isinstance(public, ReadError):
            status = Status.ERROR
            reason = f"could not read {public.source.operation}: {public.reason}"
        elif snapshot_id in public_ids:
            status = Status.FAIL
            reason = "public: any AWS account may create volumes from it (restorable by all)"
        else:
            status, reason = Status.PASS, "not public (not restorable by all AWS accounts)"
        yield ec2_result(
            "ec2_ebs_snapshot_not_public",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"snapshot/{snapshot_id}", account=False),
            "AWS::EC2::Snapshot",
            status,
            reason,
            {
                "snapshot": item,
                "restorable_by_all": None
                if status is Status.ERROR
                else (snapshot_id in public_ids),
            },
            (snapshot.snapshots.call, public_call),
        )
