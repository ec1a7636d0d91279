"""IAM checks per user: console MFA, unused credentials, access keys, direct policies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from collectors.aws.iam import (
    AUTHORIZATION_DETAILS,
    CREDENTIAL_REPORT,
    ROOT_USER,
    SOC2_CREDENTIALS,
    SOC2_LOGICAL_ACCESS,
    SOC2_ROLE_BASED_ACCESS,
    IamSnapshot,
    active_key_numbers,
    age_days,
    mask_key_id,
)
from collectors.readers import make_result, parse_time
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status


def _user_rows(snapshot: IamSnapshot) -> list[dict[str, str]]:
    return [row for row in snapshot.credential_report if row["user"] != ROOT_USER]


def _key_label(snapshot: IamSnapshot, row: Mapping[str, str], number: int) -> str:
    """'access key AKIA...ABCD' when ListAccessKeys names it, else 'access key <n>'."""
    keys = snapshot.access_keys.get(row["user"])
    rotated = parse_time(row.get(f"access_key_{number}_last_rotated"))
    if isinstance(keys, list) and rotated is not None:
        for key in keys:
            created = parse_time(key.get("CreateDate"))
            if created and created.replace(microsecond=0) == rotated.replace(microsecond=0):
                return f"access key {mask_key_id(key['AccessKeyId'])}"
    return f"access key {number}"


def _no_users(check_id: str, ctx: CheckContext) -> CheckResult:
    return make_result(
        check_id,
        ctx,
        ctx.account_id,
        Status.NOT_APPLICABLE,
        "the account has no IAM users",
        sources=(CREDENTIAL_REPORT,),
    )


def _user_result(
    check_id: str, ctx: CheckContext, row: Mapping[str, str], status: Status, reason: str
) -> CheckResult:
    return make_result(
        check_id,
        ctx,
        row["arn"],
        status,
        reason,
        evidence={"credential_report_row": row},
        sources=(CREDENTIAL_REPORT,),
    )


@check(
    "iam_user_console_mfa",
    title="Every IAM user with a console password has MFA",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:2.10", SOC2_LOGICAL_ACCESS),
)
def user_console_mfa(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_user_console_mfa"
    rows = _user_rows(snapshot)
    if not rows:
        yield _no_users(check_id, ctx)
    for row in rows:
        if row.get("password_enabled") != "true":
            yield _user_result(
                check_id, ctx, row, Status.NOT_APPLICABLE, f"{row['user']} has no console password"
            )
        elif row.get("mfa_active") == "true":
            yield _user_result(
                check_id, ctx, row, Status.PASS, f"{row['user']} has a console password and MFA"
            )
        else:
            yield _user_result(
                check_id, ctx, row, Status.FAIL, f"{row['user']} has a console password but no MFA"
            )


def _stale_credentials(
    snapshot: IamSnapshot, row: Mapping[str, str], now: dt.datetime, limit: int
) -> tuple[list[str], int]:
    """Active credentials unused for ``limit`` days (described), and how many are active."""
    stale: list[str] = []
    active = 0
    if row.get("password_enabled") == "true":
        active += 1
        used = age_days(row.get("password_last_used"), now)
        created = age_days(row.get("user_creation_time"), now) or 0
        if used is None and created >= limit:
            stale.append(f"password never used (user created {created} days ago)")
        elif used is not None and used >= limit:
            stale.append(f"password last used {used} days ago")
    for number in active_key_numbers(row):
        active += 1
        label = _key_label(snapshot, row, number)
        used = age_days(row.get(f"access_key_{number}_last_used_date"), now)
        rotated = age_days(row.get(f"access_key_{number}_last_rotated"), now) or 0
        if used is None and rotated >= limit:
            stale.append(f"{label} never used (created {rotated} days ago)")
        elif used is not None and used >= limit:
            stale.append(f"{label} last used {used} days ago")
    return stale, active


@check(
    "iam_credentials_unused",
    title="Credentials unused for N days are disabled",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.MEDIUM,
    parameters={"credential_unused_days": 45},
    criteria=("cis-aws-7.0.0:2.11", SOC2_CREDENTIALS),
)
def credentials_unused(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_credentials_unused"
    limit = int(ctx.parameters["credential_unused_days"])
    rows = _user_rows(snapshot)
    if not rows:
        yield _no_users(check_id, ctx)
    for row in rows:
        stale, active = _stale_credentials(snapshot, row, ctx.now, limit)
        if stale:
            status, reason = (
                Status.FAIL,
                f"{row['user']}: " + "; ".join(stale) + f" (limit {limit})",
            )
        elif active:
            status, reason = (
                Status.PASS,
                f"{row['user']}: all active credentials used within {limit} days",
            )
        else:
            status, reason = Status.PASS, f"{row['user']} has no active credentials"
        yield _user_result(check_id, ctx, row, status, reason)


@check(
    "iam_user_one_active_key",
    title="IAM users have at most one active access key",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.MEDIUM,
    criteria=(SOC2_LOGICAL_ACCESS,),
)
def user_one_active_key(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_user_one_active_key"
    rows = _user_rows(snapshot)
    if not rows:
        yield _no_users(check_id, ctx)
    for row in rows:
        active = active_key_numbers(row)
        yield _user_result(
            check_id,
            ctx,
            row,
            Status.FAIL if len(active) > 1 else Status.PASS,
            f"{row['user']} has {len(active)} active access key(s)",
        )


@check(
    "iam_access_key_rotated",
    title="Active access keys are rotated every N days",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.MEDIUM,
    parameters={"access_key_max_age_days": 90},
    criteria=("cis-aws-7.0.0:2.12", SOC2_LOGICAL_ACCESS),
)
def access_key_rotated(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_access_key_rotated"
    limit = int(ctx.parameters["access_key_max_age_days"])
    rows = _user_rows(snapshot)
    if not rows:
        yield _no_users(check_id, ctx)
    for row in rows:
        numbers = active_key_numbers(row)
        if not numbers:
            yield _user_result(
                check_id,
                ctx,
                row,
                Status.NOT_APPLICABLE,
                f"{row['user']} has no active access keys",
            )
            continue
        ages = {
            _key_label(snapshot, row, n): age_days(row.get(f"access_key_{n}_last_rotated"), ctx.now)
            or 0
            for n in numbers
        }
        old = {label: age for label, age in ages.items() if age > limit}
        shown = old or ages
        reason = "; ".join(
            f"{label[0].upper()}{label[1:]} last rotated {age} days ago"
            for label, age in shown.items()
        )
        yield _user_result(
            check_id,
            ctx,
            row,
            Status.FAIL if old else Status.PASS,
            f"{row['user']}: {reason} (limit {limit})",
        )


@check(
    "iam_user_no_attached_policies",
    title="IAM users receive permissions only through groups or roles",
    service="iam",
    resource_type="AWS::IAM::User",
    severity=Severity.LOW,
    criteria=("cis-aws-7.0.0:2.13", SOC2_ROLE_BASED_ACCESS),
)
def user_no_attached_policies(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_user_no_attached_policies"
    users = snapshot.authorization["UserDetailList"]
    if not users:
        yield _no_users(check_id, ctx)
    for user in users:
        attached = [p["PolicyName"] for p in user.get("AttachedManagedPolicies", [])]
        inline = [p["PolicyName"] for p in user.get("UserPolicyList", [])]
        direct = attached + inline
        yield make_result(
            check_id,
            ctx,
            user["Arn"],
            Status.FAIL if direct else Status.PASS,
            f"{user['UserName']} has policies attached directly: {', '.join(direct)}"
            if direct
            else f"{user['UserName']} has no directly attached policies",
            evidence={
                "UserName": user["UserName"],
                "AttachedManagedPolicies": user.get("AttachedManagedPolicies", []),
                "UserPolicyList": user.get("UserPolicyList", []),
            },
            sources=(AUTHORIZATION_DETAILS,),
        )
