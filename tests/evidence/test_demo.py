"""The demo account seed: every check family gets both a PASS and a FAIL where moto allows.

Seeds moto once (in-process ``mock_aws``), runs the real collectors over it, then drifts the
account with ``mutate_demo_account`` and collects the affected services again. No database.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from collectors import runner
from collectors.types import CheckResult, Status
from demo import (
    XSS_SG_DESCRIPTION,
    XSS_TAG_VALUE,
    mutate_demo_account,
    seed_demo_account,
)

ACCOUNT_ID = "123456789012"  # moto's default account
PRIMARY, SECONDARY = "us-east-1", "eu-west-1"
REGIONS = [PRIMARY, SECONDARY]
PROD_BUCKET = f"arn:aws:s3:::acme-prod-customer-data-{ACCOUNT_ID}"
ASSETS_BUCKET = f"arn:aws:s3:::acme-public-assets-{ACCOUNT_ID}"

# Checks whose ERROR results are moto gaps, not seed or collector faults.
MOTO_GAPS = {
    "accessanalyzer_enabled",  # moto 5.2 has no IAM Access Analyzer
    "ssm_instances_managed",  # no DescribeInstanceInformation
    "ssm_patch_compliance",
    "iam_root_access_key_absent",  # moto's credential report has no <root_account> row
    "iam_root_recent_use",
    "backup_ebs_volume_covered",  # no AWS Backup selections in moto
    "backup_rds_instance_covered",
    "backup_efs_covered",
    "config_rule_compliance",  # no DescribeComplianceByConfigRule
    "trusted_advisor_service_limits",  # no Trusted Advisor check results
    "servicequotas_usage",
    "inspector_enabled",  # BatchGetAccountStatus answers no status for the account
}

# Families for which the seed creates at least one compliant and one non-compliant resource.
MIXED_FAMILIES = [
    "iam_user_console_mfa",
    "iam_user_one_active_key",
    "iam_user_no_attached_policies",
    "iam_policy_no_full_admin",
    "s3_bucket_not_public",
    "s3_bucket_public_access_block",
    "s3_bucket_default_encryption",
    "s3_bucket_tls_only",
    "s3_bucket_versioning",
    "s3_bucket_access_logging",
    "cloudtrail_log_file_validation",
    "cloudtrail_kms_encryption",
    "cloudtrail_bucket_access_logging",
    "logs_retention",
    "config_recorder_all_regions",
    "guardduty_enabled",
    "securityhub_enabled",
    "kms_key_rotation",
    "vpc_flow_logs_enabled",
    "ec2_ebs_default_encryption",
    "ec2_ebs_volume_encrypted",
    "ec2_sg_no_admin_ingress_ipv4",
    "ec2_sg_no_admin_ingress_ipv6",
    "ec2_default_sg_restricts_all",
    "ec2_nacl_no_admin_ingress",
    "ec2_instance_imdsv2",
    "ec2_instance_profile_attached",
    "ec2_sg_no_cifs_ingress",
    "ec2_instances_multi_az",
    "rds_instance_encrypted",
    "rds_instance_not_public",
    "rds_snapshot_not_public",
    "rds_instance_multi_az",
    "rds_backup_retention",
    "rds_auto_minor_upgrade",
    "efs_encrypted",
    "elbv2_listener_tls",
]


def _collect(session: boto3.Session, services: list[str] | None = None) -> list[CheckResult]:
    if hasattr(runner, "collect_account"):
        return list(
            runner.collect_account(
                session, account_id=ACCOUNT_ID, regions=REGIONS, services=services
            ).results
        )
    return [
        result
        for service_name, region in runner.plan_units(REGIONS)
        if services is None or service_name in services
        for result in runner.collect_unit(session, service_name, region, account_id=ACCOUNT_ID)
    ]


@pytest.fixture(scope="module")
def demo() -> Iterator[dict[str, Any]]:
    with pytest.MonkeyPatch.context() as env:
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL"):
            env.delenv(name, raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.setenv("AWS_DEFAULT_REGION", PRIMARY)
        env.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # no sample snapshots to scan
        env.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")  # for AWSSupportAccess
        with mock_aws():
            session = boto3.Session(region_name=PRIMARY)
            summary = seed_demo_account(session, REGIONS)
            again = seed_demo_account(session, REGIONS)
            before = _collect(session)
            changes = mutate_demo_account(session)
            after = _collect(session, ["s3", "ec2"])
            yield {
                "summary": summary,
                "again": again,
                "before": before,
                "changes": changes,
                "after": after,
            }


def _index(results: list[CheckResult]) -> dict[str, list[CheckResult]]:
    by_check: dict[str, list[CheckResult]] = defaultdict(list)
    for result in results:
        by_check[result.check_id].append(result)
    return by_check


@pytest.fixture(scope="module")
def results(demo: dict[str, Any]) -> dict[str, list[CheckResult]]:
    return _index(demo["before"])


def statuses(
    results: dict[str, list[CheckResult]], check_id: str, region: str | None = None
) -> set[Status]:
    return {r.status for r in results[check_id] if region is None or r.region == region}


def one(results: dict[str, list[CheckResult]], check_id: str, resource: str) -> CheckResult:
    matches = [r for r in results[check_id] if resource in r.resource_id]
    assert len(matches) == 1, (check_id, resource, [r.resource_id for r in results[check_id]])
    return matches[0]


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from strings(item)


def test_summary_counts_and_second_call(demo: dict[str, Any]) -> None:
    summary, counts = demo["summary"], demo["summary"]["counts"]
    assert summary["account_id"] == ACCOUNT_ID
    assert summary["already_seeded"] is False
    assert counts["s3_buckets"] == 5
    assert counts["iam_users"] == 4
    assert counts["iam_instance_profiles"] == 1
    assert counts["ec2_instances"] == 3
    assert counts["rds_instances"] == 2
    assert counts["cloudwatch_alarms"] == 3
    assert counts["elbv2_listeners"] == 3  # HTTP redirect, plain HTTP, HTTPS with ACM cert
    assert counts["iam_aws_managed_policy_attachments"] == 3
    assert any("accessanalyzer" in gap for gap in summary["unsupported"])
    again = demo["again"]
    assert again["already_seeded"] is True
    assert again["counts"] == counts


def test_no_errors_beyond_known_moto_gaps(results: dict[str, list[CheckResult]]) -> None:
    errors = {
        f"{r.check_id} {r.region}: {r.reason}"
        for rs in results.values()
        for r in rs
        if r.status is Status.ERROR and r.check_id not in MOTO_GAPS
    }
    assert not errors


@pytest.mark.parametrize("check_id", MIXED_FAMILIES)
def test_family_has_pass_and_fail(results: dict[str, list[CheckResult]], check_id: str) -> None:
    assert {Status.PASS, Status.FAIL} <= statuses(results, check_id), [
        (r.resource_id, r.status, r.reason) for r in results[check_id]
    ]


def test_iam(results: dict[str, list[CheckResult]]) -> None:
    assert statuses(results, "iam_password_policy_min_length") == {Status.FAIL}
    assert statuses(results, "iam_password_policy_reuse") == {Status.FAIL}
    assert statuses(results, "iam_password_policy_complexity") == {Status.FAIL}
    assert statuses(results, "iam_password_policy_max_age") == {Status.PASS}
    assert statuses(results, "iam_support_role_exists") == {Status.PASS}
    assert one(results, "iam_user_console_mfa", "user/alice").status is Status.PASS
    assert one(results, "iam_user_console_mfa", "user/bob").status is Status.FAIL
    assert one(results, "iam_user_one_active_key", "ci-deploy").status is Status.FAIL
    assert one(results, "iam_user_no_attached_policies", "ci-deploy").status is Status.FAIL
    assert one(results, "iam_policy_no_full_admin", "ci-deploy-admin").status is Status.FAIL


def test_s3(results: dict[str, list[CheckResult]]) -> None:
    assert one(results, "s3_bucket_not_public", ASSETS_BUCKET).status is Status.FAIL
    assert statuses(results, "s3_account_public_access_block") == {Status.FAIL}
    for check_id in (
        "s3_bucket_not_public",
        "s3_bucket_public_access_block",
        "s3_bucket_default_encryption",
        "s3_bucket_tls_only",
        "s3_bucket_versioning",
        "s3_bucket_access_logging",
    ):
        assert one(results, check_id, PROD_BUCKET).status is Status.PASS, check_id


def test_logging_and_detection(results: dict[str, list[CheckResult]]) -> None:
    assert statuses(results, "cloudtrail_multi_region_logging") == {Status.PASS}
    assert statuses(results, "cloudtrail_s3_object_write_events") == {Status.PASS}
    assert statuses(results, "cloudtrail_s3_object_read_events") == {Status.FAIL}
    for name in ("root_usage", "unauthorized_api_calls", "security_group_changes"):
        assert statuses(results, f"cloudwatch_alarm_{name}") == {Status.PASS}, name
    for name in ("console_no_mfa", "iam_policy_changes", "vpc_changes"):
        assert statuses(results, f"cloudwatch_alarm_{name}") == {Status.FAIL}, name
    for check_id in ("guardduty_enabled", "config_recorder_all_regions", "securityhub_enabled"):
        assert statuses(results, check_id, PRIMARY) == {Status.PASS}, check_id
        assert statuses(results, check_id, SECONDARY) == {Status.FAIL}, check_id


def test_ec2_regions(results: dict[str, list[CheckResult]]) -> None:
    assert statuses(results, "ec2_ebs_default_encryption", PRIMARY) == {Status.FAIL}
    assert statuses(results, "ec2_ebs_default_encryption", SECONDARY) == {Status.PASS}
    assert statuses(results, "vpc_flow_logs_enabled", PRIMARY) == {Status.PASS}
    assert statuses(results, "vpc_flow_logs_enabled", SECONDARY) == {Status.FAIL}
    assert statuses(results, "ec2_default_sg_restricts_all", PRIMARY) == {Status.PASS}
    assert statuses(results, "ec2_default_sg_restricts_all", SECONDARY) == {Status.FAIL}
    assert {Status.PASS, Status.FAIL} <= statuses(results, "ec2_sg_no_admin_ingress_ipv4", PRIMARY)


def test_instance_profile_and_cifs_ingress(results: dict[str, list[CheckResult]]) -> None:
    profiles = results["ec2_instance_profile_attached"]
    with_profile = [r for r in profiles if r.status is Status.PASS]
    assert [(r.region, r.evidence["iam_instance_profile"]["Arn"]) for r in with_profile] == [
        (PRIMARY, f"arn:aws:iam::{ACCOUNT_ID}:instance-profile/acme-app-server")
    ]
    assert [r.status for r in profiles if r not in with_profile] == [Status.FAIL, Status.FAIL]
    assert statuses(results, "ec2_instance_profile_attached", SECONDARY) == {Status.FAIL}

    smb = [r for r in results["ec2_sg_no_cifs_ingress"] if r.status is Status.FAIL]
    assert [(r.region, r.evidence["security_group"]["GroupName"]) for r in smb] == [
        (PRIMARY, "acme-legacy-fileshare")
    ]
    assert "445" in smb[0].reason and "0.0.0.0/0" in smb[0].reason
    assert statuses(results, "ec2_sg_no_cifs_ingress", SECONDARY) == {Status.PASS}
    # The file share is open to SMB only, not to the admin ports.
    share = one(results, "ec2_sg_no_admin_ingress_ipv4", smb[0].resource_id)
    assert share.status is Status.PASS


def test_hostile_strings_reach_evidence_verbatim(results: dict[str, list[CheckResult]]) -> None:
    found = {
        text
        for rs in results.values()
        for r in rs
        for value in strings(r.evidence)
        for text in (XSS_TAG_VALUE, XSS_SG_DESCRIPTION)
        if text in value
    }
    assert found == {XSS_TAG_VALUE, XSS_SG_DESCRIPTION}
    bastion = [
        r
        for r in results["ec2_sg_no_admin_ingress_ipv4"]
        if r.evidence["security_group"].get("Description") == XSS_SG_DESCRIPTION
    ]
    assert [r.status for r in bastion] == [Status.FAIL]


def test_mutation_shows_up_as_new_failures(demo: dict[str, Any]) -> None:
    assert {change["checks"] for change in demo["changes"]} == {
        "s3_bucket_versioning",
        "ec2_sg_no_admin_ingress_ipv4",
    }
    before, after = _index(demo["before"]), _index(demo["after"])
    assert one(before, "s3_bucket_versioning", PROD_BUCKET).status is Status.PASS
    assert one(after, "s3_bucket_versioning", PROD_BUCKET).status is Status.FAIL
    web_sg = next(c["resource"] for c in demo["changes"] if ":security-group/" in c["resource"])
    assert one(before, "ec2_sg_no_admin_ingress_ipv4", web_sg).status is Status.PASS
    changed = one(after, "ec2_sg_no_admin_ingress_ipv4", web_sg)
    assert changed.status is Status.FAIL
    assert "3389" in changed.reason
