"""IAM root user checks.

moto's credential report has no ``<root_account>`` row and moto cannot enable root MFA, so these
tests edit the real GetCredentialReport and GetAccountSummary responses (after-call hooks).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import pytest

from collectors.types import Status
from tests.collectors.conftest import AwsHooks
from tests.collectors.test_iam import NOW, ROOT_ARN, iam_client, iso


@pytest.fixture
def root_row(aws_hooks: AwsHooks) -> Callable[..., None]:
    """Add a <root_account> row (moto has none) to the real credential report."""

    def add(**fields: str) -> None:
        def update(parsed: dict[str, Any]) -> None:
            text = parsed["Content"].decode()
            header = next(csv.reader(io.StringIO(text)))
            row = {
                "user": "<root_account>",
                "arn": ROOT_ARN,
                "user_creation_time": iso(NOW - dt.timedelta(days=900)),
                "password_enabled": "not_supported",
                "password_last_used": "N/A",
                "mfa_active": "true",
                "access_key_1_active": "false",
                "access_key_2_active": "false",
                **fields,
            }
            out = io.StringIO()
            csv.DictWriter(out, header, restval="N/A", lineterminator="\n").writerow(row)
            lines = text.splitlines(keepends=True)
            parsed["Content"] = "".join([lines[0], out.getvalue(), *lines[1:]]).encode()

        aws_hooks.patch_response("iam", "GetCredentialReport", update)

    return add


def enable_root_mfa(hooks: AwsHooks) -> None:
    """moto cannot enable root MFA; report it enabled in the real GetAccountSummary response."""
    hooks.patch_response(
        "iam", "GetAccountSummary", lambda parsed: parsed["SummaryMap"].update(AccountMFAEnabled=1)
    )


@pytest.fixture
def root_mfa(aws_hooks: AwsHooks) -> None:
    enable_root_mfa(aws_hooks)


# --- root --------------------------------------------------------------------------------------


def test_root_access_key(root_row, collect_at) -> None:
    root_row(access_key_1_active="true", access_key_1_last_rotated=iso(NOW))
    result = collect_at("iam", "global")["iam_root_access_key_absent"][ROOT_ARN]
    assert result.status is Status.FAIL
    assert result.reason == "the root user has 1 active access key(s)"
    assert result.evidence["credential_report_row"]["access_key_1_active"] == "true"
    assert result.sources[0].operation == "GetCredentialReport"


def test_root_access_key_absent(root_row, collect_at) -> None:
    root_row()
    result = collect_at("iam", "global")["iam_root_access_key_absent"][ROOT_ARN]
    assert result.status is Status.PASS
    assert result.region == "global"


def summary(hooks: AwsHooks, **values: int) -> None:
    """Edit the real (moto) GetAccountSummary response."""
    hooks.patch_response(
        "iam", "GetAccountSummary", lambda parsed: parsed["SummaryMap"].update(values)
    )


def test_root_keys_fall_back_to_account_summary(aws_hooks, collect_at) -> None:
    # moto's credential report has no <root_account> row; GetAccountSummary still answers.
    result = collect_at("iam", "global")["iam_root_access_key_absent"][ROOT_ARN]
    assert result.status is Status.PASS
    assert "AccountAccessKeysPresent=0" in result.reason
    assert [s.operation for s in result.sources] == ["GetCredentialReport", "GetAccountSummary"]
    summary(aws_hooks, AccountAccessKeysPresent=1)
    result = collect_at("iam", "global")["iam_root_access_key_absent"][ROOT_ARN]
    assert result.status is Status.FAIL
    assert result.evidence["AccountAccessKeysPresent"] == 1


def test_root_without_report_row_or_summary_is_error(aws_hooks, collect_at) -> None:
    aws_hooks.fail("iam", "GetAccountSummary", "AccessDenied", status=403)
    result = collect_at("iam", "global")["iam_root_access_key_absent"][ROOT_ARN]
    assert result.status is Status.ERROR
    assert "<root_account>" in result.reason and "AccessDenied" in result.reason
    recent = collect_at("iam", "global")["iam_root_recent_use"][ROOT_ARN]
    assert recent.status is Status.ERROR


def test_root_mfa_under_centralized_root_access(aws_hooks, collect_at) -> None:
    # A member account whose root credentials were removed centrally: no password, no keys,
    # no certificates, so no MFA either; CIS 2.5 does not fail it.
    summary(
        aws_hooks,
        AccountPasswordPresent=0,
        AccountAccessKeysPresent=0,
        AccountSigningCertificatesPresent=0,
    )
    collected = collect_at("iam", "global")
    result = collected["iam_root_mfa_enabled"][ROOT_ARN]
    assert result.status is Status.NOT_APPLICABLE
    assert "centralized root access management" in result.reason
    assert collected["iam_root_hardware_mfa_enabled"][ROOT_ARN].status is Status.NOT_APPLICABLE


def test_root_mfa_with_a_root_password_fails(aws_hooks, collect_at) -> None:
    summary(aws_hooks, AccountPasswordPresent=1, AccountAccessKeysPresent=0)
    result = collect_at("iam", "global")["iam_root_mfa_enabled"][ROOT_ARN]
    assert result.status is Status.FAIL


def test_root_mfa(aws_hooks, collect_at) -> None:
    assert collect_at("iam", "global")["iam_root_mfa_enabled"][ROOT_ARN].status is Status.FAIL
    enable_root_mfa(aws_hooks)
    result = collect_at("iam", "global")["iam_root_mfa_enabled"][ROOT_ARN]
    assert result.status is Status.PASS
    assert result.evidence["AccountMFAEnabled"] == 1


def test_root_hardware_mfa_pass(root_mfa, aws_session, collect_at) -> None:
    iam_client(aws_session).create_virtual_mfa_device(VirtualMFADeviceName="alice-phone")
    result = collect_at("iam", "global")["iam_root_hardware_mfa_enabled"][ROOT_ARN]
    assert result.status is Status.PASS
    assert result.evidence["root_virtual_mfa_devices"] == []


def test_root_hardware_mfa_fail_when_virtual(root_mfa, aws_session, collect_at) -> None:
    iam_client(aws_session).create_virtual_mfa_device(
        VirtualMFADeviceName="root-account-mfa-device"
    )
    result = collect_at("iam", "global")["iam_root_hardware_mfa_enabled"][ROOT_ARN]
    assert result.status is Status.FAIL
    assert "virtual device" in result.reason
    assert "root-account-mfa-device" in result.reason


def test_root_recent_use(root_row, collect_at) -> None:
    root_row(password_last_used=iso(NOW - dt.timedelta(days=3)))
    result = collect_at("iam", "global", now=NOW)["iam_root_recent_use"][ROOT_ARN]
    assert result.status is Status.FAIL
    assert result.reason == "the root user's password was used 3 days ago (window 30 days)"
    later = collect_at("iam", "global", now=NOW + dt.timedelta(days=40))
    assert later["iam_root_recent_use"][ROOT_ARN].status is Status.PASS
    narrow = collect_at(
        "iam", "global", now=NOW, parameters={"iam_root_recent_use": {"root_use_window_days": 2}}
    )
    assert narrow["iam_root_recent_use"][ROOT_ARN].status is Status.PASS
