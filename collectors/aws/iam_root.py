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
    # Last use is only in the credential report; GetAccountSummary does not have it.
    return make_result(
        check_id,
        ctx,
        _root_arn(ctx),
        Status.ERROR,
        "the IAM credential report has no <root_account> row",
        sources=(CREDENTIAL_REPORT,),
    )


def root_without_credentials(summary: Mapping[str, int]) -> bool:
    """The root user has no password, access keys or signing certificates at all.

    That is what centralized root access management leaves in a member account (an account
    Organizations creates otherwise gets a long random root password), and there MFA is neither
    possible nor needed. Absent keys (an endpoint that omits them) never count as zero.
    """
    keys = (
        "AccountPasswordPresent",
        "AccountAccessKeysPresent",
        "AccountSigningCertificatesPresent",
    )
    return all(summary.get(key) == 0 for key in keys)


def _summary_evidence(summary: Mapping[str, int]) -> dict[str, Any]:
    keys = (
        "AccountMFAEnabled",
        "AccountPasswordPresent",
        "AccountAccessKeysPresent",
        "AccountSigningCertificatesPresent",
    )
    return {key: summary.get(key) for key in keys}


def _root_keys_from_summary(check_id: str, snapshot: IamSnapshot, ctx: CheckContext) -> CheckResult:
    """The root key verdict from GetAccountSummary when the credential report has no root row."""
    summary = snapshot.summary
    if isinstance(summary, ReadError) or summary.get("AccountAccessKeysPresent") is None:
        reason = "the IAM credential report has no <root_account> row"
        if isinstance(summary, ReadError):
            reason += f" and GetAccountSummary could not be read: {summary.reason}"
        else:
            reason += " and GetAccountSummary has no AccountAccessKeysPresent"
        return make_result(
            check_id,
            ctx,
            _root_arn(ctx),
            Status.ERROR,
            reason,
            sources=(CREDENTIAL_REPORT, ACCOUNT_SUMMARY),
        )
    present = summary["AccountAccessKeysPresent"] != 0
    return make_result(
        check_id,
        ctx,
        _root_arn(ctx),
        Status.FAIL if present else Status.PASS,
        "the root user has access keys (GetAccountSummary AccountAccessKeysPresent=1)"
        if present
        else "the root user has no access keys (GetAccountSummary AccountAccessKeysPresent=0)",
        evidence=_summary_evidence(summary),
        sources=(CREDENTIAL_REPORT, ACCOUNT_SUMMARY),
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
        yield _root_keys_from_summary(check_id, snapshot, ctx)
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


NO_ROOT_CREDENTIALS = (
    "the root user has no password, access keys or signing certificates (centralized root "
    "access management): MFA is neither possible nor needed"
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
    if enabled:
        status, reason = Status.PASS, "the root user has MFA enabled"
    elif root_without_credentials(snapshot.summary):
        status, reason = Status.NOT_APPLICABLE, NO_ROOT_CREDENTIALS
    else:
        status, reason = Status.FAIL, "the root user has no MFA device"
    yield make_result(
        check_id,
        ctx,
        _root_arn(ctx),
        status,
        reason,
        evidence=_summary_evidence(snapshot.summary),
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
    if summary.get("AccountMFAEnabled") != 1 and root_without_credentials(summary):
        status, reason = Status.NOT_APPLICABLE, NO_ROOT_CREDENTIALS
    elif summary.get("AccountMFAEnabled") != 1:
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
