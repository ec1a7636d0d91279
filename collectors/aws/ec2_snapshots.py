"""EBS snapshot encryption: copies of volumes are encrypted like the volumes themselves."""

from __future__ import annotations

from collections.abc import Iterator

from collectors.aws.ec2 import SERVICE, Ec2Snapshot, ec2_result, resource_arn
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status


@check(
    "ec2_ebs_snapshot_encrypted",
    title="EBS snapshots are encrypted",
    service=SERVICE,
    resource_type="AWS::EC2::Snapshot",
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC6.1", "soc2-2017:C1.1"),
    remediation=(
        "Copy the snapshot with copy-snapshot --encrypted --kms-key-id <key>, delete the "
        "unencrypted one, and turn on EBS encryption by default so new snapshots are encrypted."
    ),
)
def ebs_snapshot_encrypted(snapshot: Ec2Snapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for item in snapshot.snapshots.items:
        if item.get("OwnerId") not in (None, ctx.account_id):
            continue  # a snapshot another account shared with this one is not ours to fix
        encrypted = bool(item.get("Encrypted"))
        yield ec2_result(
            "ec2_ebs_snapshot_encrypted",
            ctx,
            snapshot,
            resource_arn(snapshot, ctx, f"snapshot/{item['SnapshotId']}", account=False),
            "AWS::EC2::Snapshot",
            Status.PASS if encrypted else Status.FAIL,
            f"encrypted with {item.get('KmsKeyId')}" if encrypted else "unencrypted",
            {key: item.get(key) for key in ("SnapshotId", "VolumeId", "Encrypted", "KmsKeyId")},
            (snapshot.snapshots.call,),
        )
