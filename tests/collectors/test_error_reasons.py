"""ERROR reasons are the AWS error code and message; a web page from an endpoint never is one."""

from __future__ import annotations

import pytest

from collectors.runner import collect_account
from collectors.session import client_config
from collectors.types import Status
from tests.collectors.conftest import ACCOUNT_ID, REGION, AwsHooks


@pytest.mark.parametrize(
    ("service", "operation", "protocol"),
    [
        ("cloudtrail", "ListTrails", "json"),  # botocore: Code "500", Message = the page
        ("iam", "GenerateCredentialReport", "query"),  # botocore: ResponseParserError
        ("ec2", "DescribeInstances", "ec2"),  # botocore: ResponseParserError
        ("accessanalyzer", "ListAnalyzers", "rest-json"),
    ],
)
def test_html_error_page_is_not_the_reason(
    aws_session, aws_hooks: AwsHooks, service: str, operation: str, protocol: str
) -> None:
    aws_hooks.html_page(service, operation)
    outcome = collect_account(
        aws_session,
        account_id=ACCOUNT_ID,
        regions=[REGION],
        services=[service],
        client_config=client_config(max_attempts=1),
    )
    errors = [r for r in outcome.results if r.status is Status.ERROR]
    assert errors, f"{protocol}: an unreadable {operation} must be ERROR, not a verdict"
    for result in errors:
        assert "<" not in result.reason and "html" not in result.reason.lower(), result.reason
    reason = errors[0].reason
    if protocol in ("json", "rest-json"):
        assert reason.startswith("500: HTTP 500 Internal Server Error"), reason
    else:
        assert reason.startswith("ResponseParserError: Unable to parse response"), reason
    assert [e.reason for e in outcome.errors] == [reason]


def test_aws_error_code_and_message_are_kept(aws_session, aws_hooks: AwsHooks) -> None:
    aws_hooks.fail("cloudtrail", "ListTrails", "AccessDeniedException", status=403)
    outcome = collect_account(
        aws_session,
        account_id=ACCOUNT_ID,
        regions=[REGION],
        services=["cloudtrail"],
        client_config=client_config(max_attempts=1),
    )
    assert {r.reason for r in outcome.results} == {"AccessDeniedException: injected by test"}
