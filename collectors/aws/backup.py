"""AWS Backup and Data Lifecycle Manager: which EBS volumes, RDS instances and EFS file systems
a backup plan selection or a DLM policy covers, in one region.

Reads per region: ListBackupPlans, ListBackupSelections and GetBackupSelection per plan and
selection, DescribeRegionSettings (service opt-in), GetLifecyclePolicies and GetLifecyclePolicy
per enabled DLM policy, and the resources themselves (DescribeVolumes, DescribeDBInstances,
DescribeDBClusters, DescribeFileSystems: a check judges one service's snapshot, so this reader
lists the resources it judges, four calls per region more than the ec2/rds/efs readers make).

Selection semantics, from the AWS Backup guide ("Assign resources with AWS CLI", BackupSelection):
Resources are OR'ed ARN patterns, NotResources exclude, Conditions are AND'ed tag tests
(StringEquals, StringNotEquals, StringLike, StringNotLike), ListOfTags are OR'ed StringEquals
tests; types are filtered first, then tags. A selection with no Resources, or Resources "*",
only reaches resource types opted in for the region; an explicit ARN pattern reaches its type
regardless of opt-in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from collectors.readers import ReadError, api_call, guarded, jsonable, paginate
from collectors.registry import service
from collectors.types import ApiCall, Scope

SERVICE = "backup"
TAG_KEY_PREFIX = "aws:ResourceTag/"
CALLS = {
    "plans": api_call("backup", "ListBackupPlans"),
    "settings": api_call("backup", "DescribeRegionSettings"),
    "dlm": api_call("dlm", "GetLifecyclePolicies", State="ENABLED"),
    "instances": api_call("ec2", "DescribeInstances"),
    "volumes": api_call("ec2", "DescribeVolumes"),
    "db_instances": api_call("rds", "DescribeDBInstances"),
    "db_clusters": api_call("rds", "DescribeDBClusters"),
    "file_systems": api_call("efs", "DescribeFileSystems"),
}


@dataclass(frozen=True)
class Selection:
    plan_name: str
    plan_id: str
    selection_id: str
    selection: dict[str, Any]  # GetBackupSelection's BackupSelection


@dataclass(frozen=True)
class BackupSnapshot:
    region: str
    selections: tuple[Selection, ...]
    opt_in: dict[str, bool]  # DescribeRegionSettings' ResourceTypeOptInPreference
    dlm_policies: list[dict[str, Any]] | ReadError  # GetLifecyclePolicy's Policy, enabled only
    volumes: tuple[dict[str, Any], ...]
    db_instances: tuple[dict[str, Any], ...]
    db_clusters: tuple[dict[str, Any], ...]  # Aurora and Multi-AZ DB clusters
    file_systems: tuple[dict[str, Any], ...]
    # Instance id -> tags, read only when a DLM policy targets instances (their volumes).
    instance_tags: dict[str, dict[str, str]] | ReadError = field(default_factory=dict)


@service(SERVICE, Scope.REGIONAL)
def fetch(session: Any, region: str) -> BackupSnapshot:
    backup = session.client("backup", region_name=region)
    settings = backup.describe_region_settings().get("ResourceTypeOptInPreference", {})
    rds = session.client("rds", region_name=region)
    clusters = _listed(rds, "describe_db_clusters", "DBClusters")
    dlm_policies = guarded(CALLS["dlm"], lambda: _dlm_policies(session, region))
    return BackupSnapshot(
        region=region,
        selections=tuple(_selections(backup)),
        opt_in={str(k): bool(v) for k, v in settings.items()},
        dlm_policies=dlm_policies,
        volumes=_listed(session.client("ec2", region_name=region), "describe_volumes", "Volumes"),
        db_instances=_listed(rds, "describe_db_instances", "DBInstances"),
        db_clusters=tuple(
            c
            for c in clusters
            if str(c.get("Engine", "")).startswith(("aurora", "mysql", "postgres"))
        ),
        file_systems=_listed(
            session.client("efs", region_name=region), "describe_file_systems", "FileSystems"
        ),
        instance_tags=_instance_tags(session, region, dlm_policies),
    )


def _instance_tags(
    session: Any, region: str, policies: list[dict[str, Any]] | ReadError
) -> dict[str, dict[str, str]] | ReadError:
    targets_instances = not isinstance(policies, ReadError) and any(
        "INSTANCE" in ((p.get("PolicyDetails") or {}).get("ResourceTypes") or []) for p in policies
    )
    if not targets_instances:
        return {}

    def read() -> dict[str, dict[str, str]]:
        ec2 = session.client("ec2", region_name=region)
        reservations = paginate(ec2, "describe_instances", "Reservations")
        return {
            i["InstanceId"]: tag_dict(i.get("Tags")) for r in reservations for i in r["Instances"]
        }

    return guarded(CALLS["instances"], read)


def _listed(client: Any, method: str, key: str) -> tuple[dict[str, Any], ...]:
    return tuple(jsonable(paginate(client, method, key)))


def _selections(backup: Any) -> list[Selection]:
    found = []
    for plan in paginate(backup, "list_backup_plans", "BackupPlansList"):
        plan_id = plan["BackupPlanId"]
        listed = paginate(
            backup, "list_backup_selections", "BackupSelectionsList", BackupPlanId=plan_id
        )
        for item in listed:
            detail = backup.get_backup_selection(
                BackupPlanId=plan_id, SelectionId=item["SelectionId"]
            )
            found.append(
                Selection(
                    plan_name=plan.get("BackupPlanName", plan_id),
                    plan_id=plan_id,
                    selection_id=item["SelectionId"],
                    selection=jsonable(detail["BackupSelection"]),
                )
            )
    return found


def _dlm_policies(session: Any, region: str) -> list[dict[str, Any]]:
    dlm = session.client("dlm", region_name=region)
    summaries = dlm.get_lifecycle_policies(State="ENABLED").get("Policies", [])
    return [jsonable(dlm.get_lifecycle_policy(PolicyId=s["PolicyId"])["Policy"]) for s in summaries]


def selection_calls(snapshot: BackupSnapshot) -> tuple[ApiCall, ...]:
    return (
        CALLS["plans"],
        CALLS["settings"],
        *(
            api_call(
                "backup", "GetBackupSelection", BackupPlanId=s.plan_id, SelectionId=s.selection_id
            )
            for s in snapshot.selections
        ),
    )


# --- matching -------------------------------------------------------------------------------


def _tag_test(operator: str, tags: Mapping[str, str], key: str, value: str) -> bool:
    tag_key = key[len(TAG_KEY_PREFIX) :] if key.startswith(TAG_KEY_PREFIX) else key
    actual = tags.get(tag_key)
    if operator == "StringEquals":
        return actual == value
    if operator == "StringNotEquals":
        return actual != value
    if operator == "StringLike":
        return actual is not None and fnmatchcase(actual, value)
    if operator == "StringNotLike":
        return actual is None or not fnmatchcase(actual, value)
    return False  # an operator this code does not know never widens coverage


def selects(
    selection: Mapping[str, Any],
    arn: str,
    tags: Mapping[str, str],
    opt_in_type: str,
    opt_in: Mapping[str, bool],
) -> bool:
    """Whether a BackupSelection assigns the resource ``arn`` (tags as a dict) to its plan."""
    patterns = [str(p) for p in selection.get("Resources") or []]
    explicit = any(p != "*" and fnmatchcase(arn, p) for p in patterns)
    wildcard = not patterns or "*" in patterns
    if not explicit and not (wildcard and opt_in.get(opt_in_type, False)):
        return False
    if any(fnmatchcase(arn, str(p)) for p in selection.get("NotResources") or []):
        return False
    conditions = selection.get("Conditions") or {}
    for operator, tests in conditions.items():
        for test in tests or []:
            if not _tag_test(operator, tags, test["ConditionKey"], test["ConditionValue"]):
                return False
    list_of_tags = selection.get("ListOfTags") or []
    if list_of_tags:
        return any(
            _tag_test("StringEquals", tags, t["ConditionKey"], t["ConditionValue"])
            for t in list_of_tags
        )
    return True


def tag_dict(tags: Any) -> dict[str, str]:
    return {str(t.get("Key")): str(t.get("Value")) for t in tags or []}


def dlm_covers(
    policy: Mapping[str, Any],
    volume_tags: Mapping[str, str],
    instances_tags: Sequence[Mapping[str, str]] = (),
) -> bool:
    """An enabled EBS snapshot policy that targets the volume, or an instance it is attached to,
    by tag; or a default volume policy that does not exclude it."""
    details = policy.get("PolicyDetails") or {}
    if details.get("PolicyType", "EBS_SNAPSHOT_MANAGEMENT") != "EBS_SNAPSHOT_MANAGEMENT":
        return False
    if details.get("PolicyLanguage") == "SIMPLIFIED" and details.get("ResourceType") == "VOLUME":
        excluded = tag_dict((details.get("Exclusions") or {}).get("ExcludeTags"))
        return not any(volume_tags.get(k) == v for k, v in excluded.items())
    targets = tag_dict(details.get("TargetTags")).items()
    kinds = details.get("ResourceTypes") or []
    if "VOLUME" in kinds and any(volume_tags.get(k) == v for k, v in targets):
        return True
    return "INSTANCE" in kinds and any(
        tags.get(k) == v for tags in instances_tags for k, v in targets
    )
