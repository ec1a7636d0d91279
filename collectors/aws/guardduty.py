"""GuardDuty: an enabled detector in every region."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from collectors.readers import api_call, make_result, paginate
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

LIST_DETECTORS = api_call("guardduty", "ListDetectors")


@service("guardduty", Scope.REGIONAL)
def fetch(session: Any, region: str) -> dict[str, dict[str, Any]]:
    """Detector id -> GetDetector response (one detector per region in practice)."""
    client = session.client("guardduty", region_name=region)
    return {
        detector_id: client.get_detector(DetectorId=detector_id)
        for detector_id in paginate(client, "list_detectors", "DetectorIds")
    }


@check(
    "guardduty_enabled",
    title="GuardDuty is enabled",
    service="guardduty",
    resource_type="AWS::GuardDuty::Detector",
    severity=Severity.HIGH,
    criteria=("soc2-2017:CC7.2",),
)
def guardduty_enabled(
    detectors: dict[str, dict[str, Any]], ctx: CheckContext
) -> Iterator[CheckResult]:
    enabled = [d for d, detail in detectors.items() if detail.get("Status") == "ENABLED"]
    detector_id = enabled[0] if enabled else next(iter(detectors), None)
    if enabled:
        reason = f"detector {detector_id} is ENABLED"
    elif detector_id:
        reason = f"detector {detector_id} is {detectors[detector_id].get('Status')}"
    else:
        reason = f"no GuardDuty detector in {ctx.region}"
    yield make_result(
        "guardduty_enabled",
        ctx,
        f"arn:aws:guardduty:{ctx.region}:{ctx.account_id}:detector/{detector_id}"
        if detector_id
        else ctx.account_id,
        Status.PASS if enabled else Status.FAIL,
        reason,
        evidence={"detectors": detectors},
        sources=(
            LIST_DETECTORS,
            *(api_call("guardduty", "GetDetector", DetectorId=d) for d in detectors),
        ),
    )
