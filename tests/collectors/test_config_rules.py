"""AWS Config rule compliance, from recorded responses (moto has no compliance APIs).

Responses are queued on a botocore Stubber (tests/collectors/stubs.py), which checks each one
against botocore's model of DescribeComplianceByConfigRule and GetComplianceDetailsByConfigRule.
"""

from __future__ import annotations

import datetime as dt

import boto3
import pytest

from collectors.aws.config_rules import DETAIL_TYPES
from collectors.types import Status

from .stubs import StubbedClients

WHEN = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.UTC)


def evaluation(rule: str, resource_type: str, resource_id: str, compliance: str) -> dict:
    return {
        "EvaluationResultIdentifier": {
            "EvaluationResultQualifier": {
                "ConfigRuleName": rule,
                "ResourceType": resource_type,
                "ResourceId": resource_id,
            },
            "OrderingTimestamp": WHEN,
        },
        "ComplianceType": compliance,
        "ResultRecordedTime": WHEN,
        "ConfigRuleInvokedTime": WHEN,
        "Annotation": "versioning is off" if compliance == "NON_COMPLIANT" else None,
    }


@pytest.fixture
def stubs(aws_session: boto3.Session) -> StubbedClients:
    return StubbedClients(aws_session, ["config"])


def queue_details(stubs: StubbedClients, rule: str, results: list[dict]) -> None:
    stubs["config"].add_response(
        "get_compliance_details_by_config_rule",
        {"EvaluationResults": [{k: v for k, v in r.items() if v is not None} for r in results]},
        {"ConfigRuleName": rule, "ComplianceTypes": DETAIL_TYPES},
    )


def test_each_rule_and_resource_becomes_a_result(stubs: StubbedClients) -> None:
    rule = "s3-bucket-versioning-enabled-conformance-pack-abc"
    stubs["config"].add_response(
        "describe_compliance_by_config_rule",
        {
            "ComplianceByConfigRules": [
                {"ConfigRuleName": rule, "Compliance": {"ComplianceType": "NON_COMPLIANT"}},
                {
                    "ConfigRuleName": "new-rule",
                    "Compliance": {"ComplianceType": "INSUFFICIENT_DATA"},
                },
            ]
        },
        {},
    )
    queue_details(
        stubs,
        rule,
        [
            evaluation(rule, "AWS::S3::Bucket", "logs", "COMPLIANT"),
            evaluation(rule, "AWS::S3::Bucket", "uploads", "NON_COMPLIANT"),
        ],
    )
    queue_details(stubs, "new-rule", [])

    results = stubs.collect("config_rules")["config_rule_compliance"]
    stubs.assert_all_answered()

    passing = results[f"{rule}:AWS::S3::Bucket:logs"]
    failing = results[f"{rule}:AWS::S3::Bucket:uploads"]
    assert passing.status is Status.PASS
    assert passing.resource_type == "AWS::S3::Bucket"
    assert failing.status is Status.FAIL
    assert failing.reason == f"{rule}: NON_COMPLIANT (versioning is off)"
    pending = results["new-rule:AWS::Config::ConfigRule:new-rule"]
    assert pending.status is Status.ERROR  # no verdict is never a PASS
    assert pending.reason == "new-rule has no evaluation results yet (INSUFFICIENT_DATA)"


def test_unreadable_rule_details_are_an_error(stubs: StubbedClients) -> None:
    stubs["config"].add_response(
        "describe_compliance_by_config_rule",
        {
            "ComplianceByConfigRules": [
                {"ConfigRuleName": "r", "Compliance": {"ComplianceType": "COMPLIANT"}}
            ]
        },
        {},
    )
    stubs["config"].add_client_error(
        "get_compliance_details_by_config_rule",
        service_error_code="AccessDeniedException",
        service_message="not authorized",
        http_status_code=400,
    )

    result = stubs.collect("config_rules")["config_rule_compliance"]["r:AWS::Config::ConfigRule:r"]

    assert result.status is Status.ERROR
    assert result.reason.endswith("AccessDeniedException: not authorized")


def test_no_rules_is_not_applicable(stubs: StubbedClients) -> None:
    stubs["config"].add_response(
        "describe_compliance_by_config_rule", {"ComplianceByConfigRules": []}, {}
    )
    (result,) = stubs.collect("config_rules")["config_rule_compliance"].values()
    assert result.status is Status.NOT_APPLICABLE
