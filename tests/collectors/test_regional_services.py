"""Access Analyzer, GuardDuty, Security Hub, CloudWatch Logs, AWS Config and KMS checks.

moto has no IAM Access Analyzer, so those tests answer ListAnalyzers through a before-call hook
with the documented response shape; every other resource is created in moto through boto3.
"""

from __future__ import annotations

import pytest

from collectors.types import Status
from tests.collectors.conftest import ACCOUNT_ID, REGION

ANALYZER_ARN = f"arn:aws:access-analyzer:{REGION}:{ACCOUNT_ID}:analyzer/account"


def test_accessanalyzer_active(aws_hooks, collect) -> None:
    analyzer = {"arn": ANALYZER_ARN, "name": "account", "type": "ACCOUNT", "status": "ACTIVE"}
    aws_hooks.respond("accessanalyzer", "ListAnalyzers", {"analyzers": [analyzer]})
    result = collect("accessanalyzer")["accessanalyzer_enabled"][ANALYZER_ARN]
    assert result.status is Status.PASS
    assert result.reason == f"external access analyzer account (ACCOUNT) is ACTIVE in {REGION}"
    assert result.evidence == {"analyzers": [analyzer]}


UNUSED_ARN = f"arn:aws:access-analyzer:{REGION}:{ACCOUNT_ID}:analyzer/unused"


@pytest.mark.parametrize(
    "analyzers",
    [
        [],
        [{"arn": ANALYZER_ARN, "name": "account", "type": "ACCOUNT", "status": "FAILED"}],
        # CIS 2.18: an unused-access analyzer is not an external access analyzer.
        [
            {
                "arn": UNUSED_ARN,
                "name": "unused",
                "type": "ACCOUNT_UNUSED_ACCESS",
                "status": "ACTIVE",
            }
        ],
    ],
)
def test_accessanalyzer_missing(aws_hooks, collect, analyzers) -> None:
    aws_hooks.respond("accessanalyzer", "ListAnalyzers", {"analyzers": analyzers})
    result = collect("accessanalyzer")["accessanalyzer_enabled"][ACCOUNT_ID]
    assert result.status is Status.FAIL
    assert result.reason.startswith(
        f"no ACTIVE external access analyzer (type ACCOUNT or ORGANIZATION) in {REGION}"
    )


def test_guardduty(aws_session, collect) -> None:
    assert collect("guardduty")["guardduty_enabled"][ACCOUNT_ID].status is Status.FAIL
    detector_id = aws_session.client("guardduty").create_detector(Enable=True)["DetectorId"]
    arn = f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector_id}"
    result = collect("guardduty")["guardduty_enabled"][arn]
    assert result.status is Status.PASS
    assert result.evidence["detectors"][detector_id]["Status"] == "ENABLED"


def test_guardduty_disabled_detector(aws_session, collect) -> None:
    detector_id = aws_session.client("guardduty").create_detector(Enable=False)["DetectorId"]
    arn = f"arn:aws:guardduty:{REGION}:{ACCOUNT_ID}:detector/{detector_id}"
    result = collect("guardduty")["guardduty_enabled"][arn]
    assert result.status is Status.FAIL
    assert result.reason == f"detector {detector_id} is DISABLED"


def test_securityhub(aws_session, collect) -> None:
    assert collect("securityhub")["securityhub_enabled"][ACCOUNT_ID].status is Status.FAIL
    aws_session.client("securityhub").enable_security_hub()
    hub_arn = f"arn:aws:securityhub:{REGION}:{ACCOUNT_ID}:hub/default"
    result = collect("securityhub")["securityhub_enabled"][hub_arn]
    assert result.status is Status.PASS
    assert result.evidence["DescribeHub"]["HubArn"] == hub_arn


def test_logs_retention(aws_session, collect) -> None:
    logs = aws_session.client("logs")
    for name, days in (("short", 30), ("year", 365), ("forever", None)):
        logs.create_log_group(logGroupName=name)
        if days:
            logs.put_retention_policy(logGroupName=name, retentionInDays=days)
    results = collect("logs")["logs_retention"]
    arn = f"arn:aws:logs:{REGION}:{ACCOUNT_ID}:log-group:" + "{}"
    assert results[arn.format("short")].status is Status.FAIL
    assert results[arn.format("short")].reason == "short keeps data 30 days (minimum 365)"
    assert results[arn.format("year")].status is Status.PASS
    assert results[arn.format("forever")].status is Status.PASS
    relaxed = collect("logs", parameters={"logs_retention": {"log_retention_days": 30}})
    assert relaxed["logs_retention"][arn.format("short")].status is Status.PASS


