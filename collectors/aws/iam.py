"""IAM, read in bulk: the credential report and GetAccountAuthorizationDetails.

Per-user calls are limited to ListAccessKeys for users that have an active key (to name the key
in the reason); everything else is one call, or one paginated listing, per account. This module
holds the reader and the snapshot; the checks live in ``iam_root``, ``iam_passwords``,
``iam_users``, ``iam_policies`` and ``iam_certificates``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from collectors.readers import (
    ReadError,
    api_call,
    error_code,
    guarded,
    paginate,
    parse_time,
)
from collectors.registry import service
from collectors.types import Scope

ROOT_USER = "<root_account>"
# AWS managed policies too: CIS 2.14 judges every attached policy (AdministratorAccess is one).
AUTHORIZATION_FILTER = ["User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy"]
# IAM answers 100 items a page unless asked for more; 1,000 is its maximum.
IAM_PAGE = {"PageSize": 1000}
# Seconds to wait before each GetCredentialReport attempt: small accounts' reports are ready in
# well under a second, large ones take tens of seconds.
REPORT_POLL_DELAYS = (0, 0.5, 1, 2, 3, 5, 5, 5, 5, 5, 5, 5)
REPORT_NOT_READY = frozenset({"ReportInProgress", "ReportNotPresent"})

CREDENTIAL_REPORT = api_call("iam", "GetCredentialReport")
AUTHORIZATION_DETAILS = api_call(
    "iam", "GetAccountAuthorizationDetails", Filter=AUTHORIZATION_FILTER
)
PASSWORD_POLICY = api_call("iam", "GetAccountPasswordPolicy")
ACCOUNT_SUMMARY = api_call("iam", "GetAccountSummary")
VIRTUAL_MFA = api_call("iam", "ListVirtualMFADevices", AssignmentStatus="Any")
SERVER_CERTIFICATES = api_call("iam", "ListServerCertificates")

SOC2_LOGICAL_ACCESS = "soc2-2017:CC6.1"
SOC2_CREDENTIALS = "soc2-2017:CC6.2"  # credentials issued and removed as authorised
SOC2_ROLE_BASED_ACCESS = "soc2-2017:CC6.3"  # access granted by role, least privilege


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
        authorization=authorization_details(iam),
        access_keys={
            row["user"]: _access_keys(iam, row["user"])
            for row in report
            if row["user"] != ROOT_USER and active_key_numbers(row)
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
                iam,
                "list_virtual_mfa_devices",
                "VirtualMFADevices",
                AssignmentStatus="Any",
                PaginationConfig=IAM_PAGE,
            ),
        ),
        server_certificates=guarded(
            SERVER_CERTIFICATES,
            lambda: paginate(
                iam,
                "list_server_certificates",
                "ServerCertificateMetadataList",
                PaginationConfig=IAM_PAGE,
            ),
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


def authorization_details(iam: Any) -> dict[str, list[dict[str, Any]]]:
    details: dict[str, list[dict[str, Any]]] = {
        "UserDetailList": [],
        "GroupDetailList": [],
        "RoleDetailList": [],
        "Policies": [],
    }
    paginator = iam.get_paginator("get_account_authorization_details")
    for page in paginator.paginate(Filter=AUTHORIZATION_FILTER, PaginationConfig=IAM_PAGE):
        for key, items in details.items():
            items.extend(page.get(key, []))
    return details


def _access_keys(iam: Any, user_name: str) -> list[dict[str, Any]] | ReadError:
    return guarded(
        api_call("iam", "ListAccessKeys", UserName=user_name),
        lambda: paginate(
            iam,
            "list_access_keys",
            "AccessKeyMetadata",
            UserName=user_name,
            PaginationConfig=IAM_PAGE,
        ),
    )


def active_key_numbers(row: Mapping[str, str]) -> list[int]:
    return [n for n in (1, 2) if row.get(f"access_key_{n}_active") == "true"]


def mask_key_id(access_key_id: str) -> str:
    return f"{access_key_id[:4]}...{access_key_id[-4:]}"


def age_days(value: str | None, now: dt.datetime) -> int | None:
    moment = parse_time(value)
    return None if moment is None else (now - moment).days
