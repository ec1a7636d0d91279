"""Backup coverage: each EBS volume, RDS DB instance and EFS file system is in a backup plan.

A resource passes when an AWS Backup selection assigns it (see ``backup`` for the selection
semantics) or, for EBS volumes, an enabled Data Lifecycle Manager policy targets it. When DLM
could not be read, an EBS volume no plan covers is an ERROR, not a FAIL: it may be covered.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collectors.aws.backup import (
    CALLS,
    SERVICE,
    BackupSnapshot,
    dlm_covers,
    selection_calls,
    selects,
    tag_dict,
)
from collectors.readers import ReadError
from collectors.registry import check
from collectors.types import ApiCall, CheckContext, CheckResult, Severity, Status

SOC2 = ("soc2-2017:A1.2", "soc2-2017:CC9.1")
REMEDIATION = (
    "Assign the resource to an AWS Backup plan (a selection by ARN or by a backup tag it "
    "carries), opt the resource type in for AWS Backup in the region, or for EBS target it with "
    "a Data Lifecycle Manager policy."
)


def _plans_covering(
    snapshot: BackupSnapshot, arn: str, tags: Mapping[str, str], opt_in_type: str
) -> list[str]:
    return [
        f"{s.plan_name}/{s.selection.get('SelectionName')}"
        for s in snapshot.selections
        if selects(s.selection, arn, tags, opt_in_type, snapshot.opt_in)
    ]


def _result(
    check_id: str,
    ctx: CheckContext,
    snapshot: BackupSnapshot,
    resource: tuple[str, str],
    verdict: tuple[Status, str],
    evidence: Mapping[str, Any],
    sources: tuple[ApiCall, ...],
) -> CheckResult:
    return CheckResult(
        check_id=check_id,
        account_id=ctx.account_id,
        region=snapshot.region,
        resource_id=resource[0],
        resource_type=resource[1],
        status=verdict[0],
        reason=verdict[1],
        evidence={**evidence, "resource_type_opt_in": snapshot.opt_in},
        sources=(*selection_calls(snapshot), *sources),
    )


def _covered(plans: list[str]) -> tuple[Status, str]:
    if plans:
        return Status.PASS, f"in backup plan selection {', '.join(plans)}"
    return Status.FAIL, "no AWS Backup plan selection covers it"


@check(
    "backup_ebs_volume_covered",
    title="EBS volumes are covered by AWS Backup or Data Lifecycle Manager",
    service=SERVICE,
    resource_type="AWS::EC2::Volume",
    severity=Severity.MEDIUM,
    criteria=SOC2,
    remediation=REMEDIATION,
)
def ebs_covered(snapshot: BackupSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    dlm, instance_tags = snapshot.dlm_policies, snapshot.instance_tags
    dlm_error = next((e for e in (dlm, instance_tags) if isinstance(e, ReadError)), None)
    for volume in snapshot.volumes:
        arn = f"arn:aws:ec2:{snapshot.region}:{ctx.account_id}:volume/{volume['VolumeId']}"
        tags = tag_dict(volume.get("Tags"))
        attached = [
            instance_tags.get(a.get("InstanceId"), {})
            for a in volume.get("Attachments") or []
            if not isinstance(instance_tags, ReadError)
        ]
        plans = _plans_covering(snapshot, arn, tags, "EBS")
        policies = (
            []
            if isinstance(dlm, ReadError)
            else [str(p.get("PolicyId")) for p in dlm if dlm_covers(p, tags, attached)]
        )
        if plans or policies:
            verdict = (
                Status.PASS,
                f"covered by {', '.join([*plans, *(f'DLM {p}' for p in policies)])}",
            )
        elif dlm_error:
            verdict = (
                Status.ERROR,
                f"no backup plan covers it and DLM could not be judged: {dlm_error.reason}",
            )
        else:
            verdict = (Status.FAIL, "no AWS Backup plan selection or DLM policy covers it")
        yield _result(
            "backup_ebs_volume_covered",
            ctx,
            snapshot,
            (arn, "AWS::EC2::Volume"),
            verdict,
            {
                "VolumeId": volume["VolumeId"],
                "Tags": tags,
                "plans": plans,
                "dlm_policies": policies,
            },
            (CALLS["volumes"], CALLS["dlm"]),
        )


@check(
    "backup_rds_instance_covered",
    title="RDS DB instances and clusters are covered by an AWS Backup plan",
    service=SERVICE,
    resource_type="AWS::RDS::DBInstance",
    severity=Severity.MEDIUM,
    criteria=SOC2,
    remediation=REMEDIATION,
)
def rds_covered(snapshot: BackupSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    # Cluster members are backed up with their cluster, which is judged instead.
    for instance in snapshot.db_instances:
        if instance.get("DBClusterIdentifier"):
            continue
        arn = instance["DBInstanceArn"]
        tags = tag_dict(instance.get("TagList"))
        plans = _plans_covering(snapshot, arn, tags, "RDS")
        yield _result(
            "backup_rds_instance_covered",
            ctx,
            snapshot,
            (arn, "AWS::RDS::DBInstance"),
            _covered(plans),
            {
                "DBInstanceIdentifier": instance["DBInstanceIdentifier"],
                "Tags": tags,
                "plans": plans,
            },
            (CALLS["db_instances"],),
        )
    for cluster in snapshot.db_clusters:
        arn = cluster["DBClusterArn"]
        tags = tag_dict(cluster.get("TagList"))
        opt_in_type = "Aurora" if str(cluster.get("Engine")).startswith("aurora") else "RDS"
        plans = _plans_covering(snapshot, arn, tags, opt_in_type)
        yield _result(
            "backup_rds_instance_covered",
            ctx,
            snapshot,
            (arn, "AWS::RDS::DBCluster"),
            _covered(plans),
            {"DBClusterIdentifier": cluster["DBClusterIdentifier"], "Tags": tags, "plans": plans},
            (CALLS["db_clusters"],),
        )


@check(
    "backup_efs_covered",
    title="EFS file systems are covered by an AWS Backup plan",
    service=SERVICE,
    resource_type="AWS::EFS::FileSystem",
    severity=Severity.MEDIUM,
    criteria=SOC2,
    remediation=REMEDIATION,
)
def efs_covered(snapshot: BackupSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for file_system in snapshot.file_systems:
        arn = file_system["FileSystemArn"]
        tags = tag_dict(file_system.get("Tags"))
        plans = _plans_covering(snapshot, arn, tags, "EFS")
        yield _result(
            "backup_efs_covered",
            ctx,
            snapshot,
            (arn, "AWS::EFS::FileSystem"),
            _covered(plans),
            {"FileSystemId": file_system["FileSystemId"], "Tags": tags, "plans": plans},
            (CALLS["file_systems"],),
        )
