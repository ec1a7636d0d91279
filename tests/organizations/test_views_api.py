"""Organizations page and API: same role rules as the rest, external ids never returned."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.test import APIClient

from evidence.organizations import tasks
from evidence.organizations.models import Organization, OrganizationAccount
from grc.access.roles import Role
from tests.factories import AwsAccountFactory, UserFactory

pytestmark = pytest.mark.django_db
AwsStatus = OrganizationAccount.AwsStatus


def login(client_class: type, role: Role) -> Client:
    user = UserFactory(username=f"user-{role.name.lower()}")
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    client = client_class()
    client.force_login(user)
    return client


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Task ids sent; the send goes through on_commit (run at once: tests never commit)."""
    sent: list[int] = []
    monkeypatch.setattr(tasks.organization_sync_task, "delay", sent.append)
    monkeypatch.setattr(tasks, "transaction", SimpleNamespace(on_commit=lambda send: send()))
    return sent


@pytest.fixture
def members(organization: Organization) -> dict[str, OrganizationAccount]:
    rows = {
        "prod": ("Root/Workloads/Prod", AwsStatus.ACTIVE, True),
        "staging": ("Root/Workloads/NonProd", AwsStatus.ACTIVE, True),
        "closed": ("Root/Workloads/Prod", AwsStatus.SUSPENDED, False),
        "audit": ("Root/Security", AwsStatus.ACTIVE, True),
    }
    return {
        name: OrganizationAccount.objects.create(
            organization=organization,
            account=AwsAccountFactory(name=name, enabled=enabled),
            ou_path=path,
            aws_status=status,
            email=f"{name}@example.com",
            last_sync_error="AccessDenied: cannot assume" if name == "staging" else "",
        )
        for name, (path, status, enabled) in rows.items()
    }


def test_page_groups_members_by_ou_for_an_auditor_without_buttons(
    members: dict[str, OrganizationAccount],
) -> None:
    response = login(Client, Role.AUDITOR).get("/organizations/")

    assert response.status_code == 200
    page = response.context["pages"][0]
    assert [group.ou_path for group in page.groups] == [
        "Root/Security",
        "Root/Workloads/NonProd",
        "Root/Workloads/Prod",
    ]
    assert [m.account.name for m in page.groups[2].members] == ["closed", "prod"]
    body = response.content.decode()
    assert "Suspended" in body and "AccessDenied: cannot assume" in body
    assert "Sync now" not in body
    assert "member-external-id-0001" not in body


def test_sync_now_is_for_managers(organization: Organization, queued: list[int]) -> None:
    denied = login(Client, Role.AUDITOR).post(f"/organizations/{organization.pk}/sync/")
    assert denied.status_code == 403
    manager = login(Client, Role.MANAGER)
    with_hooks = manager.post(f"/organizations/{organization.pk}/sync/")
    assert with_hooks.status_code == 302
    assert queued == [organization.pk]


def test_register_form_creates_and_queues_a_sync(db: None, queued: list[int]) -> None:
    response = login(Client, Role.MANAGER).post(
        "/organizations/new/",
        {
            "name": "Acme",
            "account_id": "210987654321",
            "role_arn": "arn:aws:iam::210987654321:role/GrcOrgReader",
            "external_id": "management-secret",
            "member_role_name": "GrcEvidenceReader",
            "member_external_id": "member-secret",
            "default_regions": "eu-west-1, us-east-1",
        },
    )
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.default_regions == ["eu-west-1", "us-east-1"]
    assert organization.member_external_id == "member-secret"
    assert queued == [organization.pk]


def test_api_lists_members_filtered_by_ou(members: dict[str, OrganizationAccount]) -> None:
    client = login(APIClient, Role.AUDITOR)

    response = client.get("/api/v1/organization-members/", {"ou": "Root/Workloads"})

    assert response.status_code == 200
    names = sorted(row["name"] for row in response.json()["results"])
    assert names == ["closed", "prod", "staging"]
    organizations = client.get("/api/v1/organizations/").json()["results"]
    assert organizations[0]["member_count"] == 4
    assert "external_id" not in organizations[0]
    assert "member_external_id" not in organizations[0]


def test_api_create_sync_and_exclude_need_a_manager(
    members: dict[str, OrganizationAccount], queued: list[int]
) -> None:
    organization = members["prod"].organization
    auditor = login(APIClient, Role.AUDITOR)
    assert auditor.post(f"/api/v1/organizations/{organization.pk}/sync/").status_code == 403
    assert (
        auditor.patch(
            f"/api/v1/organization-members/{members['prod'].pk}/", {"excluded": True}
        ).status_code
        == 403
    )
    manager = login(APIClient, Role.MANAGER)

    synced = manager.post(f"/api/v1/organizations/{organization.pk}/sync/")
    excluded = manager.patch(
        f"/api/v1/organization-members/{members['prod'].pk}/", {"excluded": True}, format="json"
    )
    created = manager.post(
        "/api/v1/organizations/",
        {
            "name": "Other",
            "account_id": "210987654321",
            "role_arn": "arn:aws:iam::210987654321:role/GrcOrgReader",
            "external_id": "management-secret-2",
            "member_external_id": "member-secret-2",
        },
        format="json",
    )

    assert synced.status_code == 202
    assert excluded.status_code == 200
    assert excluded.json()["excluded"] is True and excluded.json()["enabled"] is False
    assert created.status_code == 201, created.content
    assert b"secret-2" not in created.content
    assert queued == [organization.pk, created.json()["id"]]


def test_api_rejects_a_bad_role_arn(db: None, queued: list[int]) -> None:
    response = login(APIClient, Role.MANAGER).post(
        "/api/v1/organizations/",
        {
            "name": "Bad",
            "account_id": "210987654321",
            "role_arn": "not-an-arn",
            "external_id": "x1",
            "member_external_id": "y1",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "role_arn" in response.json()["error"]["fields"]
    assert queued == []


def test_account_pks_in_ou_cover_nested_ous_only(members: dict[str, OrganizationAccount]) -> None:
    from evidence.organizations.selectors.organizations import account_pks_in_ou

    workloads = {members[name].account_id for name in ("prod", "staging", "closed")}
    assert set(account_pks_in_ou("Root/Workloads")) == workloads
    assert set(account_pks_in_ou("Root/Workloads/")) == workloads
    assert account_pks_in_ou("Root/Work") == []
    assert account_pks_in_ou("Root/Security") == [members["audit"].account_id]


def test_read_only_key_cannot_sync_and_anonymous_is_refused(
    organization: Organization, queued: list[int]
) -> None:
    from grc.access.services.apikeys import api_key_create

    manager = UserFactory(username="manager-key-owner")
    manager.groups.add(Group.objects.get_or_create(name=Role.MANAGER.value)[0])
    _, plaintext = api_key_create(name="ci", owner=manager, read_only=True)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")

    assert client.get("/api/v1/organizations/").status_code == 200
    assert client.post(f"/api/v1/organizations/{organization.pk}/sync/").status_code == 403
    assert APIClient().get("/api/v1/organization-members/").status_code == 401
    assert queued == []
