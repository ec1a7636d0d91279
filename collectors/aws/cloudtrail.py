"""CloudTrail checks over every trail of the account, and the S3 buckets the trails deliver to.

Read once per account: ListTrails names every trail with its home region; each trail is then
described, and its status and event selectors read, in its home region. Results carry that
region, so a multi-region trail is reported once rather than once per region. The trails' log
buckets are read and judged by the S3 service (``cloudtrail_bucket_*`` checks in ``s3_access``
and ``s3_buckets``), so each bucket is read once.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from collectors.aws.cloudtrail_selectors import (
    records_all_management_events,
    records_s3_objects,
    uses_default_selectors,
)
from collectors.readers import (
    AWS_FAULTS,
    ReadError,
    api_call,
    error_reason,
    guarded,
    make_result,
    paginate,
    parse_time,
)
from collectors.registry import check, service
from collectors.types import ApiCall, CheckContext, CheckResult, Scope, Severity, Status

LIST_TRAILS = api_call("cloudtrail", "ListTrails")
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
    return CloudTrailSnapshot(trails=trails)


def trail_bucket_names(session: Any, region: str) -> set[str] | ReadError:
    """The S3 buckets the account's trails deliver to (every home region's trails)."""
    try:
        home = session.client("cloudtrail", region_name=region)
        trails = paginate(home, "list_trails", "Trails")
        names: set[str] = set()
        for home_region in sorted({trail["HomeRegion"] for trail in trails}):
            arns = [t["TrailARN"] for t in trails if t["HomeRegion"] == home_region]
            client = session.client("cloudtrail", region_name=home_region)
            described = client.describe_trails(trailNameList=arns, includeShadowTrails=True)
            names |= {
                trail["S3BucketName"]
                for trail in described["trailList"]
                if trail["TrailARN"] in arns and trail.get("S3BucketName")
            }
        return names
    except AWS_FAULTS as exc:
        return ReadError(reason=error_reason(exc), source=api_call("cloudtrail", "ListTrails"))


# --- selectors -------------------------------------------------------------------------------


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
    elif uses_default_selectors(trail.description, trail.selectors) or not records_s3_objects(
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
