"""AWS Config: a recorder that is on, records all resource types and has a delivery channel."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from collectors.readers import api_call, make_result
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

DESCRIBE_RECORDERS = api_call("config", "DescribeConfigurationRecorders")
DESCRIBE_RECORDER_STATUS = api_call("config", "DescribeConfigurationRecorderStatus")
DESCRIBE_DELIVERY_CHANNELS = api_call("config", "DescribeDeliveryChannels")


@dataclass(frozen=True)
class ConfigSnapshot:
    recorders: list[dict[str, Any]]
    statuses: list[dict[str, Any]]
    delivery_channels: list[dict[str, Any]]


@service("config", Scope.REGIONAL)
def fetch(session: Any, region: str) -> ConfigSnapshot:
    # These three operations return every recorder/channel of the region in one response.
    client = session.client("config", region_name=region)
    return ConfigSnapshot(
        recorders=client.describe_configuration_recorders()["ConfigurationRecorders"],
        statuses=client.describe_configuration_recorder_status()["ConfigurationRecordersStatus"],
        delivery_channels=client.describe_delivery_channels()["DeliveryChannels"],
    )


def _recorder_problems(
    recorder: dict[str, Any], status: dict[str, Any], has_channel: bool
) -> list[str]:
    group = recorder.get("recordingGroup", {})
    problems = []
    if not group.get("allSupported"):
        problems.append("does not record all supported resource types")
    if not status.get("recording"):
        problems.append("is not recording")
    if status.get("lastStatus") == "FAILURE":
        problems.append("last delivery failed")
    if not has_channel:
        problems.append("has no delivery channel")
    return problems


@check(
    "config_recorder_all_regions",
    title="AWS Config records all resource types in every region",
    service="config",
    resource_type="AWS::Config::ConfigurationRecorder",
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:4.3", "soc2-2017:CC7.1", "soc2-2017:CC8.1"),
)
def recorder_all_regions(snapshot: ConfigSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    sources = (DESCRIBE_RECORDERS, DESCRIBE_RECORDER_STATUS, DESCRIBE_DELIVERY_CHANNELS)
    evidence = {
        "ConfigurationRecorders": snapshot.recorders,
        "ConfigurationRecordersStatus": snapshot.statuses,
        "DeliveryChannels": snapshot.delivery_channels,
    }
    if not snapshot.recorders:
        yield make_result(
            "config_recorder_all_regions",
            ctx,
            ctx.account_id,
            Status.FAIL,
            f"no configuration recorder in {ctx.region}",
            evidence=evidence,
            sources=sources,
        )
    statuses = {status["name"]: status for status in snapshot.statuses}
    for recorder in snapshot.recorders:
        name = recorder["name"]
        problems = _recorder_problems(
            recorder, statuses.get(name, {}), bool(snapshot.delivery_channels)
        )
        yield make_result(
            "config_recorder_all_regions",
            ctx,
            recorder.get("arn")
            or f"arn:aws:config:{ctx.region}:{ctx.account_id}:config-recorder/{name}",
            Status.FAIL if problems else Status.PASS,
            f"recorder {name} " + ", ".join(problems)
            if problems
            else f"recorder {name} records all resource types and delivers to a channel",
            evidence=evidence,
            sources=sources,
        )
