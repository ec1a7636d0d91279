"""IAM checks on the root user: access keys, MFA (and whether it is hardware), recent use."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from collectors.aws.iam import (
    ACCOUNT_SUMMARY,
    CREDENTIAL_REPORT,
    ROOT_USER,
    SOC2_LOGICAL_ACCESS,
    VIRTUAL_MFA,
    IamSnapshot,
    active_key_numbers,
    age_days,
)
from collectors.readers import ReadError, make_result, read_error_result
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status


def _root_row(snapshot: IamSnapshot) -> dict[str, str] | None:
    return next((row for row in snapshot.credential_report if row["user"] == ROOT_USER), None)


def _root_arn(ctx: CheckContext) -> str:
    return f"arn:aws:iam::{ctx.account_id}:root"


def _no_root_row(check_id: str, ctx: CheckContext) -> CheckResult:
    return make_result(
        check_id,
        ctx,
        _root_arn(ctx),
        Status.ERROR,
        "the IAM credential report has no <root_account> row",
        sources=(CREDENTIAL_REPORT,),
    )


@check(
    "iam_root_access_key_absent",
    title="The root user has no active access keys",
    service="iam",
    resource_type="AWS::IAM::Root",
    severity=Severity.CRITICAL,
    criteria=("cis-aws-7.0.0:2.4", SOC2_LOGICAL_ACCESS),
)
def root_access_key_absent(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_root_access_key_absent"
    row = _root_row(snapshot)
    if row is None:
        yield _no_root_row(check_id, ctx)
        return
    active = active_key_numbers(row)
    yield make_result(
        check_id,
        ctx,
        _root_arn(ctx),
        Status.FAIL if active else Status.PASS,
        f"the root user has {len(active)} active access key(s)"
        if active
        else "the root user has no active access keys",
        evidence={"credential_report_row": row},
        sources=(CREDENTIAL_REPORT,),
    )


@check(
    "iam_root_mfa_enabled",
    title="The root user has MFA enabled",
    service="iam",
    resource_type="AWS::IAM::Root",
    severity=Severity.CRITICAL,
    criteria=("cis-aws-7.0.0:2.5", SOC2_LOGICAL_ACCESS),
)
def root_mfa_enabled(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_root_mfa_enabled"
    if isinstance(snapshot.summary, ReadError):
        yield read_error_result(check_id, ctx, _root_arn(ctx), snapshot.summary)
        return
    enabled = snapshot.summary.get("AccountMFAEnabled") == 1
    yield make_result(
        check_id,
        ctx,
        _root_arn(ctx),
        Status.PASS if enabled else Status.FAIL,
        "the root user has MFA enabled" if enabled else "the root user has no MFA device",
        evidence={"AccountMFAEnabled": snapshot.summary.get("AccountMFAEnabled")},
        sources=(ACCOUNT_SUMMARY,),
    )


def _is_root_device(device: Mapping[str, Any]) -> bool:
    return device.get("User", {}).get("Arn", "").endswith(":root") or device[
        "SerialNumber"
    ].endswith(":mfa/root-account-mfa-device")


@check(
    "iam_root_hardware_mfa_enabled",
    title="The root user's MFA is a hardware device",
    service="iam",
    resource_type="AWS::IAM::Root",
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:2.6", SOC2_LOGICAL_ACCESS),
)
def root_hardware_mfa(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_root_hardware_mfa_enabled"
    summary, devices = snapshot.summary, snapshot.virtual_mfa_devices
    if isinstance(summary, ReadError):
        yield read_error_result(check_id, ctx, _root_arn(ctx), summary)
        return
    if isinstance(devices, ReadError):
        yield read_error_result(check_id, ctx, _root_arn(ctx), devices)
        return
    root_devices = [d for d in devices if _is_root_device(d)]
    if summary.get("AccountMFAEnabled") != 1:
        status, reason = Status.FAIL, "the root user has no MFA device"
    elif root_devices:
        serials = ", ".join(d["SerialNumber"] for d in root_devices)
        status, reason = Status.FAIL, f"the root user's MFA is a virtual device ({serials})"
    else:
        status, reason = Status.PASS, "the root user's MFA is not a virtual device"
    yield make_result(
        check_id,
        ctx,
        _root_arn(ctx),
        status,
        reason,
        evidence={
            "AccountMFAEnabled": summary.get("AccountMFAEnabled"),
            "root_virtual_mfa_devices": root_devices,
        },
        sources=(ACCOUNT_SUMMARY, VIRTUAL_MFA),
    )


@check(
    "iam_root_recent_use",
    title="The root user was not used recently",
    service="iam",
    resource_type="AWS::IAM::Root",
    severity=Severity.HIGH,
    parameters={"root_use_window_days": 30},
    criteria=("cis-aws-7.0.0:2.7", SOC2_LOGICAL_ACCESS),
)
def root_recent_use(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_root_recent_use"
    row = _root_row(snapshot)
    if row is None:
        yield _no_root_row(check_id, ctx)
        return
    window = int(ctx.parameters["root_use_window_days"])
    uses = {
        "password": row.get("password_last_used"),
        "access key 1": row.get("access_key_1_last_used_date"),
        "access key 2": row.get("access_key_2_last_used_date"),
    }
    recent = {
        name: days
        for name, value in uses.items()
        if (days := age_days(value, ctx.now)) is not None and days < window
    }
    reason = (
        "the root user's "
        + ", ".join(f"{name} was used {days} days ago" for name, days in recent.items())
        + f" (window {window} days)"
        if recent
        else f"the root user was not used in the last {window} days"
    )
    yield make_result(
        check_id,
        ctx,
        _root_arn(ctx),
        Status.FAIL if recent else Status.PASS,
        reason,
        evidence={"credential_report_row": row},
        sources=(CREDENTIAL_REPORT,),
    )
