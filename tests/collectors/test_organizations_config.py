"""An AWS Config organization aggregator: judged in the management account or in Config's
delegated administrator, NOT_APPLICABLE elsewhere, ERROR when it cannot be read (moto)."""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from collectors.runner import GLOBAL_REGION, collect_unit
from collectors.types import CheckResult, Status

from .conftest import ACCOUNT_ID, REGION, AwsHooks
from .test_organizations import member_session

CHECK_ID = "organizations_config_aggregator"
AGGREGATOR_ROLE = f"arn:aws:iam::{ACCOUNT_ID}:role/aggregator"


@pytest.fixture
def org(aws_session: boto3.Session) -> AwsHooks:
    aws_session.client("organizations").create_organization(FeatureSet="ALL")
    hooks = AwsHooks(aws_session)
    # moto refuses config.amazonaws.com as a delegable principal, which AWS documents; the
    # management account's answer (no delegated administrator) is recorded as AWS gives it.
    hooks.respond("organizations", "ListDelegatedAdministrators", {"DelegatedAdministrators": []})
    return hooks


def aggregate(session: boto3.Session, region: str = REGION, **source: Any) -> None:
    session.client("config", region_name=region).put_configuration_aggregator(
        ConfigurationAggregatorName="organization",
        OrganizationAggregationSource={"RoleArn": AGGREGATOR_ROLE, **source},
    )


def judge(session: boto3.Session, account_id: str = ACCOUNT_ID) -> CheckResult:
    (result,) = collect_unit(session, "organizations_config", GLOBAL_REGION, account_id=account_id)
    return result


def test_all_regions_aggregator_in_the_management_account_passes(
    aws_session: boto3.Session, org: AwsHooks
) -> None:
    aggregate(aws_session, AllAwsRegions=True)
    regions_listed = []
    aws_session.events.register(
        "before-call.ec2.DescribeRegions", lambda **kwargs: regions_listed.append(1)
    )

    result = judge(aws_session)

    assert result.status is Status.PASS
    assert result.reason == f"organization aggregator organization in {REGION} covers every region"
    assert result.resource_id.startswith("arn:aws:config:")
    assert regions_listed == []  # found in the home region: no other region is read


def test_aggregator_in_another_region_is_found(aws_session: boto3.Session, org: AwsHooks) -> None:
    aggregate(aws_session, "eu-west-1", AllAwsRegions=True)

    result = judge(aws_session)

    assert result.status is Status.PASS
    assert "in eu-west-1" in result.reason


def test_aggregator_listing_some_regions_fails_naming_the_missing(
    aws_session: boto3.Session, org: AwsHooks
) -> None:
    aggregate(aws_session, AwsRegions=[REGION, "eu-west-1"])

    result = judge(aws_session)

    assert result.status is Status.FAIL
    assert "us-west-2" in result.reason and "not AllAwsRegions" in result.reason
    assert REGION not in result.reason.split("misses", 1)[1]


def test_account_aggregator_is_not_an_organization_aggregator(
    aws_session: boto3.Session, org: AwsHooks
) -> None:
    aws_session.client("config").put_configuration_aggregator(
        ConfigurationAggregatorName="accounts",
        AccountAggregationSources=[{"AccountIds": [ACCOUNT_ID], "AllAwsRegions": True}],
    )

    result = judge(aws_session)

    assert result.status is Status.FAIL
    assert result.reason == (
        "no organization aggregator in the management account and no delegated administrator "
        "for AWS Config"
    )


def test_management_account_defers_to_configs_delegated_administrator(
    aws_session: boto3.Session,
) -> None:
    aws_session.client("organizations").create_organization(FeatureSet="ALL")
    AwsHooks(aws_session).respond(
        "organizations",
        "ListDelegatedAdministrators",
        {"DelegatedAdministrators": [{"Id": "222222222222", "Status": "ACTIVE"}]},
    )

    result = judge(aws_session)

    assert result.status is Status.NOT_APPLICABLE
    assert result.reason.endswith("judged in AWS Config's delegated administrator 222222222222")


def test_unreadable_delegations_without_an_aggregator_are_an_error(
    aws_session: boto3.Session,
) -> None:
    aws_session.client("organizations").create_organization(FeatureSet="ALL")
    AwsHooks(aws_session).fail(
        "organizations", "ListDelegatedAdministrators", "AccessDeniedException"
    )

    result = judge(aws_session)

    assert result.status is Status.ERROR
    assert "AccessDeniedException" in result.reason


def config_admin(session: boto3.Session, principal: str) -> tuple[boto3.Session, str]:
    member, member_id = member_session(session)
    # As AWS answers a member registered for AWS Config (moto keeps the registration in the
    # management account's backend only).
    AwsHooks(member).respond(
        "organizations",
        "ListDelegatedServicesForAccount",
        {"DelegatedServices": [{"ServicePrincipal": principal}]},
    )
    return member, member_id


@pytest.mark.parametrize(
    "principal", ["config.amazonaws.com", "config-multiaccountsetup.amazonaws.com"]
)
def test_delegated_administrator_with_an_aggregator_passes(
    aws_session: boto3.Session, org: AwsHooks, principal: str
) -> None:
    member, member_id = config_admin(aws_session, principal)
    aggregate(member, AllAwsRegions=True)

    result = judge(member, member_id)

    assert result.status is Status.PASS
    assert result.account_id == member_id


def test_delegated_administrator_without_an_aggregator_fails(
    aws_session: boto3.Session, org: AwsHooks
) -> None:
    member, member_id = config_admin(aws_session, "config.amazonaws.com")

    result = judge(member, member_id)

    assert result.status is Status.FAIL
    assert result.reason == "no organization aggregator in AWS Config's delegated administrator"


def test_other_members_are_not_applicable(aws_session: boto3.Session, org: AwsHooks) -> None:
    member, member_id = member_session(aws_session)
    AwsHooks(member).fail(
        "organizations", "ListDelegatedServicesForAccount", "AccessDeniedException"
    )
    aggregate(member, AllAwsRegions=True)  # not an administrator: its aggregator is not read

    result = judge(member, member_id)

    assert result.status is Status.NOT_APPLICABLE
    assert result.reason == (
        f"judged in the management account {ACCOUNT_ID} or AWS Config's delegated administrator"
    )


def test_outside_an_organization_is_not_applicable(aws_session: boto3.Session) -> None:
    result = judge(aws_session)

    assert result.status is Status.NOT_APPLICABLE
    assert result.reason == "the account is not a member of an AWS Organization"
