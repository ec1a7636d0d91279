"""IAM checks on the account password policy: length, reuse, expiry, complexity."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from collectors.aws.iam import (
    PASSWORD_POLICY,
    SOC2_LOGICAL_ACCESS,
    IamSnapshot,
)
from collectors.readers import ReadError, make_result, read_error_result
from collectors.registry import check
from collectors.types import CheckContext, CheckResult, Severity, Status

COMPLEXITY_FLAGS = (
    "RequireUppercaseCharacters",
    "RequireLowercaseCharacters",
    "RequireNumbers",
    "RequireSymbols",
)


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
