"""Packets scoped to an OU (and an environment): the subtree's accounts at request time."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.collection.models import Environment
from evidence.organizations.models import Organization, OrganizationAccount
from evidence.packets.models import EvidencePacket
from evidence.packets.services.packets import packet_request
from grc.access.roles import Role
from tests.factories import AwsAccountFactory, UserFactory
from tests.packets.conftest import zip_entries

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(small_history):
    """small_history's account in Root/Workloads/NonProd, a production one in
    Root/Workloads/Prod, one in Root/Security, and one that left Root/Workloads."""
    organization = Organization.objects.create(
        name="Acme",
        account_id="999999999999",
        role_arn="arn:aws:iam::999999999999:role/R",
        external_id="x" * 16,
        member_external_id="y" * 16,
    )
    prod = AwsAccountFactory(name="prod", environment=Environment.PRODUCTION)
    members = {
        "staging": (small_history["account"], "Root/Workloads/NonProd", "ACTIVE"),
        "prod": (prod, "Root/Workloads/Prod", "ACTIVE"),
        "audit": (AwsAccountFactory(name="audit"), "Root/Security", "ACTIVE"),
        "gone": (AwsAccountFactory(name="gone"), "Root/Workloads", "REMOVED"),
    }
    for account, path, status in members.values():
        OrganizationAccount.objects.create(
            organization=organization, account=account, ou_path=path, aws_status=status
        )
    return {name: account for name, (account, _, _) in members.items()} | small_history


def request(org, **scope) -> EvidencePacket:
    return packet_request(
        framework=org["framework"],
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 5),
        requested_by=None,
        **scope,
    )


def names(packet: EvidencePacket) -> list[str]:
    return sorted(packet.accounts.values_list("name", flat=True))


def test_an_ou_packet_covers_the_subtree_members_at_request_time(org) -> None:
    packet = request(org, ou_path="Root/Workloads/")

    assert names(packet) == sorted([org["staging"].name, "prod"])  # not the one that left
    assert (packet.ou_path, packet.environment) == ("Root/Workloads", "")
    production = request(org, ou_path="Root/Workloads", environment=Environment.PRODUCTION)
    assert names(production) == ["prod"] and production.environment == "production"
    chosen = request(org, ou_path="Root/Workloads", accounts=[org["prod"], org["audit"]])
    assert names(chosen) == ["prod"]  # the chosen accounts, narrowed to the OU


def test_an_ou_without_accounts_is_refused(org) -> None:
    with pytest.raises(ValidationError) as refused:
        request(org, ou_path="Root/Nowhere")
    assert "No account in OU Root/Nowhere" in str(refused.value)
    with pytest.raises(ValidationError):
        request(org, ou_path="Root/Security", environment=Environment.PRODUCTION)
    with pytest.raises(ValidationError):
        request(org)  # no account, no OU


def test_the_manifest_and_covers_name_the_ou(org, build_packet) -> None:
    packet = build_packet(
        framework=org["framework"],
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 5),
        requested_by=None,
        ou_path="Root/Workloads/NonProd",
    )
    assert packet.status == EvidencePacket.Status.READY, packet.error
    entries = zip_entries(packet.file.path)
    scope = json.loads(entries["manifest.json"])["scope"]
    assert scope["organizational_unit"]["path"] == "Root/Workloads/NonProd"
    assert scope["organizational_unit"]["includes_child_ous"] is True
    assert [a["account_id"] for a in scope["accounts"]] == [org["staging"].account_id]
    assert "Organizational unit: Root/Workloads/NonProd and the OUs under it" in (
        entries["README.txt"].decode()
    )
    assert (
        "<dt>Organizational unit</dt><dd>Root/Workloads/NonProd" in entries["report.html"].decode()
    )


def test_the_form_and_the_api_accept_an_ou(org, client, django_capture_on_commit_callbacks):
    auditor = UserFactory(username="auditor-ou")
    auditor.groups.add(Group.objects.get(name=Role.AUDITOR.value))
    client.force_login(auditor)
    form = client.get(reverse("packets:create")).content.decode()
    assert '<option value="Root/Workloads">Root/Workloads</option>' in form  # an OU above one
    with django_capture_on_commit_callbacks():
        response = client.post(
            reverse("packets:create"),
            {
                "framework": org["framework"].pk,
                "period_start": "2026-03-01",
                "period_end": "2026-03-05",
                "ou": "Root/Workloads",
                "environment": "production",
            },
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    packet = EvidencePacket.objects.get()
    assert (names(packet), packet.ou_path) == (["prod"], "Root/Workloads")
    detail = client.get(response["Location"]).content.decode()
    assert "Root/Workloads</span> and the OUs under it" in detail

    with django_capture_on_commit_callbacks():
        api = client.post(
            "/api/v1/evidence-packets/",
            {
                "framework": org["framework"].slug,
                "period_start": "2026-03-01",
                "period_end": "2026-03-05",
                "ou": "Root/Security",
            },
            content_type="application/json",
        )
    assert api.status_code == 202, api.content
    body = api.json()
    assert body["ou_path"] == "Root/Security"
    assert body["accounts"] == [org["audit"].account_id]
    refused = client.post(
        "/api/v1/evidence-packets/",
        {
            "framework": org["framework"].slug,
            "period_start": "2026-03-01",
            "period_end": "2026-03-05",
            "ou": "Root/Nowhere",
        },
        content_type="application/json",
    )
    assert refused.status_code == 400
