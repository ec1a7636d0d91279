"""The API: accounts expose and take an environment; posture endpoints filter by OU and it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from evidence.collection.models import AwsAccount
from evidence.organizations.models import Organization, OrganizationAccount
from evidence.posture.models import ControlStatusDaily, ControlStatusEvent
from tests.factories import AwsAccountFactory, ControlFactory

pytestmark = pytest.mark.django_db
ACCOUNT = "111122223333"


def test_account_environment_is_shown_set_by_hand_and_filtered(manager_client, aws_account):
    body = manager_client.get(f"/api/v1/accounts/{ACCOUNT}/").json()
    assert (body["environment"], body["environment_source"]) == ("", "")

    response = manager_client.patch(
        f"/api/v1/accounts/{ACCOUNT}/", {"environment": "production"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["environment"], response.json()["environment_source"]) == (
        "production",
        "manual",
    )
    AwsAccountFactory(account_id="444455556666", environment="non-production")
    listed = manager_client.get("/api/v1/accounts/", {"environment": "production"}).json()
    assert [a["account_id"] for a in listed["results"]] == [ACCOUNT]

    bad = manager_client.patch(
        f"/api/v1/accounts/{ACCOUNT}/", {"environment": "prod"}, format="json"
    )
    assert bad.status_code == 400
    cleared = manager_client.patch(
        f"/api/v1/accounts/{ACCOUNT}/", {"environment": ""}, format="json"
    ).json()
    assert (cleared["environment"], cleared["environment_source"]) == ("", "")


def test_auditors_cannot_set_an_environment(auditor_client, aws_account):
    response = auditor_client.patch(
        f"/api/v1/accounts/{ACCOUNT}/", {"environment": "production"}, format="json"
    )
    assert response.status_code == 403
    assert AwsAccount.objects.get(account_id=ACCOUNT).environment == ""


def test_posture_endpoints_take_ou_and_environment(auditor_client, aws_account):
    organization = Organization.objects.create(
        name="Acme",
        account_id="999999999999",
        role_arn="arn:aws:iam::999999999999:role/R",
        external_id="x" * 16,
        member_external_id="y" * 16,
    )
    OrganizationAccount.objects.create(
        organization=organization, account=aws_account, ou_path="Root/Prod", aws_status="ACTIVE"
    )
    other = AwsAccountFactory(account_id="444455556666", environment="non-production")
    control = ControlFactory(ref="NET-01")
    today = timezone.localdate()
    for account in (aws_account, other):
        ControlStatusDaily.objects.create(
            account=account, control=control, day=today, status="fail"
        )
        ControlStatusEvent.objects.create(
            account=account, control=control, status="fail", occurred_at=timezone.now()
        )

    def history(**params) -> list[str]:
        body = auditor_client.get("/api/v1/controls/NET-01/history/", {"days": 1, **params})
        assert body.status_code == 200, body.content
        return [entry["account"] for entry in body.json()["accounts"]]

    assert history(ou="Root") == [ACCOUNT]
    assert history(environment="non-production") == ["444455556666"]
    assert history(environment="unset") == [ACCOUNT]
    assert history(ou="Root/Prod", environment="non-production") == []
    events = auditor_client.get("/api/v1/status-events/", {"ou": "Root/Prod"}).json()
    assert [event["account"] for event in events["results"]] == [ACCOUNT]
    events = auditor_client.get("/api/v1/status-events/", {"environment": "non-production"})
    assert [event["account"] for event in events.json()["results"]] == ["444455556666"]
    assert auditor_client.get("/api/v1/findings/", {"ou": "Root/Nowhere"}).status_code == 200
