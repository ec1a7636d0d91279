"""CloudTrail checks over every trail of the account, and the S3 buckets the trails deliver to.

Read once per account: ListTrails names every trail with its home region; each trail is then
described, and its status and event selectors read, in its home region. Results carry that
region, so a multi-region trail is reported once rather than once per region. The trails' log
buckets are read and judged by the S3 module, so a bucket is public here exactly when
``s3_bucket_not_public`` says so.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from collectors.aws import s3, s3_access, s3_buckets
from collectors.readers import (
    ReadError,
    api_call,
    guarded,
    make_result,
    paginate,
    parse_time,
)
from collectors.registry import check, service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

LIST_TRAILS = api_call("cloudtrail", "ListTrails")
ALL_S3_OBJECTS = ("arn:aws:s3", "arn:aws:s3:::")
CLOUDWATCH_DELIVERY_MAX_AGE = dt.timedelta(days=1)
SOC2_MONITORING = "soc2-2017:CC7.2"


@dataclass(frozen=True)
class Trail:
    description: dict[str, Any]  # one DescribeTrails trailList entry
    status: dict[str, Any] | ReadError  # GetTrailStatus
    selectors: dict[str, Any] | ReadError  # GetEventSelectors

    @property
    def arn(self) -> str:
        return self.description["TrailARN"]

    @property
    def home_region(self) -> str:
        return self.description["HomeRegion"]

    @property
    def name(self) -> str:
        return self.description["Name"]


@dataclass(frozen=True)
class CloudTrailSnapshot:
    trails: list[Trail]
    buckets: s3.S3Snapshot | None  # the trails' log buckets; None when no trail names one


# --- reading ---------------------------------------------------------------------------------


def read_trail(client: Any, description: dict[str, Any]) -> Trail:
    arn = description["TrailARN"]
    return Trail(
        description=description,
        status=guarded(
            api_call("cloudtrail", "GetTrailStatus", Name=arn),
            lambda: _without_metadata(client.get_trail_status(Name=arn)),
        ),
        selectors=guarded(
            api_call("cloudtrail", "GetEventSelectors", TrailName=arn),
            lambda: _without_metadata(client.get_event_selectors(TrailName=arn)),
        ),
    )


def _without_metadata(response: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in response.items() if k != "ResponseMetadata"}


def _describe_homed_trails(client: Any, arns: list[str]) -> list[dict[str, Any]]:
    described = client.describe_trails(trailNameList=arns, includeShadowTrails=True)["trailList"]
    # Filter too: some endpoints (moto) ignore trailNameList.
    return [trail for trail in described if trail["TrailARN"] in arns]


@service("cloudtrail", Scope.GLOBAL)
def fetch(session: Any, region: str) -> CloudTrailSnapshot:
    home_client = session.client("cloudtrail", region_name=region)
    arns_by_region: dict[str, list[str]] = defaultdict(list)
    for info in paginate(home_client, "list_trails", "Trails"):
        arns_by_region[info["HomeRegion"]].append(info["TrailARN"])
    trails: list[Trail] = []
    for home_region, arns in sorted(arns_by_region.items()):
        client = session.client("cloudtrail", region_name=home_region)
        trails.extend(read_trail(client, d) for d in _describe_homed_trails(client, arns))
    bucket_names = {
        t.description["S3BucketName"] for t in trails if t.description.get("S3BucketName")
    }
    return CloudTrailSnapshot(
        trails=trails,
        buckets=s3.read_snapshot(session, region, names=bucket_names) if bucket_names else None,
    )


# --- selectors -------------------------------------------------------------------------------


def _fields(selector: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    return {field["Field"]: field for field in selector.get("FieldSelectors", [])}


def uses_default_selectors(description: Mapping[str, Any], selectors: Any) -> bool:
    """A trail nobody gave event selectors records all management events (AWS's default).

    DescribeTrails says so with ``HasCustomEventSelectors: false``; selectors that were read and
    are not empty are judged as they are (some endpoints report the flag false regardless).
    """
    if description.get("HasCustomEventSelectors", True):
        return False
    if isinstance(selectors, Mapping):
        return not (selectors.get("EventSelectors") or selectors.get("AdvancedEventSelectors"))
    return True  # unreadable selectors: the flag alone says the default applies


def records_all_management_events(selectors: Mapping[str, Any]) -> bool:
    """Management events, both read and write, through classic or advanced selectors.

    Several selectors together count (one read-only and one write-only selector cover both).
    An advanced selector counts when it only narrows by ``readOnly`` or excludes event sources
    (``eventSource`` NotEquals), like ExcludeManagementEventSources on a classic selector.
    """
    covered: set[str] = set()
    directions = {"All": {"read", "write"}, "ReadOnly": {"read"}, "WriteOnly": {"write"}}
    for selector in selectors.get("EventSelectors") or []:
        if selector.get("IncludeManagementEvents", True):
            covered |= directions.get(selector.get("ReadWriteType", "All"), set())
    for selector in selectors.get("AdvancedEventSelectors") or []:
        covered |= _advanced_management_directions(_fields(selector))
    return covered == {"read", "write"}


def _advanced_management_directions(fields: Mapping[str, Mapping[str, Any]]) -> set[str]:
    if fields.get("eventCategory", {}).get("Equals") != ["Management"]:
        return set()
    for name, field in fields.items():
        if name in ("eventCategory", "readOnly"):
            continue
        operators = {key for key, value in field.items() if key != "Field" and value}
        if not (name == "eventSource" and operators <= {"NotEquals"}):
            return set()  # narrowed to some event sources or by another attribute
    read_only = fields.get("readOnly", {}).get("Equals")
    if read_only is None:
        return {"read", "write"}
    return {"read"} if read_only == ["true"] else {"write"} if read_only == ["false"] else set()


def _records_s3_objects(selectors: Mapping[str, Any], *, write: bool) -> bool:
    """S3 object data events for all buckets in the given direction (write or read)."""
    wanted = {"All", "WriteOnly" if write else "ReadOnly"}
    for selector in selectors.get("EventSelectors") or []:
        if selector.get("ReadWriteType", "All") in wanted and any(
            resource.get("Type") == "AWS::S3::Object"
            and any(value in ALL_S3_OBJECTS for value in resource.get("Values", []))
            for resource in selector.get("DataResources", [])
        ):
            return True
    read_only = ["false"] if write else ["true"]
    for selector in selectors.get("AdvancedEventSelectors") or []:
        fields = _fields(selector)
        if (
            fields.get("eventCategory", {}).get("Equals") == ["Data"]
            and fields.get("resources.type", {}).get("Equals") == ["AWS::S3::Object"]
            and "resources.ARN" not in fields
            and fields.get("readOnly", {}).get("Equals", read_only) == read_only
        ):
            return True
    return False


def trail_sources(trail: Trail) -> tuple[ApiCall, ...]:
    return (
        api_call(
            "cloudtrail", "DescribeTrails", trailNameList=[trail.arn], includeShadowTrails=True
        ),
        api_call("cloudtrail", "GetTrailStatus", Name=trail.arn),
        api_call("cloudtrail", "GetEventSelectors", TrailName=trail.arn),
    )


def trail_evidence(trail: Trail) -> dict[str, Any]:
    return {
        "trail": trail.description,
        "status": trail.status if not isinstance(trail.status, ReadError) else None,
        "event_selectors": trail.selectors if not isinstance(trail.selectors, ReadError) else None,
    }


def logging_trail_problems(trail: Trail) -> list[str]:
    """Why a trail is not a multi-region trail logging all management events (empty if it is)."""
    problems = []
    if not trail.description.get("IsMultiRegionTrail"):
        problems.append("is not multi-region")
    if isinstance(trail.status, ReadError):
        problems.append(f"status unreadable ({trail.status.reason})")
    elif not trail.status.get("IsLogging"):
        problems.append("is not logging")
    if uses_default_selectors(trail.description, trail.selectors):
        pass  # AWS's default selectors record all read and write management events
    elif isinstance(trail.selectors, ReadError):
        problems.append(f"event selectors unreadable ({trail.selectors.reason})")
    elif not records_all_management_events(trail.selectors):
        problems.append("does not record all read and write management events")
    return problems


# --- account-level checks --------------------------------------------------------------------


def _account_level(
    check_id: str,
    snapshot: CloudTrailSnapshot,
    ctx: CheckContext,
    qualifies: Callable[[Trail], list[str]],
    requirement: str,
) -> CheckResult:
    """PASS on the first trail that qualifies, else FAIL for the account with every trail's gaps."""
    gaps = {trail.arn: qualifies(trail) for trail in snapshot.trails}
    passing = [trail for trail in snapshot.trails if not gaps[trail.arn]]
    if passing:
        trail = passing[0]
        return make_result(
            check_id,
            ctx,
            trail.arn,
            Status.PASS,
            f"trail {trail.name} is {requirement}",
            evidence=trail_evidence(trail),
            sources=trail_sources(trail),
            region=trail.home_region,
        )
    reason = (
        f"no trail is {requirement}: "
        + "; ".join(
            f"{arn.rsplit('/', 1)[-1]} {', '.join(problems)}" for arn, problems in gaps.items()
        )
        if gaps
        else f"the account has no trails (required: a trail that is {requirement})"
    )
    return make_result(
        check_id,
        ctx,
        ctx.account_id,
        Status.FAIL,
        reason,
        evidence={"trails": [trail_evidence(t) for t in snapshot.trails]},
        sources=(LIST_TRAILS, *(s for t in snapshot.trails for s in trail_sources(t))),
    )


@check(
    "cloudtrail_multi_region_logging",
    title="A multi-region trail is logging all management events",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.CRITICAL,
    criteria=("cis-aws-7.0.0:4.1", SOC2_MONITORING, "soc2-2017:CC7.3"),
)
def multi_region_logging(snapshot: CloudTrailSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield _account_level(
        "cloudtrail_multi_region_logging",
        snapshot,
        ctx,
        logging_trail_problems,
        "multi-region, logging and recording all management events",
    )


def _s3_object_problems(trail: Trail, *, write: bool) -> list[str]:
    problems = [p for p in logging_trail_problems(trail) if "selectors" not in p]
    problems = [p for p in problems if "management events" not in p]
    if isinstance(trail.selectors, ReadError):
        problems.append(f"event selectors unreadable ({trail.selectors.reason})")
    elif uses_default_selectors(trail.description, trail.selectors) or not _records_s3_objects(
        trail.selectors, write=write
    ):
        problems.append(
            f"does not record S3 object {'write' if write else 'read'} events for all buckets"
        )
    return problems


@check(
    "cloudtrail_s3_object_write_events",
    title="S3 object-level write events are logged for all buckets",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.8", SOC2_MONITORING),
)
def s3_object_write_events(
    snapshot: CloudTrailSnapshot, ctx: CheckContext
) -> Iterator[CheckResult]:
    yield _account_level(
        "cloudtrail_s3_object_write_events",
        snapshot,
        ctx,
        lambda trail: _s3_object_problems(trail, write=True),
        "multi-region, logging and recording S3 object write events for all buckets",
    )


@check(
    "cloudtrail_s3_object_read_events",
    title="S3 object-level read events are logged for all buckets",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.9", SOC2_MONITORING),
)
def s3_object_read_events(snapshot: CloudTrailSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield _account_level(
        "cloudtrail_s3_object_read_events",
        snapshot,
        ctx,
        lambda trail: _s3_object_problems(trail, write=False),
        "multi-region, logging and recording S3 object read events for all buckets",
    )


# --- per-trail checks ------------------------------------------------------------------------


def _no_trails(check_id: str, ctx: CheckContext) -> CheckResult:
    return make_result(
        check_id,
        ctx,
        ctx.account_id,
        Status.NOT_APPLICABLE,
        "the account has no trails",
        sources=(LIST_TRAILS,),
    )


def _per_trail(
    check_id: str,
    snapshot: CloudTrailSnapshot,
    ctx: CheckContext,
    judge: Callable[[Trail, CheckContext], tuple[bool, str]],
) -> Iterator[CheckResult]:
    if not snapshot.trails:
        yield _no_trails(check_id, ctx)
    for trail in snapshot.trails:
        passed, reason = judge(trail, ctx)
        yield make_result(
            check_id,
            ctx,
            trail.arn,
            Status.PASS if passed else Status.FAIL,
            f"trail {trail.name} {reason}",
            evidence=trail_evidence(trail),
            sources=trail_sources(trail),
            region=trail.home_region,
        )


def _log_file_validation(trail: Trail, ctx: CheckContext) -> tuple[bool, str]:
    enabled = bool(trail.description.get("LogFileValidationEnabled"))
    return enabled, f"log file validation is {'enabled' if enabled else 'disabled'}"


def _kms_encryption(trail: Trail, ctx: CheckContext) -> tuple[bool, str]:
    key = trail.description.get("KmsKeyId")
    return bool(
        key
    ), f"logs are encrypted with {key}" if key else "logs are not encrypted with a KMS key"


def _cloudwatch_delivery(trail: Trail, ctx: CheckContext) -> tuple[bool, str]:
    group = trail.description.get("CloudWatchLogsLogGroupArn")
    if not group:
        return False, "does not deliver to CloudWatch Logs"
    if isinstance(trail.status, ReadError):
        return False, f"delivers to {group} but its status is unreadable ({trail.status.reason})"
    delivered = parse_time(trail.status.get("LatestCloudWatchLogsDeliveryTime"))
    if delivered is None:
        return False, f"delivers to {group} but has never delivered"
    if ctx.now - delivered > CLOUDWATCH_DELIVERY_MAX_AGE:
        return False, f"last delivered to {group} at {delivered.isoformat()} (over a day ago)"
    return True, f"delivered to {group} at {delivered.isoformat()}"


@check(
    "cloudtrail_log_file_validation",
    title="Trails have log file validation enabled",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.2", SOC2_MONITORING),
)
def log_file_validation(snapshot: CloudTrailSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield from _per_trail("cloudtrail_log_file_validation", snapshot, ctx, _log_file_validation)


@check(
    "cloudtrail_kms_encryption",
    title="Trail logs are encrypted with a KMS key",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.5", "soc2-2017:CC6.1"),
)
def kms_encryption(snapshot: CloudTrailSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield from _per_trail("cloudtrail_kms_encryption", snapshot, ctx, _kms_encryption)


@check(
    "cloudtrail_cloudwatch_logs",
    title="Trails deliver to CloudWatch Logs",
    service="cloudtrail",
    resource_type="AWS::CloudTrail::Trail",
    severity=Severity.MEDIUM,
    criteria=(SOC2_MONITORING,),
)
def cloudwatch_logs(snapshot: CloudTrailSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield from _per_trail("cloudtrail_cloudwatch_logs", snapshot, ctx, _cloudwatch_delivery)


# --- trail buckets ---------------------------------------------------------------------------


def _trail_buckets(
    check_id: str,
    snapshot: CloudTrailSnapshot,
    ctx: CheckContext,
    required: tuple[str, ...],
    decide: Callable[[s3.S3Snapshot, s3.Bucket], s3.Verdict],
    **options: Any,
) -> Iterator[CheckResult]:
    """S3's per-bucket evaluation of the log buckets, reported in the home region of a trail."""
    if snapshot.buckets is None:
        yield _no_trails(check_id, ctx)
        return
    buckets = snapshot.buckets
    # A bucket several trails share is reported in the first such trail's home region.
    home = {t.description.get("S3BucketName"): t.home_region for t in reversed(snapshot.trails)}
    yield from s3.evaluate_buckets(
        check_id,
        buckets,
        ctx,
        required,
        lambda bucket: decide(buckets, bucket),
        region=lambda bucket: home[bucket.name],
        **options,
    )


@check(
    "cloudtrail_bucket_not_public",
    title="The trail log bucket is not public",
    service="cloudtrail",
    resource_type="AWS::S3::Bucket",
    severity=Severity.CRITICAL,
    criteria=("soc2-2017:CC6.1", SOC2_MONITORING),
)
def bucket_not_public(snapshot: CloudTrailSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return _trail_buckets(
        "cloudtrail_bucket_not_public",
        snapshot,
        ctx,
        s3_access.NOT_PUBLIC_READS,
        s3_access.public_verdict,
        optional=("policy_status",),
        account_level=True,
    )


@check(
    "cloudtrail_bucket_access_logging",
    title="The trail log bucket has server access logging",
    service="cloudtrail",
    resource_type="AWS::S3::Bucket",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:4.4", SOC2_MONITORING),
)
def bucket_access_logging(snapshot: CloudTrailSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    return _trail_buckets(
        "cloudtrail_bucket_access_logging",
        snapshot,
        ctx,
        ("logging",),
        lambda _, bucket: s3_buckets.access_logging_verdict(bucket),
    )
