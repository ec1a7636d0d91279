"""AWS Config: a recorder that is on, records all resource types and has a delivery channel.

Global IAM resource types need recording in one region only (AWS's advice; CIS 4.3 asks that
they are recorded): the unit of the collection's home region answers that account-wide question
once, reading other regions' recorders only when its own does not record them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from collectors.readers import AWS_FAULTS, api_call, error_reason, make_result
from collectors.registry import check, service
from collectors.session import as_client_factory, enabled_regions
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

DESCRIBE_RECORDERS = api_call("config", "DescribeConfigurationRecorders")
DESCRIBE_RECORDER_STATUS = api_call("config", "DescribeConfigurationRecorderStatus")
DESCRIBE_DELIVERY_CHANNELS = api_call("config", "DescribeDeliveryChannels")


@dataclass(frozen=True)
class GlobalRecording:
    """Where global IAM resource types are recorded (read in the home region's unit only)."""

    recording_region: str | None  # the first region found whose recorder records them
    recorder: dict[str, Any] | None
    regions_read: tuple[str, ...]
    errors: dict[str, str]  # region -> why its recorders could not be read


@dataclass(frozen=True)
class ConfigSnapshot:
    recorders: list[dict[str, Any]]
    statuses: list[dict[str, Any]]
    delivery_channels: list[dict[str, Any]]
    global_recording: GlobalRecording | None = None


def records_global_types(recorder: dict[str, Any], status: dict[str, Any] | None) -> bool:
    group = recorder.get("recordingGroup", {})
    recording = status is None or bool(status.get("recording"))
    return bool(group.get("allSupported") and group.get("includeGlobalResourceTypes") and recording)


def _global_recording(factory: Any, home: str, snapshot: ConfigSnapshot) -> GlobalRecording:
    statuses = {status["name"]: status for status in snapshot.statuses}
    for recorder in snapshot.recorders:
        if records_global_types(recorder, statuses.get(recorder["name"], {})):
            return GlobalRecording(home, recorder, (home,), {})
    read, errors = [home], {}
    try:
        regions = [region for region in enabled_regions(factory) if region != home]
    except AWS_FAULTS as exc:
        return GlobalRecording(None, None, (home,), {"*": f"DescribeRegions: {error_reason(exc)}"})
    for region in regions:
        client = factory.client("config", region_name=region)
        try:
            recorders = client.describe_configuration_recorders()["ConfigurationRecorders"]
            found = [r for r in recorders if records_global_types(r, None)]
            if found:
                status = client.describe_configuration_recorder_status(
                    ConfigurationRecorderNames=[found[0]["name"]]
                )["ConfigurationRecordersStatus"]
                if records_global_types(found[0], status[0] if status else {}):
                    return GlobalRecording(region, found[0], (*read, region), errors)
        except AWS_FAULTS as exc:
            errors[region] = error_reason(exc)
        read.append(region)
    return GlobalRecording(None, None, tuple(read), errors)


@service("config", Scope.REGIONAL)
def fetch(session: Any, region: str) -> ConfigSnapshot:
    # These three operations return every recorder/channel of the region in one response.
    client = session.client("config", region_name=region)
    snapshot = ConfigSnapshot(
        recorders=client.describe_configuration_recorders()["ConfigurationRecorders"],
        statuses=client.describe_configuration_recorder_status()["ConfigurationRecordersStatus"],
        delivery_channels=client.describe_delivery_channels()["DeliveryChannels"],
    )
    factory = as_client_factory(session)
    if region != factory.region_name:
        return snapshot
    return ConfigSnapshot(
        recorders=snapshot.recorders,
        statuses=snapshot.statuses,
        delivery_channels=snapshot.delivery_channels,
        global_recording=_global_recording(factory, region, snapshot),
    )


def _recorder_problems(
    recorder: dict[str, Any], status: dict[str, Any], has_channel: bool
) -> list[str]:
    group = recorder.get("recordingGroup", {})
    problems = []
    if not group.get("allSupported"):
        problems.append("does not record all supported resource types")
    # Global IAM types are judged once for the account (see _global_result), not per region.
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
    if snapshot.global_recording is not None:
        yield _global_result(snapshot.global_recording, ctx)
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


def _global_result(recording: GlobalRecording, ctx: CheckContext) -> CheckResult:
    """Global IAM resource types recorded in at least one region (one result per account)."""
    if recording.recording_region:
        status = Status.PASS
        reason = (
            f"recorder {recording.recorder and recording.recorder['name']} in "
            f"{recording.recording_region} records global IAM resource types "
            "(includeGlobalResourceTypes)"
        )
    elif recording.errors:
        status = Status.ERROR
        reason = "no recorder read records global IAM resource types, and some regions could "
        reason += "not be read: " + "; ".join(f"{r}: {e}" for r, e in recording.errors.items())
    else:
        status = Status.FAIL
        reason = "no recorder in any enabled region records global IAM resource types "
        reason += "(includeGlobalResourceTypes with allSupported, recording)"
    return make_result(
        "config_recorder_all_regions",
        ctx,
        f"{ctx.account_id}:global-resource-types",
        status,
        reason,
        evidence={
            "recording_region": recording.recording_region,
            "recorder": recording.recorder,
            "regions_read": list(recording.regions_read),
            "errors": recording.errors,
        },
        sources=(DESCRIBE_RECORDERS, DESCRIBE_RECORDER_STATUS),
        region="global",
    )
