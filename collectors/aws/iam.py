"""IAM checks, read in bulk: the credential report and GetAccountAuthorizationDetails.

Per-user calls are limited to ListAccessKeys for users that have an active key (to name the key
in the reason); everything else is one call, or one paginated listing, per account.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from botocore.exceptions import ClientError

from collectors.readers import (
    ReadError,
    api_call,
    error_code,
    guarded,
    make_result,
    paginate,
    parse_time,
    read_error_result,
)
from collectors.registry import check, service
from collectors.types import CheckContext, CheckResult, Scope, Severity, Status

ROOT_USER = "<root_account>"
SUPPORT_POLICY = "iam::aws:policy/AWSSupportAccess"
CLOUDSHELL_POLICY = "iam::aws:policy/AWSCloudShellFullAccess"
AUTHORIZATION_FILTER = ["User", "Role", "Group", "LocalManagedPolicy"]
# Seconds to wait before each GetCredentialReport attempt: small accounts' reports are ready in
# well under a second, large ones take tens of seconds.
REPORT_POLL_DELAYS = (0, 0.5, 1, 2, 3, 5, 5, 5, 5, 5, 5, 5)
REPORT_NOT_READY = frozenset({"ReportInProgress", "ReportNotPresent"})
COMPLEXITY_FLAGS = (
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "RequireNumbers",
    "RequireSymbols",
)

CREDENTIAL_REPORT = api_call("iam", "GetCredentialReport")
AUTHORIZATION_DETAILS = api_call(
    "iam", "GetAccountAuthorizationDetails", Filter=AUTHORIZATION_FILTER
)
PASSWORD_POLICY = api_call("iam", "GetAccountPasswordPolicy")
ACCOUNT_SUMMARY = api_call("iam", "GetAccountSummary")
VIRTUAL_MFA = api_call("iam", "ListVirtualMFADevices", AssignmentStatus="Any")
SERVER_CERTIFICATES = api_call("iam", "ListServerCertificates")

SOC2_LOGICAL_ACCESS = "soc2-2017:CC6.1"
SOC2_ACCESS_REVIEW = "soc2-2017:CC6.2"
SOC2_ACCESS_REMOVAL = "soc2-2017:CC6.3"


class CredentialReportTimeout(RuntimeError):
    pass


@dataclass(frozen=True)
class IamSnapshot:
    credential_report: list[dict[str, str]]
    authorization: dict[str, list[dict[str, Any]]]
    access_keys: dict[str, list[dict[str, Any]] | ReadError]  # user name -> ListAccessKeys
    password_policy: dict[str, Any] | ReadError | None
    summary: dict[str, int] | ReadError
    virtual_mfa_devices: list[dict[str, Any]] | ReadError
    server_certificates: list[dict[str, Any]] | ReadError


@service("iam", Scope.GLOBAL)
def fetch(session: Any, region: str) -> IamSnapshot:
    iam = session.client("iam", region_name=region)
    report = _credential_report(iam)
    return IamSnapshot(
        credential_report=report,
        authorization=_authorization_details(iam),
        access_keys={
            row["user"]: _access_keys(iam, row["user"])
            for row in report
            if row["user"] != ROOT_USER and _active_key_numbers(row)
        },
        password_policy=guarded(
            PASSWORD_POLICY,
            lambda: iam.get_account_password_policy()["PasswordPolicy"],
            missing={"NoSuchEntity": None},
        ),
        summary=guarded(ACCOUNT_SUMMARY, lambda: iam.get_account_summary()["SummaryMap"]),
        virtual_mfa_devices=guarded(
            VIRTUAL_MFA,
            lambda: paginate(
                iam, "list_virtual_mfa_devices", "VirtualMFADevices", AssignmentStatus="Any"
            ),
        ),
        server_certificates=guarded(
            SERVER_CERTIFICATES,
            lambda: paginate(iam, "list_server_certificates", "ServerCertificateMetadataList"),
        ),
    )


def _credential_report(iam: Any) -> list[dict[str, str]]:
    iam.generate_credential_report()
    for delay in REPORT_POLL_DELAYS:
        time.sleep(delay)
        try:
            content = iam.get_credential_report()["Content"]
        except ClientError as exc:
            if error_code(exc) not in REPORT_NOT_READY:
                raise
            continue
        return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))
    raise CredentialReportTimeout(
        f"IAM credential report not ready after {sum(REPORT_POLL_DELAYS)} s"
    )


def _authorization_details(iam: Any) -> dict[str, list[dict[str, Any]]]:
    details: dict[str, list[dict[str, Any]]] = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
    }
    paginator = iam.get_paginator("get_account_authorization_details")
    for page in paginator.paginate(Filter=AUTHORIZATION_FILTER):
        for key, items in details.items():
            items.extend(page.get(key, []))
    return details


def _access_keys(iam: Any, user_name: str) -> list[dict[str, Any]] | ReadError:
    return guarded(
        api_call("iam", "ListAccessKeys", UserName=user_name),
        lambda: paginate(iam, "list_access_keys", "AccessKeyMetadata", UserName=user_name),
    )


# --- credential report helpers ---------------------------------------------------------------


def _root_row(snapshot: IamSnapshot) -> dict[str, str] | None:
    return next((row for row in snapshot.credential_report if row["user"] == ROOT_USER), None)


def _user_rows(snapshot: IamSnapshot) -> list[dict[str, str]]:
    return [row for row in snapshot.credential_report if row["user"] != ROOT_USER]


def _active_key_numbers(row: Mapping[str, str]) -> list[int]:
    return [n for n in (1, 2) if row.get(f"access_key_{n}_active") == "true"]


def mask_key_id(access_key_id: str) -> str:
    return f"{access_key_id[:4]}...{access_key_id[-4:]}"


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


def _no_users(check_id: str, ctx: CheckContext) -> CheckResult:
    return make_result(
        check_id,
        ctx,
        ctx.account_id,
        Status.NOT_APPLICABLE,
        "the account has no IAM users",
        sources=(CREDENTIAL_REPORT,),
    )


def _age_days(value: str | None, now: dt.datetime) -> int | None:
    moment = parse_time(value)
    return None if moment is None else (now - moment).days


# --- root ------------------------------------------------------------------------------------


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
    active = _active_key_numbers(row)
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
        if (days := _age_days(value, ctx.now)) is not None and days < window
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


# --- password policy -------------------------------------------------------------------------

PolicyTest = Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[bool, str]]


def _password_policy_result(
    check_id: str, snapshot: IamSnapshot, ctx: CheckContext, test: PolicyTest
) -> CheckResult:
    policy = snapshot.password_policy
    if isinstance(policy, ReadError):
        return read_error_result(check_id, ctx, ctx.account_id, policy)
    if policy is None:
        passed, reason = False, "the account has no IAM password policy"
    else:
        passed, reason = test(policy, ctx.parameters)
    return make_result(
        check_id,
        ctx,
        ctx.account_id,
        Status.PASS if passed else Status.FAIL,
        reason,
        evidence={"PasswordPolicy": policy},
        sources=(PASSWORD_POLICY,),
    )


def _min_length(policy: Mapping[str, Any], params: Mapping[str, Any]) -> tuple[bool, str]:
    length, limit = policy.get("MinimumPasswordLength", 0), int(params["password_min_length"])
    return length >= limit, f"minimum password length is {length} (required {limit})"


def _reuse(policy: Mapping[str, Any], params: Mapping[str, Any]) -> tuple[bool, str]:
    remembered, limit = (
        policy.get("PasswordReusePrevention", 0),
        int(params["password_reuse_prevention"]),
    )
    return (
        remembered >= limit,
        f"password reuse prevention remembers {remembered} (required {limit})",
    )


def _max_age(policy: Mapping[str, Any], params: Mapping[str, Any]) -> tuple[bool, str]:
    age, limit = policy.get("MaxPasswordAge"), int(params["password_max_age_days"])
    if not age:
        return False, f"passwords never expire (required at most {limit} days)"
    return age <= limit, f"passwords expire after {age} days (limit {limit})"


def _complexity(policy: Mapping[str, Any], params: Mapping[str, Any]) -> tuple[bool, str]:
    missing = [flag for flag in COMPLEXITY_FLAGS if not policy.get(flag)]
    if missing:
        return False, "the password policy does not set " + ", ".join(missing)
    return True, "the password policy requires upper, lower, number and symbol characters"


@check(
    "iam_password_policy_min_length",
    title="The password policy requires a minimum length",
    service="iam",
    resource_type="AWS::IAM::AccountPasswordPolicy",
    severity=Severity.MEDIUM,
    parameters={"password_min_length": 14},
    criteria=("cis-aws-7.0.0:2.8", SOC2_LOGICAL_ACCESS),
)
def password_min_length(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield _password_policy_result("iam_password_policy_min_length", snapshot, ctx, _min_length)


@check(
    "iam_password_policy_reuse",
    title="The password policy prevents password reuse",
    service="iam",
    resource_type="AWS::IAM::AccountPasswordPolicy",
    severity=Severity.MEDIUM,
    parameters={"password_reuse_prevention": 24},
    criteria=("cis-aws-7.0.0:2.9", SOC2_LOGICAL_ACCESS),
)
def password_reuse(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield _password_policy_result("iam_password_policy_reuse", snapshot, ctx, _reuse)


@check(
    "iam_password_policy_max_age",
    title="The password policy expires passwords",
    service="iam",
    resource_type="AWS::IAM::AccountPasswordPolicy",
    severity=Severity.LOW,
    parameters={"password_max_age_days": 90},
    criteria=(SOC2_LOGICAL_ACCESS,),
)
def password_max_age(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield _password_policy_result("iam_password_policy_max_age", snapshot, ctx, _max_age)


@check(
    "iam_password_policy_complexity",
    title="The password policy requires complex passwords",
    service="iam",
    resource_type="AWS::IAM::AccountPasswordPolicy",
    severity=Severity.MEDIUM,
    criteria=(SOC2_LOGICAL_ACCESS,),
)
def password_complexity(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    yield _password_policy_result("iam_password_policy_complexity", snapshot, ctx, _complexity)


# --- users -----------------------------------------------------------------------------------


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
        used = _age_days(row.get("password_last_used"), now)
        created = _age_days(row.get("user_creation_time"), now) or 0
        if used is None and created >= limit:
            stale.append(f"password never used (user created {created} days ago)")
        elif used is not None and used >= limit:
            stale.append(f"password last used {used} days ago")
    for number in _active_key_numbers(row):
        active += 1
        label = _key_label(snapshot, row, number)
        used = _age_days(row.get(f"access_key_{number}_last_used_date"), now)
        rotated = _age_days(row.get(f"access_key_{number}_last_rotated"), now) or 0
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
    criteria=("cis-aws-7.0.0:2.11", SOC2_ACCESS_REMOVAL),
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
        active = _active_key_numbers(row)
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
        numbers = _active_key_numbers(row)
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
            _key_label(snapshot, row, n): _age_days(
                row.get(f"access_key_{n}_last_rotated"), ctx.now
            )
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
    criteria=("cis-aws-7.0.0:2.13", SOC2_ACCESS_REVIEW),
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


# --- policies and roles ----------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _document(document: Any) -> dict[str, Any]:
    # botocore decodes policy documents to dicts; a raw endpoint may return URL-encoded JSON.
    return document if isinstance(document, dict) else json.loads(unquote(document))


def _full_admin_statements(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    return [
        statement
        for statement in _as_list(document.get("Statement", []))
        if statement.get("Effect") == "Allow"
        and "*" in _as_list(statement.get("Action", []))
        and "*" in _as_list(statement.get("Resource", []))
    ]


@check(
    "iam_policy_no_full_admin",
    title='No attached customer managed policy allows "*" on "*"',
    service="iam",
    resource_type="AWS::IAM::Policy",
    severity=Severity.HIGH,
    criteria=("cis-aws-7.0.0:2.14", SOC2_LOGICAL_ACCESS),
)
def policy_no_full_admin(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_policy_no_full_admin"
    policies = snapshot.authorization["Policies"]
    if not policies:
        yield make_result(
            check_id,
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            "the account has no customer managed policies",
            sources=(AUTHORIZATION_DETAILS,),
        )
    for policy in policies:
        name = policy.get("PolicyName") or policy["Arn"].rsplit("/", 1)[-1]  # moto omits the name
        version = next(
            (v for v in policy.get("PolicyVersionList", []) if v.get("IsDefaultVersion")), {}
        )
        admin = _full_admin_statements(_document(version.get("Document", {})))
        attached = policy.get("AttachmentCount", 0) > 0
        if admin and attached:
            status, reason = (
                Status.FAIL,
                f'{name} allows "*" on "*" and is attached',
            )
        elif admin:
            status, reason = (
                Status.PASS,
                f'{name} allows "*" on "*" but is not attached',
            )
        else:
            status, reason = Status.PASS, f'{name} does not allow "*" on "*"'
        yield make_result(
            check_id,
            ctx,
            policy["Arn"],
            status,
            reason,
            evidence={
                "PolicyName": name,
                "AttachmentCount": policy.get("AttachmentCount", 0),
                "DefaultVersion": version,
            },
            sources=(AUTHORIZATION_DETAILS,),
        )


def _identities_with_policy(snapshot: IamSnapshot, policy_suffix: str) -> list[str]:
    identities = (
        snapshot.authorization["UserDetailList"]
        + snapshot.authorization["GroupDetailList"]
        + snapshot.authorization["RoleDetailList"]
    )
    return [
        identity["Arn"]
        for identity in identities
        if any(
            p["PolicyArn"].endswith(policy_suffix)
            for p in identity.get("AttachedManagedPolicies", [])
        )
    ]


@check(
    "iam_support_role_exists",
    title="A role has AWSSupportAccess attached",
    service="iam",
    resource_type="AWS::IAM::Role",
    severity=Severity.LOW,
    criteria=("cis-aws-7.0.0:2.15", "soc2-2017:CC7.4"),
)
def support_role_exists(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    roles = [arn for arn in _identities_with_policy(snapshot, SUPPORT_POLICY) if ":role/" in arn]
    yield make_result(
        "iam_support_role_exists",
        ctx,
        roles[0] if roles else ctx.account_id,
        Status.PASS if roles else Status.FAIL,
        f"AWSSupportAccess is attached to {', '.join(roles)}"
        if roles
        else "no role has AWSSupportAccess attached",
        evidence={"roles_with_AWSSupportAccess": roles},
        sources=(AUTHORIZATION_DETAILS,),
    )


@check(
    "iam_cloudshell_full_access_restricted",
    title="AWSCloudShellFullAccess is not attached to any identity",
    service="iam",
    resource_type="AWS::IAM::Policy",
    severity=Severity.LOW,
    criteria=("cis-aws-7.0.0:2.20", SOC2_LOGICAL_ACCESS),
)
def cloudshell_full_access(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    identities = _identities_with_policy(snapshot, CLOUDSHELL_POLICY)
    yield make_result(
        "iam_cloudshell_full_access_restricted",
        ctx,
        f"arn:aws:{CLOUDSHELL_POLICY}",
        Status.FAIL if identities else Status.PASS,
        f"AWSCloudShellFullAccess is attached to {', '.join(identities)}"
        if identities
        else "AWSCloudShellFullAccess is not attached to any user, group or role",
        evidence={"identities_with_AWSCloudShellFullAccess": identities},
        sources=(AUTHORIZATION_DETAILS,),
    )


@check(
    "iam_server_certificates_not_expired",
    title="No expired IAM server certificates are stored",
    service="iam",
    resource_type="AWS::IAM::ServerCertificate",
    severity=Severity.MEDIUM,
    criteria=("cis-aws-7.0.0:2.17", "soc2-2017:CC6.7"),
)
def server_certificates(snapshot: IamSnapshot, ctx: CheckContext) -> Iterator[CheckResult]:
    check_id = "iam_server_certificates_not_expired"
    certificates = snapshot.server_certificates
    if isinstance(certificates, ReadError):
        yield read_error_result(check_id, ctx, ctx.account_id, certificates)
        return
    if not certificates:
        yield make_result(
            check_id,
            ctx,
            ctx.account_id,
            Status.NOT_APPLICABLE,
            "the account has no IAM server certificates",
            sources=(SERVER_CERTIFICATES,),
        )
    for certificate in certificates:
        expiration = parse_time(certificate["Expiration"])
        expired = expiration is not None and expiration < ctx.now
        yield make_result(
            check_id,
            ctx,
            certificate["Arn"],
            Status.FAIL if expired else Status.PASS,
            f"{certificate['ServerCertificateName']} "
            + ("expired" if expired else "expires")
            + f" on {expiration:%Y-%m-%d}",
            evidence={"ServerCertificateMetadata": certificate},
            sources=(SERVER_CERTIFICATES,),
        )
