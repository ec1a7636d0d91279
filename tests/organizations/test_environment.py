"""An account's environment: read from its tags by the organization sync, or set by hand."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber

from collectors import organizations as org_collector
from evidence.collection.models import AwsAccount, Environment, EnvironmentSource
from evidence.collection.services.accounts import account_environment_set
from evidence.organizations.models import Organization, OrganizationSync
from evidence.organizations.services.sync import environment_from_tags, organization_sync
from tests.organizations.conftest import MotoOrganization

pytestmark = pytest.mark.django_db
KEYS = ["Environment", "environment", "env"]


def sync(organization: Organization, moto_org: MotoOrganization) -> OrganizationSync:
    return organization_sync(
        organization_id=organization.pk, session_factory=lambda _: moto_org.session
    )


def tag(moto_org: MotoOrganization, name: str, **tags: str) -> None:
    moto_org.client.tag_resource(
        ResourceId=moto_org.accounts[name],
        Tags=[{"Key": key, "Value": value} for key, value in tags.items()],
    )


def environment_of(moto_org: MotoOrganization, name: str) -> tuple[str, str]:
    account = AwsAccount.objects.get(account_id=moto_org.accounts[name])
    return account.environment, account.environment_source


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"Environment": "Production"}, Environment.PRODUCTION),
        ({"environment": " prd "}, Environment.PRODUCTION),
        ({"env": "PROD"}, Environment.PRODUCTION),
        ({"Environment": "staging"}, Environment.NON_PRODUCTION),
        ({"env": "sandbox"}, Environment.NON_PRODUCTION),
        ({"Environment": "", "env": "dev"}, Environment.NON_PRODUCTION),  # first non-empty
        ({"Environment": "prod", "env": "dev"}, Environment.PRODUCTION),  # first key wins
        ({"Owner": "prod"}, ""),  # not an environment key
        ({"ENVIRONMENT": "prod"}, ""),  # keys are exact
        ({}, ""),
    ],
)
def test_environment_from_tags(tags: dict[str, str], expected: str) -> None:
    assert environment_from_tags(tags, KEYS) == expected


def test_sync_reads_the_environment_from_account_tags(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    tag(moto_org, "prod-app", Environment="prod", Team="payments")
    tag(moto_org, "staging", env="staging")

    result = sync(organization, moto_org)

    assert result.status == OrganizationSync.Status.SUCCEEDED, result.error
    assert environment_of(moto_org, "prod-app") == ("production", "tag")
    assert environment_of(moto_org, "staging") == ("non-production", "tag")
    assert environment_of(moto_org, "sandbox") == ("", "")

    # The tag changes, then goes away: the environment follows it, and the sync says so.
    tag(moto_org, "staging", env="production")
    moto_org.client.untag_resource(
        ResourceId=moto_org.accounts["prod-app"], TagKeys=["Environment"]
    )
    again = sync(organization, moto_org)
    assert environment_of(moto_org, "staging") == ("production", "tag")
    assert environment_of(moto_org, "prod-app") == ("", "")
    assert {moto_org.accounts["staging"], moto_org.accounts["prod-app"]} <= set(again.updated)


def test_a_hand_set_environment_wins_over_tags_until_cleared(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    tag(moto_org, "staging", Environment="staging")
    sync(organization, moto_org)
    staging = AwsAccount.objects.get(account_id=moto_org.accounts["staging"])
    account_environment_set(account=staging, environment=Environment.PRODUCTION)

    sync(organization, moto_org)
    assert environment_of(moto_org, "staging") == ("production", EnvironmentSource.MANUAL)

    account_environment_set(account=staging, environment="")
    assert environment_of(moto_org, "staging") == ("", "")
    sync(organization, moto_org)
    assert environment_of(moto_org, "staging") == ("non-production", "tag")


def test_tags_refused_leave_the_environment_and_the_sync_succeeds(
    organization: Organization, moto_org: MotoOrganization, monkeypatch: pytest.MonkeyPatch
) -> None:
    tag(moto_org, "prod-app", Environment="prod")
    sync(organization, moto_org)

    def refused(client, account_id: str) -> dict[str, str]:
        raise ClientError(
            {"Error": {"Code": "AccessDeniedException", "Message": "no tags for you"}},
            "ListTagsForResource",
        )

    monkeypatch.setattr(org_collector, "account_tags_read", refused)
    result = sync(organization, moto_org)

    assert result.status == OrganizationSync.Status.SUCCEEDED
    assert result.member_errors == {}
    assert "could not be read (AccessDeniedException: no tags for you)" in result.error
    assert environment_of(moto_org, "prod-app") == ("production", "tag")


def test_tags_are_read_through_every_page() -> None:
    client = boto3.client("organizations", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response(
            "list_tags_for_resource",
            {"Tags": [{"Key": "Team", "Value": "a"}], "NextToken": "page-2"},
            {"ResourceId": "111111111111"},
        )
        stub.add_response(
            "list_tags_for_resource",
            {"Tags": [{"Key": "Environment", "Value": "prod"}]},
            {"ResourceId": "111111111111", "NextToken": "page-2"},
        )
        tags = org_collector.account_tags_read(client, "111111111111")
        stub.assert_no_pending_responses()
    assert tags == {"Team": "a", "Environment": "prod"}


def test_environment_set_refuses_an_unknown_value() -> None:
    from django.core.exceptions import ValidationError

    from tests.factories import AwsAccountFactory

    with pytest.raises(ValidationError):
        account_environment_set(account=AwsAccountFactory(), environment="prod")
