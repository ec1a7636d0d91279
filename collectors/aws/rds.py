"""RDS: DB instances and manual DB snapshots (with their restore attribute) of one region.

Only manual snapshots can be shared, so only they are listed; a failure reading one snapshot's
attributes is that snapshot's ERROR.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from collectors.aws.rds_parameters import read_cluster_parameter_groups, read_parameter_groups
from collectors.readers import ReadError, api_call, guarded, jsonable, paginate
from collectors.registry import check, service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

SERVICE = "rds"
DB_INSTANCE = "AWS::RDS::DBInstance"
RDS_CLUSTER_ENGINES = ("aurora", "mysql", "postgres")
DESCRIBE_CLUSTERS = api_call(SERVICE, "DescribeDBClusters")


@dataclass(frozen=True)
class DbSnapshot:
    snapshot: dict[str, Any]
    attributes: dict[str, Any] | ReadError  # DescribeDBSnapshotAttributesResult


@dataclass(frozen=True)
class RdsSnapshot:
    region: str
    instances: tuple[dict[str, Any], ...]
    instances_call: ApiCall
    snapshots: tuple[DbSnapshot, ...]
    snapshots_call: ApiCall
    # DB parameter group name -> its TLS parameters (see rds_parameters), or the read's error
    parameter_groups: Mapping[str, list[dict[str, Any]] | ReadError] = field(default_factory=dict)
    # DB clusters (Aurora, Multi-AZ DB clusters) and their cluster parameter groups' TLS parameters
    clusters: tuple[dict[str, Any], ...] | ReadError = ()
    cluster_parameter_groups: Mapping[str, list[dict[str, Any]] | ReadError] = field(
        default_factory=dict
    )


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> RdsSnapshot:
    client = session.client("rds", region_name=region)
    instances = paginate(client, "describe_db_instances", "DBInstances")
    snapshots = paginate(client, "describe_db_snapshots", "DBSnapshots", SnapshotType="manual")
    clusters = guarded(DESCRIBE_CLUSTERS, lambda: _rds_clusters(client))
    return RdsSnapshot(
        region=region,
        instances=tuple(jsonable(instances)),
        instances_call=api_call(SERVICE, "DescribeDBInstances"),
        snapshots=tuple(_read_attributes(client, jsonable(snapshot)) for snapshot in snapshots),
        snapshots_call=api_call(SERVICE, "DescribeDBSnapshots", SnapshotType="manual"),
        parameter_groups=read_parameter_groups(client, instances),
        clusters=clusters,
        cluster_parameter_groups=(
            {}
            if isinstance(clusters, ReadError)
            else read_cluster_parameter_groups(client, clusters)
        ),
    )


def _rds_clusters(client: Any) -> tuple[dict[str, Any], ...]:
    # DescribeDBClusters also lists Neptune and DocumentDB clusters: keep the RDS ones.
    return tuple(
        cluster
        for cluster in jsonable(paginate(client, "describe_db_clusters", "DBClusters"))
        if str(cluster.get("Engine", "")).startswith(RDS_CLUSTER_ENGINES)
    )


def _attributes_call(identifier: str) -> ApiCall:
    return api_call(SERVICE, "DescribeDBSnapshotAttributes", DBSnapshotIdentifier=identifier)


def _read_attributes(client: Any, snapshot: dict[str, Any]) -> DbSnapshot:
    identifier = snapshot["DBSnapshotIdentifier"]
    attributes = guarded(
        _attributes_call(identifier),
        lambda: jsonable(
            client.describe_db_snapshot_attributes(DBSnapshotIdentifier=identifier)[
                "DBSnapshotAttributesResult"
            ]
        ),
    )
    return DbSnapshot(snapshot=snapshot, attributes=attributes)


Decide = Callable[[Mapping[str, Any], CheckContext], tuple[Status, str]]


def _per_instance(
    check_id: str, snapshot: RdsSnapshot, ctx: CheckContext, fields: tuple[str, ...], decide: Decide
) -> Iterator[CheckResult]:
    """One result per DB instance; evidence is the identifier plus the fields that decided it."""
    for instance in snapshot.instances:
        status, reason = decide(instance, ctx)
        yield CheckResult(
            check_id=check_id,
            account_id=ctx.account_id,
            region=snapshot.region,
            resource_id=instance["DBInstanceArn"],
            resource_type=DB_INSTANCE,
            status=status,
            reason=reason,
            evidence={
                "DBInstanceIdentifier": instance["DBInstanceIdentifier"],
                "Engine": instance.get("Engine"),
                **{field: instance.get(field) for field in fields},
            },
            sources=(snapshot.instances_call,),
        )


def _flag(field: str, on: str, off: str) -> Decide:
    def decide(instance: Mapping[str, Any], ctx: CheckContext) -> tuple[Status, str]:
        return (Status.PASS, on) if instance.get(field) else (Status.FAIL, off)

    return decide


@check(
    "rds_instance_encrypted",
    title="RDS DB instances encrypt storage",
    service=SERVICE,
    resource_type=DB_INSTANCE,
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:3.2.1",),
)
def instance_encrypted(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    decide = _flag("StorageEncrypted", "storage encrypted", "storage not encrypted")
    return _per_instance(
        "rds_instance_encrypted", snapshot, ctx, ("StorageEncrypted", "KmsKeyId"), decide
    )


@check(
    "rds_instance_not_public",
    title="RDS DB instances are not publicly accessible",
    service=SERVICE,
    resource_type=DB_INSTANCE,
    severity=Severity.CRITICAL,
    criteria=("cis-aws-7.0.0:3.2.3",),
)
def instance_not_public(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    def decide(instance: Mapping[str, Any], ctx: CheckContext) -> tuple[Status, str]:
        if instance.get("PubliclyAccessible"):
            return Status.FAIL, "PubliclyAccessible is true: the endpoint resolves to a public IP"
        return Status.PASS, "not publicly accessible"

    return _per_instance(
        "rds_instance_not_public",
        snapshot,
        ctx,
        ("PubliclyAccessible", "Endpoint", "DBSubnetGroup"),
        decide,
    )


@check(
    "rds_instance_multi_az",
    title="RDS DB instances are Multi-AZ",
    service=SERVICE,
    resource_type=DB_INSTANCE,
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:3.2.4",),
)
def instance_multi_az(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    decide = _flag("MultiAZ", "Multi-AZ deployment", "single-AZ deployment")
    return _per_instance(
        "rds_instance_multi_az", snapshot, ctx, ("MultiAZ", "AvailabilityZone"), decide
    )


@check(
    "rds_backup_retention",
    title="RDS DB instances keep automated backups long enough",
    service=SERVICE,
    resource_type=DB_INSTANCE,
    severity=Severity.MEDIUM,
    parameters={"rds_backup_retention_days": 7},
)
def backup_retention(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    def decide(instance: Mapping[str, Any], ctx: CheckContext) -> tuple[Status, str]:
        minimum = int(ctx.parameters["rds_backup_retention_days"])
        days = int(instance.get("BackupRetentionPeriod") or 0)
        status = Status.PASS if days >= minimum else Status.FAIL
        return status, f"backups kept {days} day(s); at least {minimum} required"

    return _per_instance("rds_backup_retention", snapshot, ctx, ("BackupRetentionPeriod",), decide)


@check(
    "rds_auto_minor_upgrade",
    title="RDS DB instances apply minor engine upgrades automatically",
    service=SERVICE,
    resource_type=DB_INSTANCE,
    severity=Severity.LOW,
    criteria=("cis-aws-7.0.0:3.2.2",),
)
def auto_minor_upgrade(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    decide = _flag(
        "AutoMinorVersionUpgrade", "auto minor version upgrade on", "auto minor upgrade off"
    )
    return _per_instance(
        "rds_auto_minor_upgrade",
        snapshot,
        ctx,
        ("AutoMinorVersionUpgrade", "EngineVersion"),
        decide,
    )


@check(
    "rds_snapshot_not_public",
    title="RDS DB snapshots are not public",
    service=SERVICE,
    resource_type="AWS::RDS::DBSnapshot",
    severity=Severity.CRITICAL,
)
def snapshot_not_public(snapshot: RdsSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    for item in snapshot.snapshots:
        identifier = item.snapshot["DBSnapshotIdentifier"]
        failed = item.attributes if isinstance(item.attributes, ReadError) else None
        result = {} if failed else item.attributes
        restore = [
            value
            for attribute in result.get("DBSnapshotAttributes", [])
            if attribute.get("AttributeName") == "restore"
            for value in attribute.get("AttributeValues", [])
        ]
        if failed:
            status = Status.ERROR
            reason = f"could not read {failed.source.operation}: {failed.reason}"
        elif "all" in restore:
            status, reason = Status.FAIL, "restore attribute includes all: any account may restore"
        elif restore:
            status, reason = Status.PASS, f"not public; shared with {', '.join(restore)}"
        else:
            status, reason = Status.PASS, "not public and not shared"
        yield CheckResult(
            check_id="rds_snapshot_not_public",
            account_id=ctx.account_id,
            region=snapshot.region,
            resource_id=item.snapshot["DBSnapshotArn"],
            resource_type="AWS::RDS::DBSnapshot",
            status=status,
            reason=reason,
            evidence={
                "DBSnapshotIdentifier": identifier,
                "DBInstanceIdentifier": item.snapshot.get("DBInstanceIdentifier"),
                "attributes": result or None,
            },
            sources=(snapshot.snapshots_call, _attributes_call(identifier)),
        )