def test_logs_none_is_not_applicable(collect) -> None:
    assert collect("logs")["logs_retention"][ACCOUNT_ID].status is Status.NOT_APPLICABLE


def setup_config(
    session,
    *,
    all_supported: bool,
    start: bool,
    channel: bool,
    include_global: bool = False,
    region: str = REGION,
) -> None:
    config = session.client("config", region_name=region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": f"arn:aws:iam::{ACCOUNT_ID}:role/config",
            "recordingGroup": {
                "allSupported": True,
                "includeGlobalResourceTypes": include_global,
            }
            if all_supported
            else {"allSupported": False, "resourceTypes": ["AWS::S3::Bucket"]},
        }
    )
    if channel:
        session.client("s3").create_bucket(Bucket=f"config-bucket-{region}")
        config.put_delivery_channel(
            DeliveryChannel={"name": "default", "s3BucketName": f"config-bucket-{region}"}
        )
    if start:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


GLOBAL_TYPES = f"{ACCOUNT_ID}:global-resource-types"


def recorder_result(collect):
    results = collect("config")["config_recorder_all_regions"]
    (result,) = [r for r in results.values() if r.resource_id != GLOBAL_TYPES]
    return result


def test_config_global_types_in_home_region(aws_session, collect) -> None:
    setup_config(aws_session, all_supported=True, start=True, channel=True, include_global=True)
    result = collect("config")["config_recorder_all_regions"][GLOBAL_TYPES]
    assert result.status is Status.PASS
    assert result.evidence["regions_read"] == [REGION]  # no other region was asked


def test_config_global_types_in_another_region(aws_session, collect) -> None:
    # CIS 4.3 / AWS: global IAM types need recording in one region only.
    setup_config(aws_session, all_supported=True, start=True, channel=True)
    other = "eu-west-1"
    setup_config(
        aws_session, all_supported=True, start=True, channel=True, include_global=True, region=other
    )
    home = collect("config")["config_recorder_all_regions"]
    assert home[GLOBAL_TYPES].status is Status.PASS
    assert home[GLOBAL_TYPES].evidence["recording_region"] == other
    assert recorder_result(collect).status is Status.PASS
    assert GLOBAL_TYPES not in collect("config", other)["config_recorder_all_regions"]


def test_config_global_types_nowhere(aws_session, collect) -> None:
    setup_config(aws_session, all_supported=True, start=True, channel=True)
    result = collect("config")["config_recorder_all_regions"][GLOBAL_TYPES]
    assert result.status is Status.FAIL
    assert "includeGlobalResourceTypes" in result.reason
    assert len(result.evidence["regions_read"]) > 1


def test_config_recorder_pass(aws_session, collect) -> None:
    setup_config(aws_session, all_supported=True, start=True, channel=True)
    result = recorder_result(collect)
    assert result.status is Status.PASS
    assert result.evidence["ConfigurationRecordersStatus"][0]["recording"] is True


def test_config_recorder_partial(aws_session, collect) -> None:
    setup_config(aws_session, all_supported=False, start=False, channel=False)
    result = recorder_result(collect)
    assert result.status is Status.FAIL
    assert result.reason == (
        "recorder default does not record all supported resource types, is not recording, "
        "has no delivery channel"
    )


def test_config_no_recorder(collect) -> None:
    result = recorder_result(collect)
    assert (result.status, result.resource_id) == (Status.FAIL, ACCOUNT_ID)


def test_kms_rotation(aws_session, collect) -> None:
    kms = aws_session.client("kms")
    rotating = kms.create_key()["KeyMetadata"]
    kms.enable_key_rotation(KeyId=rotating["KeyId"])
    static = kms.create_key()["KeyMetadata"]
    asymmetric = kms.create_key(KeySpec="RSA_2048", KeyUsage="SIGN_VERIFY")["KeyMetadata"]
    results = collect("kms")["kms_key_rotation"]
    assert results[rotating["Arn"]].status is Status.PASS
    assert results[static["Arn"]].status is Status.FAIL
    assert results[static["Arn"]].reason == f"key {static['KeyId']} automatic rotation is disabled"
    assert results[asymmetric["Arn"]].status is Status.NOT_APPLICABLE


def test_kms_one_key_unreadable(aws_session, aws_hooks, collect) -> None:
    key = aws_session.client("kms").create_key()["KeyMetadata"]
    aws_hooks.fail("kms", "GetKeyRotationStatus", "AccessDeniedException", status=400)
    result = collect("kms")["kms_key_rotation"][key["Arn"]]
    assert result.status is Status.ERROR
    assert "AccessDeniedException" in result.reason
