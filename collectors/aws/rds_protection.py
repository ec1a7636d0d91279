"""RDS copies and connections: encrypted manual snapshots, deletion protection, TLS enforced.

Automated snapshots take the instance's encryption (``rds_instance_encrypted``); only manual
snapshots can be copied unencrypted or shared, so they are the ones judged here. Members of a DB
cluster (Aurora, Multi-AZ DB clusters) take deletion protection and TLS from their cluster, so
the cluster is judged (one result per cluster) instead of each member instance.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.aws.rds import DB_INSTANCE, DESCRIBE_CLUSTERS, SERVICE, RdsSnapshot
from collectors.aws.rds_parameters import cluster_parameters_call, parameters_call, tls_parameter
from collectors.readers import ReadError, make_result
from collectors.registry import check
from collectors.types import ApiCall, CheckContext, CheckResult, Severity, Status

ON_VALUES = frozenset({"1", "on", "true"})
DB_CLUSTER = "AWS::RDS::DBCluster"


@dataclass(frozen=True)
class Subject:
    """What a result is about: a standalone DB instance or a DB cluster."""

    arn: str
    resource_type: str
    summary: dict[str, Any]  # identifier and engine, for the evidence
    source: ApiCall  # the listing it came from


def _instances(snapshot: RdsSnapshot) -> Iterator[tuple[Subject, Mapping[str, Any]]]:
    """Standalone instances; cluster members are judged through their cluster."""
    for instance in snapshot.instances:
        if not instance.get("DBClusterIdentifier"):
            summary = {k: instance.get(k) for k in ("DBInstanceIdentifier", "Engine")}
            subject = Subject(
                instance["DBInstanceArn"], DB_INSTANCE, summary, snapshot.instances_call
            )
            yield subject, instance


def _clusters(snapshot: RdsSnapshot) -> Iterator[tuple[Subject, Mapping[str, Any]]]:
    clusters = () if isinstance(snapshot.clusters, ReadError) else snapshot.clusters
    for cluster in clusters:
        summary = {k: cluster.get(k) for k in ("DBClusterIdentifier", "Engine")}
        yield Subject(cluster["DBClusterArn"], DB_CLUSTER, summary, DESCRIBE_CLUSTERS), cluster


def _result(
    check_id: str,
    ctx: CheckContext,
    snapshot: RdsSnapshot,
    subject: Subject,
    verdict: tuple[Status, str],
    evidence: Mapping[str, Any],
    sources: tuple[ApiCall, ...] = (),
) -> CheckResult:
    return CheckResult(
        check_id=check_id,
        account_id=ctx.account_id,
        region=snapshot.region,
        resource_id=subject.arn,
        resource_type=subject.resource_type,
        status=verdict[0],
        reason=verdict[1],
        evidence={**subject.summary, **evidence},
        sources=(subject.source, *sources),
    )


def _clusters_error(
    check_id: str, ctx: CheckContext, snapshot: RdsSnapshot
) -> Iterator[CheckResult]:
    if isinstance(snapshot.clusters, ReadError):
        yield make_result(
            check_id,
            ctx,
            f"{ctx.account_id}:{snapshot.region}:db-clusters",
            Status.ERROR,
            f"could not read DescribeDBClusters: {snapshot.clusters.reason}",
            sources=(DESCRIBE_CLUSTERS,),
            region=snapshot.region,
        )


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
    title="RDS DB instances and clusters have deletion protection on",
    service=SERVICE,
    resource_type=DB_INSTANCE,
    severity=Severity.MEDIUM,
    criteria=("soc2-2017:A1.2",),
    remediation=(
        "modify-db-instance (or modify-db-cluster for a cluster) --deletion-protection "
        "--apply-immediately."
    ),
)
def deletion_protection(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "rds_instance_deletion_protection"
    for subject, resource in (*_instances(snapshot), *_clusters(snapshot)):
        kind = "cluster" if subject.resource_type == DB_CLUSTER else "instance"
        verdict = (
            (Status.PASS, "deletion protection on")
            if resource.get("DeletionProtection")
            else (Status.FAIL, f"deletion protection off: the {kind} can be deleted in one call")
        )
        evidence = {"DeletionProtection": resource.get("DeletionProtection")}
        yield _result(check_id, ctx, snapshot, subject, verdict, evidence)
    yield from _clusters_error(check_id, ctx, snapshot)


@dataclass(frozen=True)
class TlsSetting:
    parameter: str  # rds.force_ssl or require_secure_transport
    group: str  # the parameter group's name
    read: list[dict[str, Any]] | ReadError | None  # the group's TLS parameters
    source: ApiCall
    pending: bool  # the group's change waits for a reboot


def _tls_setting(snapshot: RdsSnapshot, resource: Mapping[str, Any]) -> TlsSetting | None:
    if "DBClusterArn" in resource:
        parameter = tls_parameter(resource.get("Engine"), cluster=True)
        name = str(resource.get("DBClusterParameterGroup") or "")
        members = resource.get("DBClusterMembers") or []
        pending = any(m.get("DBClusterParameterGroupStatus") == "pending-reboot" for m in members)
        read = snapshot.cluster_parameter_groups.get(name)
        source = cluster_parameters_call(name)
    else:
        parameter = tls_parameter(resource.get("Engine"))
        groups = resource.get("DBParameterGroups") or [{}]
        name = str(groups[0].get("DBParameterGroupName") or "")
        pending = groups[0].get("ParameterApplyStatus") == "pending-reboot"
        read = snapshot.parameter_groups.get(name)
        source = parameters_call(name)
    if not parameter or not name:
        return None
    return TlsSetting(parameter, name, read, source, pending)


def _tls_verdict(setting: TlsSetting) -> tuple[tuple[Status, str], dict[str, Any]]:
    evidence: dict[str, Any] = {"parameter_group": setting.group, "parameter": setting.parameter}
    if isinstance(setting.read, ReadError) or setting.read is None:
        why = setting.read.reason if setting.read else "group not read"
        return (Status.ERROR, f"could not read {setting.source.operation}: {why}"), evidence
    found = next((p for p in setting.read if p.get("ParameterName") == setting.parameter), {})
    value = found.get("ParameterValue")
    evidence["Parameter"] = found or None
    where = f"{setting.parameter} is {value or 'unset'} in {setting.group}"
    if str(value).lower() not in ON_VALUES:
        return (Status.FAIL, where), evidence
    if setting.pending:
        return (Status.FAIL, f"{where} but waits for a reboot to apply"), evidence
    return (Status.PASS, where), evidence


@check(
    "rds_instance_tls_required",
    title="RDS DB instances and clusters refuse connections without TLS",
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
    check_id = "rds_instance_tls_required"
    for subject, resource in (*_instances(snapshot), *_clusters(snapshot)):
        setting = _tls_setting(snapshot, resource)
        if setting is None:
            engine = resource.get("Engine")
            verdict = (Status.NOT_APPLICABLE, f"{engine} does not enforce TLS by parameter")
            yield _result(check_id, ctx, snapshot, subject, verdict, {})
            continue
        verdict, evidence = _tls_verdict(setting)
        yield _result(check_id, ctx, snapshot, subject, verdict, evidence, (setting.source,))
    yield from _clusters_error(check_id, ctx, snapshot)
