"""The posture pages' ``ou`` parameter narrows the accounts in scope to an OU subtree."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from evidence.organizations.models import Organization, OrganizationAccount
from evidence.posture.forms import DashboardFilterForm
from grc.access.roles import Role
from tests.factories import AwsAccountFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accounts(organization: Organization) -> dict[str, object]:
    found = {}
    for name, path in (
        ("prod", "Root/Workloads/Prod"),
        ("staging", "Root/Workloads/NonProd"),
        ("audit", "Root/Security"),
    ):
        account = AwsAccountFactory(name=name)
        OrganizationAccount.objects.create(
            organization=organization, account=account, ou_path=path, aws_status="ACTIVE"
        )
        found[name] = account
    found["standalone"] = AwsAccountFactory(name="standalone")  # not in the organization
    return found


def filters_for(query: dict[str, object], accounts: dict[str, object]):
    return DashboardFilterForm(query, accounts=list(accounts.values()), frameworks=[]).filters()


def test_ou_narrows_accounts_and_is_carried(accounts: dict[str, object]) -> None:
    narrowed = filters_for({"ou": "Root/Workloads"}, accounts)

    assert sorted(a.name for a in narrowed.accounts) == ["prod", "staging"]
    assert narrowed.active and "ou=Root%2FWorkloads" in narrowed.carry
    assert len(filters_for({}, accounts).accounts) == 4
    assert filters_for({"ou": "Root/Nowhere"}, accounts).accounts == ()


def test_ou_and_an_account_choice_intersect(accounts: dict[str, object]) -> None:
    chosen = accounts["audit"].account_id
    assert filters_for({"ou": "Root/Workloads", "account": [chosen]}, accounts).accounts == ()


def test_overview_and_controls_accept_the_ou_parameter(accounts: dict[str, object]) -> None:
    user = UserFactory(username="auditor-ou")
    user.groups.add(Group.objects.get_or_create(name=Role.AUDITOR.value)[0])
    client = Client()
    client.force_login(user)

    for url in ("/", "/controls/"):
        response = client.get(url, {"ou": "Root/Security"})
        assert response.status_code == 200, url
        assert [a.name for a in response.context["filters"].accounts] == ["audit"]
        assert 'name="ou" value="Root/Security"' in response.content.decode()
