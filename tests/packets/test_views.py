"""Packet pages: who may request, see and download packets."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from evidence.packets.models import EvidencePacket
from grc.access.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _user(role: Role | None, name: str):
    user = UserFactory(username=name)
    if role:
        user.groups.add(Group.objects.get(name=role.value))
    return user


def test_anonymous_is_sent_to_login(client, small_packet):
    for url in (
        reverse("packets:list"),
        reverse("packets:create"),
        reverse("packets:detail", args=[small_packet.pk]),
        reverse("packets:download", args=[small_packet.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"], url


def test_user_without_a_role_is_forbidden(client, small_packet):
    client.force_login(_user(None, "nobody"))
    assert client.get(reverse("packets:list")).status_code == 403
    assert client.get(reverse("packets:download", args=[small_packet.pk])).status_code == 403
    assert client.post(reverse("packets:create"), {}).status_code == 403


def test_auditor_requests_a_packet(client, small_history, django_capture_on_commit_callbacks):
    auditor = _user(Role.AUDITOR, "auditor-bo")
    client.force_login(auditor)
    assert client.get(reverse("packets:create")).status_code == 200
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            reverse("packets:create"),
            {
                "framework": small_history["framework"].pk,
                "period_start": "2026-03-01",
                "period_end": "2026-03-05",
                "accounts": [small_history["account"].pk],
                "sample_dates": "2026-03-02, 2026-03-04",
                "sample_sizes": "continuous=40 quarterly=3",
            },
        )
    packet = EvidencePacket.objects.get()
    assert packet.sampling["sizes"]["continuous"] == 40
    assert packet.sampling["sizes"]["quarterly"] == 3 and len(packet.sampling["seed"]) == 16
    assert response.status_code == 302
    assert response["Location"] == reverse("packets:detail", args=[packet.pk])
    assert packet.requested_by == auditor and packet.status == EvidencePacket.Status.QUEUED
    assert packet.sample_dates == ["2026-03-02", "2026-03-04"] and len(callbacks) == 1
    progress = client.get(reverse("packets:progress", args=[packet.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in progress
    listing = client.get(reverse("packets:list")).content.decode()
    assert f'href="{reverse("packets:detail", args=[packet.pk])}"' in listing


def test_invalid_request_shows_the_errors(client, small_history):
    client.force_login(_user(Role.MANAGER, "manager-cy"))
    response = client.post(
        reverse("packets:create"),
        {
            "framework": small_history["framework"].pk,
            "period_start": "2026-03-05",
            "period_end": "2026-03-06",
            "accounts": [small_history["account"].pk],
            "sample_dates": "2026-04-01",
        },
    )
    assert response.status_code == 200
    assert "Outside the period" in response.content.decode()
    assert not EvidencePacket.objects.exists()


@pytest.mark.parametrize("role", [Role.AUDITOR, Role.MANAGER])
def test_auditors_and_managers_download(client, small_packet, role):
    client.force_login(_user(role, f"user-{role.name.lower()}"))
    detail = client.get(reverse("packets:detail", args=[small_packet.pk])).content.decode()
    assert small_packet.sha256 in detail and "hx-trigger" not in detail
    response = client.get(reverse("packets:download", args=[small_packet.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == small_packet.sha256
    assert "attachment" in response["Content-Disposition"]


def test_unfinished_packet_cannot_be_downloaded(
    client, small_history, django_capture_on_commit_callbacks
):
    from evidence.packets.services.packets import packet_request

    with django_capture_on_commit_callbacks():
        packet = packet_request(
            framework=small_history["framework"],
            period_start=small_history["control"].created_at.date(),
            period_end=small_history["control"].created_at.date(),
            accounts=[small_history["account"]],
            requested_by=None,
        )
    client.force_login(_user(Role.AUDITOR, "auditor-di"))
    assert client.get(reverse("packets:download", args=[packet.pk])).status_code == 404
