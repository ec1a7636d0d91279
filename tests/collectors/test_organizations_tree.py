"""Reading the organization tree: every page of every listing, OU paths, AWS's account State."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import Stubber

from collectors.organizations import organization_tree_read

ORG_ARN = "arn:aws:organizations::111111111111:organization/o-abcdefghij"


class OneClient:
    """A session stand-in whose organizations client is a botocore Stubber."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.region_name = "us-east-1"

    def client(self, service_name: str, region_name: str | None = None, **_: Any) -> Any:
        assert service_name == "organizations"
        return self._client


def account(account_id: str, **fields: str) -> dict[str, str]:
    return {
        "Id": account_id,
        "Arn": f"arn:aws:organizations::111111111111:account/o-abcdefghij/{account_id}",
        "Name": f"acct-{account_id[-1]}",
        "Email": f"{account_id}@example.com",
        **fields,
    }


def test_tree_reads_every_page_and_prefers_state_over_status(aws_credentials: None) -> None:
    client = boto3.Session(region_name="us-east-1").client("organizations")
    stub = Stubber(client)
    stub.add_response(
        "describe_organization",
        {
            "Organization": {
                "Id": "o-abcdefghij",
                "Arn": ORG_ARN,
                "MasterAccountId": "111111111111",
            }
        },
    )
    stub.add_response(
        "list_roots", {"Roots": [{"Id": "r-ab12", "Name": "Root", "Arn": f"{ORG_ARN}/r"}]}
    )
    stub.add_response(
        "list_accounts_for_parent",
        {"Accounts": [account("111111111111", State="ACTIVE")], "NextToken": "page-2"},
        {"ParentId": "r-ab12"},
    )
    stub.add_response(
        "list_accounts_for_parent",
        {"Accounts": [account("222222222222", Status="ACTIVE", State="PENDING_CLOSURE")]},
        {"ParentId": "r-ab12", "NextToken": "page-2"},
    )
    stub.add_response(
        "list_organizational_units_for_parent",
        {"OrganizationalUnits": [{"Id": "ou-ab12-11111111", "Name": "Prod"}]},
        {"ParentId": "r-ab12"},
    )
    stub.add_response(
        "list_accounts_for_parent",
        {"Accounts": [account("333333333333", Status="SUSPENDED")]},
        {"ParentId": "ou-ab12-11111111"},
    )
    stub.add_response(
        "list_organizational_units_for_parent",
        {"OrganizationalUnits": []},
        {"ParentId": "ou-ab12-11111111"},
    )

    # Then each account's tags, one paginated ListTagsForResource each; a refusal is kept on
    # that account instead of failing the read.
    stub.add_response(
        "list_tags_for_resource",
        {"Tags": [{"Key": "env", "Value": "prod"}], "NextToken": "t2"},
        {"ResourceId": "111111111111"},
    )
    stub.add_response(
        "list_tags_for_resource",
        {"Tags": [{"Key": "Team", "Value": "core"}]},
        {"ResourceId": "111111111111", "NextToken": "t2"},
    )
    stub.add_client_error(
        "list_tags_for_resource",
        service_error_code="AccessDeniedException",
        service_message="not allowed",
        expected_params={"ResourceId": "222222222222"},
    )
    stub.add_response("list_tags_for_resource", {"Tags": []}, {"ResourceId": "333333333333"})

    with stub:
        tree = organization_tree_read(OneClient(client))

    stub.assert_no_pending_responses()
    assert [(a.tags, a.tags_error) for a in tree.accounts] == [
        ({"env": "prod", "Team": "core"}, ""),
        (None, "AccessDeniedException: not allowed"),
        ({}, ""),
    ]
    assert tree.organization_id == "o-abcdefghij"
    assert tree.management_account_id == "111111111111"
    assert tree.partition == "aws"
    assert [(a.account_id, a.ou_path, a.status) for a in tree.accounts] == [
        ("111111111111", "Root", "ACTIVE"),
        ("222222222222", "Root", "PENDING_CLOSURE"),
        ("333333333333", "Root/Prod", "SUSPENDED"),
    ]
