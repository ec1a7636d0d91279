"""Fixtures for organizations: a moto organization with OUs and member accounts."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import boto3
import pytest
from moto import mock_aws

from evidence.organizations.models import Organization
from evidence.organizations.services.organizations import organization_create

REGION = "us-east-1"
MANAGEMENT_ACCOUNT = "123456789012"  # moto's default account is the management account


@dataclass
class MotoOrganization:
    session: boto3.Session
    client: Any
    root_id: str
    ous: dict[str, str] = field(default_factory=dict)  # path -> OU id
    accounts: dict[str, str] = field(default_factory=dict)  # name -> account id

    def add_ou(self, path: str) -> str:
        parent_path, _, name = path.rpartition("/")
        parent = self.ous[parent_path] if parent_path else self.root_id
        unit = self.client.create_organizational_unit(ParentId=parent, Name=name)
        self.ous[path] = unit["OrganizationalUnit"]["Id"]
        return self.ous[path]

    def add_account(self, name: str, ou_path: str = "") -> str:
        created = self.client.create_account(AccountName=name, Email=f"{name}@example.com")
        account_id = created["CreateAccountStatus"]["AccountId"]
        if ou_path:
            self.client.move_account(
                AccountId=account_id,
                SourceParentId=self.root_id,
                DestinationParentId=self.ous[ou_path],
            )
        self.accounts[name] = account_id
        return account_id


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")


@pytest.fixture
def moto_org(aws_env: None) -> Iterator[MotoOrganization]:
    """Root, OUs Security, Workloads/Prod, Workloads/NonProd and six member accounts."""
    with mock_aws():
        session = boto3.Session(region_name=REGION)
        client = session.client("organizations")
        client.create_organization(FeatureSet="ALL")
        root_id = client.list_roots()["Roots"][0]["Id"]
        org = MotoOrganization(session=session, client=client, root_id=root_id)
        for path in ("Security", "Workloads", "Workloads/Prod", "Workloads/NonProd"):
            org.add_ou(path)
        org.add_account("log-archive", "Security")
        org.add_account("audit", "Security")
        org.add_account("prod-app", "Workloads/Prod")
        org.add_account("prod-data", "Workloads/Prod")
        org.add_account("staging", "Workloads/NonProd")
        org.add_account("sandbox")
        yield org


@pytest.fixture
def organization(db: None) -> Organization:
    return organization_create(
        name="Acme",
        account_id=MANAGEMENT_ACCOUNT,
        role_arn=f"arn:aws:iam::{MANAGEMENT_ACCOUNT}:role/GrcOrgReader",
        external_id="management-external-id-0001",
        member_external_id="member-external-id-0001",
        default_regions=["us-east-1", "eu-west-1"],
    )
