"""Test connections: each collected member's role assumed, the AWS error kept per member."""

from __future__ import annotations

from typing import Any

import pytest
from botocore.exceptions import ClientError
from django.contrib.auth.models import Group
from django.test import Client

from collectors.probe import ProbeResult, services_probe
from collectors.session import assume_role_session, caller_identity
from evidence.organizations import tasks
from evidence.organizations.models import Organization, OrganizationAccount
from evidence.organizations.services.connections import organization_connections_test
from evidence.organizations.services.organizations import organization_member_exclude
from evidence.organizations.services.sync import organization_sync
from grc.access.roles import Role
from tests.factories import UserFactory
from tests.organizations.conftest import MotoOrganization

pytestmark = pytest.mark.django_db
DENIED = (
    "User: arn:aws:sts::111122223333:assumed-role/grc-worker/i-0abc is not authorized to "
    "perform: sts:AssumeRole on resource: arn:aws:iam::{}:role/GrcEvidenceReader"
)


def test_members_whose_role_cannot_be_assumed_are_named_with_the_aws_error(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    organization_sync(organization_id=organization.pk, session_factory=lambda _: moto_org.session)
    broken = moto_org.accounts["staging"]
    sandbox = OrganizationAccount.objects.get(account__account_id=moto_org.accounts["sandbox"])
    organization_member_exclude(member=sandbox, excluded=True)

    def assume(role_arn: str, external_id: str) -> Any:
        # AWS answers a missing role, an untrusted principal and a wrong external id alike.
        if f":{broken}:" in role_arn:
            raise ClientError(
                {"Error": {"Code": "AccessDenied", "Message": DENIED.format(broken)}},
                "AssumeRole",
            )
        return assume_role_session(role_arn, external_id)

    errors = organization_connections_test(organization_id=organization.pk, assume=assume)

    assert moto_org.accounts["sandbox"] not in errors  # excluded: not collected, not tested
    assert len(errors) == 6
    assert [account for account, error in errors.items() if error] == [broken]
    assert errors[broken].startswith(
        f"cannot assume arn:aws:iam::{broken}:role/GrcEvidenceReader: AccessDenied: User:"
    )
    member = OrganizationAccount.objects.get(account__account_id=broken)
    assert member.connection_checked_at is not None and "sts:AssumeRole" in member.connection_error
    assert "does not exist, does not trust the collector, or expects another external id" in (
        member.connection_error
    )
    ok = OrganizationAccount.objects.get(account__account_id=moto_org.accounts["prod-app"])
    assert ok.connection_error == "" and ok.connection_checked_at is not None

    user = UserFactory(username="auditor-connections")
    user.groups.add(Group.objects.get_or_create(name=Role.AUDITOR.value)[0])
    client = Client()
    client.force_login(user)
    body = client.get("/organizations/").content.decode()
    assert "is not authorized to perform: sts:AssumeRole" in body
    assert "role assumed" in body
    assert client.post(f"/organizations/{organization.pk}/test-connections/").status_code == 403


def test_test_connections_api_queues_the_task(
    organization: Organization, monkeypatch: pytest.MonkeyPatch
) -> None:
    from types import SimpleNamespace

    from rest_framework.test import APIClient

    sent: list[int] = []
    monkeypatch.setattr(tasks.organization_connections_test_task, "delay", sent.append)
    monkeypatch.setattr(tasks, "transaction", SimpleNamespace(on_commit=lambda send: send()))
    user = UserFactory(username="manager-connections")
    user.groups.add(Group.objects.get_or_create(name=Role.MANAGER.value)[0])
    client = APIClient()
    client.force_login(user)

    response = client.post(f"/api/v1/organizations/{organization.pk}/test-connections/")

    assert response.status_code == 202
    assert sent == [organization.pk]


def test_a_role_that_cannot_read_a_service_is_named_with_the_permission_and_aws_error(
    organization: Organization, moto_org: MotoOrganization
) -> None:
    organization_sync(organization_id=organization.pk, session_factory=lambda _: moto_org.session)
    limited = moto_org.accounts["prod-data"]

    def probe(session: Any, region: str) -> list[ProbeResult]:
        results = services_probe(session, region)  # every read against moto works
        assert all(result.ok for result in results)
        if caller_identity(session)["Account"] != limited:
            return results
        denied = "AccessDeniedException: not authorized to perform: guardduty:ListDetectors"
        return [
            ProbeResult(r.service, r.action, ok=False, error=denied)
            if r.service == "guardduty"
            else r
            for r in results
        ]

    errors = organization_connections_test(organization_id=organization.pk, probe=probe)

    assert [account for account, error in errors.items() if error] == [limited]
    assert errors[limited] == (
        "role assumed, but it cannot read: guardduty:ListDetectors (AccessDeniedException: "
        "not authorized to perform: guardduty:ListDetectors)"
    )
