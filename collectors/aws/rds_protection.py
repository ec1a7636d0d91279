"""RDS copies and connections: encrypted manual snapshots, deletion protection, TLS enforced.

Automated snapshots take the instance's encryption (``rds_instance_encrypted``); only manual
snapshots can be copied unencrypted or shared, so they are the ones judged here. Aurora cluster
members take deletion protection and TLS from their cluster, which this reader does not read:
they are reported NOT_APPLICABLE with that reason rather than judged on instance fields.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collectors.aws.rds import DB_INSTANCE, SERVICE, RdsSnapshot
from collectors.aws.rds_parameters import parameters_call, tls_parameter
from collectors.readers import ReadError
from collectors.registry import check
from collectors.types import ApiCall, CheckContext, CheckResult, Severity, Status

ON_VALUES = frozenset({"1", "on", "true"})


def _result(
    check_id: str,
    ctx: CheckContext,
    snapshot: RdsSnapshot,
    instance: Mapping[str, Any],
    verdict: tuple[Status, str],
    evidence: Mapping[str, Any],
    sources: tuple[ApiCall, ...] = (),
) -> CheckResult:
    return CheckResult(
        check_id=check_id,
        account_id=ctx.account_id,
        region=snapshot.region,
        resource_id=instance["DBInstanceArn"],
        resource_type=DB_INSTANCE,
        status=verdict[0],
        reason=verdict[1],
        evidence={
            "DBInstanceIdentifier": instance["DBInstanceIdentifier"],
            "Engine": instance.get("Engine"),
            "DBClusterIdentifier": instance.get("DBClusterIdentifier"),
            **evidence,
        },
        sources=(snapshot.instances_call, *sources),
    )


def _cluster_member(instance: Mapping[str, Any], what: str) -> tuple[Status, str] | None:
    cluster = instance.get("DBClusterIdentifier")
    if cluster:
        return Status.NOT_APPLICABLE, f"{what} is set on cluster {cluster}, not the instance"
    return None


@check(
    "rds_snapshot_encrypted",
    title="RDS manual DB snapshots are encrypted",
    service=SERVICE,
    resource_type="AWS::RDS::DBSnapshot",
    severity=Severity.HIGH,
    criteria=("soc2-2017:CC6.1", "soc2-2017:C1.1"),
    remediation=(
        "Copy the snapshot with copy-db-snapshot --kms-key-id <key> to get an encrypted copy, "
        "check it restores, then delete the unencrypted snapshot."
    ),
)
def snapshot_encrypted(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for item in snapshot.snapshots:
        db_snapshot = item.snapshot
        encrypted = bool(db_snapshot.get("Encrypted"))
        yield CheckResult(
            check_id="rds_snapshot_encrypted",
            account_id=ctx.account_id,
            region=snapshot.region,
            resource_id=db_snapshot["DBSnapshotArn"],
            resource_type="AWS::RDS::DBSnapshot",
            status=Status.PASS if encrypted else Status.FAIL,
            reason=f"encrypted with {db_snapshot.get('KmsKeyId')}" if encrypted else "unencrypted",
            evidence={
                key: db_snapshot.get(key)
                for key in ("DBSnapshotIdentifier", "DBInstanceIdentifier", "Encrypted", "KmsKeyId")
            },
            sources=(snapshot.snapshots_call,),
        )


@check(
    "rds_instance_deletion_protection",
    title="RDS DB instances have deletion protection on",
    service=SERVICE,
    resource_type=DB_INSTANCE,
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:A1.2",),
    remediation="modify-db-instance --deletion-protection --apply-immediately.",
)
def deletion_protection(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for instance in snapshot.instances:
        verdict = _cluster_member(instance, "deletion protection") or (
            (Status.PASS, "deletion protection on")
            if instance.get("DeletionProtection")
            else (Status.FAIL, "deletion protection off: the instance can be deleted in one call")
        )
        evidence = {"DeletionProtection": instance.get("DeletionProtection")}
        yield _result(
            "rds_instance_deletion_protection", ctx, snapshot, instance, verdict, evidence
        )


def _tls_verdict(
    snapshot: RdsSnapshot, instance: Mapping[str, Any]
) -> tuple[tuple[Status, str], dict[str, Any], tuple[ApiCall, ...]]:
    parameter = tls_parameter(instance.get("Engine"))
    groups = instance.get("DBParameterGroups", [])
    if not parameter or not groups:
        engine = instance.get("Engine")
        return (Status.NOT_APPLICABLE, f"{engine} does not enforce TLS by DB parameter"), {}, ()
    group = groups[0]
    name = group["DBParameterGroupName"]
    read = snapshot.parameter_groups.get(name)
    sources = (parameters_call(name),)
    evidence: dict[str, Any] = {"DBParameterGroup": group, "parameter": parameter}
    if isinstance(read, ReadError) or read is None:
        why = read.reason if read else "group not read"
        return (Status.ERROR, f"could not read DescribeDBParameters: {why}"), evidence, sources
    found = next((p for p in read if p.get("ParameterName") == parameter), {})
    value = found.get("ParameterValue")
    evidence["Parameter"] = found or None
    if str(value).lower() not in ON_VALUES:
        return (Status.FAIL, f"{parameter} is {value or 'unset'} in {name}"), evidence, sources
    if group.get("ParameterApplyStatus") == "pending-reboot":
        reason = f"{parameter} is {value} in {name} but waits for a reboot to apply"
        return (Status.FAIL, reason), evidence, sources
    return (Status.PASS, f"{parameter} is {value} in {name}"), evidence, sources


@check(
    "rds_instance_tls_required",
    title="RDS DB instances refuse connections without TLS",
    service=SERVICE,
    resource_type=DB_INSTANCE,
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:CC6.7",),
    remediation=(
        "In a custom DB parameter group set rds.force_ssl=1 (PostgreSQL, SQL Server) or "
        "require_secure_transport=1 (MySQL, MariaDB), attach it to the instance and reboot if "
        "the change is pending."
    ),
)
def tls_required(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for instance in snapshot.instances:
        cluster = _cluster_member(instance, "TLS enforcement")
        if cluster:
            yield _result("rds_instance_tls_required", ctx, snapshot, instance, cluster, {})
            continue
        verdict, evidence, sources = _tls_verdict(snapshot, instance)
        yield _result(
            "rds_instance_tls_required", ctx, snapshot, instance, verdict, evidence, sources
        )
