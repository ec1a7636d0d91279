"""``python -m collectors`` against moto, in process and against a moto server over HTTP."""

from __future__ import annotations

import json

import boto3
import pytest
from moto.server import ThreadedMotoServer

from collectors.__main__ import main
from collectors.runner import collect_account
from tests.collectors.conftest import ACCOUNT_ID, REGION


def test_cli_jsonl(aws_session, capsys) -> None:
    logs = aws_session.client("logs")
    logs.create_log_group(logGroupName="app")
    logs.put_retention_policy(logGroupName="app", retentionInDays=7)
    assert main(["--regions", REGION, "--checks", "logs_retention", "--format", "jsonl"]) == 0
    (line,) = capsys.readouterr().out.splitlines()
    result = json.loads(line)
    assert result["check_id"] == "logs_retention"
    assert result["status"] == "FAIL"
    assert result["reason"] == "app keeps data 7 days (minimum 365)"
    assert result["sources"] == [
        {"service": "logs", "operation": "DescribeLogGroups", "params": {}}
    ]


def test_cli_table(aws_session, capsys) -> None:
    aws_session.client("guardduty").create_detector(Enable=True)
    assert main(["--regions", REGION, "--checks", "guardduty_enabled"]) == 0
    header, row = capsys.readouterr().out.splitlines()
    assert header.split()[:4] == ["STATUS", "CHECK", "REGION", "RESOURCE"]
    assert row.split()[:3] == ["PASS", "guardduty_enabled", REGION]


def test_cli_requires_external_id_with_role(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--role-arn", f"arn:aws:iam::{ACCOUNT_ID}:role/grc-reader"])
    assert "--external-id is required" in capsys.readouterr().err


def test_aws_endpoint_url_points_at_a_moto_server(aws_credentials, monkeypatch) -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://{host}:{port}")
        session = boto3.Session(region_name=REGION)
        session.client("logs").create_log_group(logGroupName="over-http")
        outcome = collect_account(
            session, account_id=ACCOUNT_ID, regions=[REGION], services=["logs", "iam"]
        )
    finally:
        server.stop()
    assert outcome.identity["Account"] == ACCOUNT_ID
    assert outcome.errors == []
    results = {r.check_id: r for r in outcome.results}
    assert results["logs_retention"].resource_id.endswith(":log-group:over-http")
    assert results["logs_retention"].status.value == "PASS"
    assert (
        results["iam_password_policy_min_length"].reason == "the account has no IAM password policy"
    )
