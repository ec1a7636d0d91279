"""API and pages follow the role rules: everyone manages their own email subscriptions,
administrators manage webhooks; a webhook's secret appears once, in the create response."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from evidence.notifications.models import Subscription, Webhook
from evidence.notifications.services.events import EventSpec, event_fan_out, event_record
from evidence.notifications.services.subscriptions import subscription_create

pytestmark = pytest.mark.django_db
API = "/api/v1/notifications"


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _page(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_role_subscribes_itself_by_email_through_the_api(auditor, manager):
    response = _api(auditor).post(
        f"{API}/subscriptions/",
        {"event_kinds": ["control.failing", "run.failed"], "min_severity": "high"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "email"
    subscription = Subscription.objects.get()
    assert (subscription.user, subscription.min_severity) == (auditor, "high")
    # Nobody sees or removes another user's subscription.
    assert _api(manager).get(f"{API}/subscriptions/").json()["count"] == 0
    assert _api(manager).delete(f"{API}/subscriptions/{subscription.pk}/").status_code == 404
    assert _api(auditor).delete(f"{API}/subscriptions/{subscription.pk}/").status_code == 204
    subscription.refresh_from_db()
    assert not subscription.active


def test_unknown_event_type_is_refused(auditor):
    response = _api(auditor).post(f"{API}/subscriptions/", {"event_kinds": ["nope"]}, format="json")
    assert response.status_code == 400
    assert "event_kinds.0" in response.json()["error"]["fields"]


def test_only_admins_manage_webhooks_and_the_secret_is_shown_once(admin_user, manager, receiver):
    body = {"name": "Slack #security", "url": receiver.url, "preset": "slack"}
    assert _api(manager).post(f"{API}/webhooks/", body, format="json").status_code == 403
    created = _api(admin_user).post(f"{API}/webhooks/", body, format="json")
    assert created.status_code == 201, created.content
    secret = created.json()["secret"]
    assert secret.startswith("whsec_")
    webhook = Webhook.objects.get()
    listing = _api(admin_user).get(f"{API}/webhooks/")
    detail = _api(admin_user).get(f"{API}/webhooks/{webhook.pk}/")
    assert secret.encode() not in listing.content + detail.content
    assert "secret" not in detail.json()
    assert _api(manager).get(f"{API}/webhooks/").json()["count"] == 0
    sub = _api(admin_user).post(
        f"{API}/subscriptions/", {"webhook": webhook.pk, "min_severity": "high"}, format="json"
    )
    assert sub.status_code == 201 and sub.json()["channel"] == "webhook"
    refused = _api(manager).post(f"{API}/subscriptions/", {"webhook": webhook.pk}, format="json")
    assert refused.status_code == 400
    assert _api(admin_user).post(f"{API}/webhooks/{webhook.pk}/test/").status_code == 202
    assert _api(manager).delete(f"{API}/webhooks/{webhook.pk}/").status_code == 403
    assert _api(admin_user).delete(f"{API}/webhooks/{webhook.pk}/").status_code == 204
    webhook.refresh_from_db()
    assert not webhook.enabled and "notify-admin" in webhook.disabled_reason


def test_webhook_urls_are_checked_by_the_api(admin_user, settings):
    settings.GRC_WEBHOOK_ALLOW_PRIVATE = False
    response = _api(admin_user).post(
        f"{API}/webhooks/",
        {"name": "metadata", "url": "http://169.254.169.254/latest/"},
        format="json",
    )
    assert response.status_code == 400
    assert not Webhook.objects.exists()


def test_events_and_deliveries_api(admin_user, manager):
    subscription_create(created_by=manager, user=manager)
    event, _ = event_record(
        EventSpec(key="k1", kind="run.failed", severity="high", title="Run failed")
    )
    event_fan_out(event)
    events = _api(manager).get(f"{API}/events/").json()
    assert [e["key"] for e in events["results"]] == ["k1"]
    mine = _api(manager).get(f"{API}/deliveries/").json()
    assert mine["count"] == 1 and mine["results"][0]["status"] == "pending"


def test_pages(admin_user, manager, receiver):
    assert _page(manager).get("/notifications/").status_code == 200
    response = _page(manager).post(
        "/notifications/", {"event_kinds": ["control.failing"], "min_severity": "medium"}
    )
    assert response.status_code == 302
    assert Subscription.objects.get().user == manager
    assert _page(manager).get("/notifications/integrations/").status_code == 403
    created = _page(admin_user).post(
        "/notifications/integrations/",
        {"name": "SIEM <b>", "url": receiver.url, "preset": "generic"},
    )
    assert created.status_code == 201
    webhook = Webhook.objects.get()
    assert webhook.secret in created.content.decode()
    assert created["Cache-Control"] == "no-store"
    detail = _page(admin_user).get(f"/notifications/integrations/{webhook.pk}/")
    assert detail.status_code == 200
    assert webhook.secret not in detail.content.decode()
    assert "SIEM &lt;b&gt;" in detail.content.decode()
    test = _page(admin_user).post(f"/notifications/integrations/{webhook.pk}/test/")
    assert test.status_code == 302
    assert (
        _page(admin_user).post(f"/notifications/integrations/{webhook.pk}/disable/").status_code
        == 302
    )
    webhook.refresh_from_db()
    assert not webhook.enabled
    assert (
        _page(admin_user).post(f"/notifications/integrations/{webhook.pk}/enable/").status_code
        == 302
    )
    webhook.refresh_from_db()
    assert webhook.enabled
    assert _page(manager).get("/notifications/events/").status_code == 200


def test_event_pages_escape_and_link(manager):
    from tests.factories import AwsAccountFactory, ControlFactory

    account, control = AwsAccountFactory(), ControlFactory(ref="IAM-01")
    event, _ = event_record(
        EventSpec(
            key="k2",
            kind="control.failing",
            severity="high",
            title="<script>alert(1)</script>",
            account_id=account.pk,
            control_id=control.pk,
            data={"reason": "<img src=x>"},
        )
    )
    listing = _page(manager).get("/notifications/events/").content.decode()
    detail = _page(manager).get(f"/notifications/events/{event.pk}/").content.decode()
    for html in (listing, detail):
        assert "<script>alert(1)" not in html and "&lt;script&gt;" in html
    assert "<img src=x>" not in detail
    assert "/controls/IAM-01/" in detail


def test_webhook_create_page_refuses_a_bad_scheme(admin_user):
    response = _page(admin_user).post(
        "/notifications/integrations/",
        {"name": "x", "url": "ftp://example.com", "preset": "generic"},
    )
    assert response.status_code == 400
    assert not Webhook.objects.exists()


def test_admin_never_shows_the_webhook_secret(admin_user, receiver):
    from evidence.notifications.services.webhooks import webhook_create

    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    webhook, secret = webhook_create(
        name="x", url=receiver.url, preset="generic", created_by=admin_user
    )
    page = _page(admin_user).get(f"/admin/notifications/webhook/{webhook.pk}/change/")
    assert page.status_code == 200
    assert secret not in page.content.decode()


def test_unknown_severity_is_refused_by_the_service(auditor):
    response = _api(auditor).post(
        f"{API}/subscriptions/", {"min_severity": "urgent"}, format="json"
    )
    assert response.status_code == 400
    assert "min_severity" in response.json()["error"]["fields"]
    assert not Subscription.objects.exists()
