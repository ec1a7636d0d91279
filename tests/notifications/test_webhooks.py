"""Signed webhook deliveries against a local receiver: signature, replay, back-off, disabling."""

from __future__ import annotations

import json

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection

from evidence.notifications.models import Delivery, DeliveryAttempt, Event, Webhook
from evidence.notifications.services.events import EventSpec, event_fan_out, event_record
from evidence.notifications.services.subscriptions import subscription_create, webhook_test_event
from evidence.notifications.services.webhooks import webhook_create, webhook_url_check
from evidence.notifications.tasks import backoff_seconds, notification_delivery_task
from evidence.notifications.verify import (
    HEADER,
    SignatureError,
    signature_header,
    verify_signature,
)

pytestmark = pytest.mark.django_db


def _event(title: str = "IAM-01 is failing in Prod", **data) -> Event:
    return event_record(
        EventSpec(
            key=f"test:{title}", kind="control.failing", severity="high", title=title, data=data
        )
    )[0]


def _hook(receiver, admin_user, preset: str = "generic") -> Webhook:
    webhook, secret = webhook_create(
        name="SIEM", url=receiver.url, preset=preset, created_by=admin_user
    )
    receiver.secret = secret
    subscription_create(created_by=admin_user, webhook=webhook)
    return webhook


def test_receiver_verifies_the_signature_and_rejects_a_replay(admin_user, receiver, post_raw):
    _hook(receiver, admin_user)
    [delivery_id] = event_fan_out(_event())

    result = notification_delivery_task.apply(args=[delivery_id])

    assert result.get() == "delivered"
    [(headers, body)] = receiver.accepted
    payload = json.loads(body)
    assert payload["version"] == "1" and payload["type"] == "control.failing"
    assert headers[HEADER.lower()].startswith("t=") and ",v1=" in headers[HEADER.lower()]
    attempt = DeliveryAttempt.objects.get()
    assert (attempt.ok, attempt.response_code, attempt.number) == (True, 204, 1)
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED

    # The same request captured and replayed six minutes later is refused.
    receiver.clock_offset = 301
    assert post_raw(receiver.url, {HEADER: headers[HEADER.lower()]}, body) == 400
    assert "tolerance" in receiver.rejected[-1]
    # Within the window it still verifies (so the 400 above is the replay rule, not a bad copy).
    receiver.clock_offset = 0
    assert post_raw(receiver.url, {HEADER: headers[HEADER.lower()]}, body) == 204


def test_verify_helper_rejects_tampering_and_old_timestamps():
    body = b'{"type": "test"}'
    header = signature_header("s3cret", body, timestamp=1_700_000_000)
    assert verify_signature("s3cret", header, body, now=1_700_000_100) == 1_700_000_000
    for secret, signed_body, now in (
        ("wrong", body, 1_700_000_100),
        ("s3cret", body + b" ", 1_700_000_100),
        ("s3cret", body, 1_700_000_301),
    ):
        with pytest.raises(SignatureError):
            verify_signature(secret, header, signed_body, now=now)
    with pytest.raises(SignatureError):
        verify_signature("s3cret", "v1=abc", body)


def test_failing_receiver_is_retried_with_back_off_then_disabled(
    admin_user, receiver, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.GRC_WEBHOOK_MAX_ATTEMPTS = 3
    settings.GRC_WEBHOOK_DISABLE_AFTER = 3
    admin_user.is_superuser = True
    admin_user.save()
    receiver.status = 500
    webhook = _hook(receiver, admin_user)
    [delivery_id] = event_fan_out(_event())
    countdowns: list[int] = []
    original = notification_delivery_task.retry

    def retry(*args, **kwargs):
        countdowns.append(kwargs["countdown"])
        return original(*args, **kwargs)

    monkeypatch.setattr(notification_delivery_task, "retry", retry)
    with django_capture_on_commit_callbacks(execute=True):
        result = notification_delivery_task.apply(args=[delivery_id])

    assert result.get() == "failed"
    assert countdowns == [30, 60]  # exponential: 30 s, then 60 s (then 120 s...)
    assert backoff_seconds(4) == 480
    attempts = list(DeliveryAttempt.objects.order_by("number"))
    assert [(a.number, a.ok, a.response_code) for a in attempts] == [
        (1, False, 500),
        (2, False, 500),
        (3, False, 500),
    ]
    assert all(a.error == "HTTP 500" for a in attempts)
    webhook.refresh_from_db()
    assert (webhook.enabled, webhook.consecutive_failures) == (False, 3)
    assert "HTTP 500" in webhook.disabled_reason
    assert Delivery.objects.get().status == Delivery.Status.FAILED
    [notice] = mail.outbox
    assert "Webhook disabled: SIEM" in notice.subject and admin_user.email in notice.to
    # A disabled webhook is not sent to again.
    assert event_fan_out(_event("another")) == []


def test_success_resets_the_failure_count(admin_user, receiver, settings):
    settings.GRC_WEBHOOK_MAX_ATTEMPTS = 1
    receiver.status = 503
    webhook = _hook(receiver, admin_user)
    notification_delivery_task.apply(args=[event_fan_out(_event("one"))[0]])
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 1
    receiver.status = 200
    notification_delivery_task.apply(args=[event_fan_out(_event("two"))[0]])
    webhook.refresh_from_db()
    assert (webhook.enabled, webhook.consecutive_failures) == (True, 0)


def test_test_event_reaches_the_receiver(admin_user, receiver):
    webhook = _hook(receiver, admin_user)
    delivery = webhook_test_event(webhook=webhook, requested_by=admin_user)
    assert notification_delivery_task.apply(args=[delivery.pk]).get() == "delivered"
    assert json.loads(receiver.accepted[0][1])["type"] == "test"


@pytest.mark.parametrize(
    ("preset", "expected_keys"),
    [("slack", {"text"}), ("teams", {"@type", "@context", "summary", "title", "text"})],
)
def test_chat_presets(admin_user, receiver, preset, expected_keys):
    _hook(receiver, admin_user, preset=preset)
    notification_delivery_task.apply(args=[event_fan_out(_event())[0]])
    body = json.loads(receiver.accepted[0][1])
    assert set(body) == expected_keys
    assert "[HIGH] IAM-01 is failing in Prod" in body["text"]


def test_secret_is_encrypted_at_rest(admin_user, receiver):
    webhook, secret = webhook_create(
        name="x", url=receiver.url, preset="generic", created_by=admin_user
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM notifications_webhook WHERE id = %s", [webhook.pk])
        stored = cursor.fetchone()[0]
    assert secret.startswith("whsec_") and secret not in stored
    assert Webhook.objects.get(pk=webhook.pk).secret == secret


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "ftp://example.com/x",
        "http://127.0.0.1:8000/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/hook",
        "http://[::1]/hook",
        "http://localhost/hook",
    ],
)
def test_unsafe_urls_are_refused(settings, url):
    settings.GRC_WEBHOOK_ALLOW_PRIVATE = False
    with pytest.raises(ValidationError):
        webhook_url_check(url)


def test_scheme_is_checked_even_when_private_addresses_are_allowed():
    with pytest.raises(ValidationError):
        webhook_url_check("file:///etc/passwd")


def test_payload_matches_the_published_schema(admin_user):
    from pathlib import Path

    from evidence.notifications.services.payloads import SCHEMA_ID, event_payload

    schema_path = (
        Path(__file__).resolve().parents[2] / "evidence/notifications/schema/event-v1.json"
    )
    schema = json.loads(schema_path.read_text())
    payload = event_payload(_event())
    assert schema["$id"] == SCHEMA_ID == payload["schema"]
    assert set(schema["required"]) == set(payload)
    assert payload["type"] in schema["properties"]["type"]["enum"]
    assert payload["severity"] in schema["properties"]["severity"]["enum"]
    from evidence.notifications.models import EventKind

    assert set(schema["properties"]["type"]["enum"]) == set(EventKind.values)


def test_a_url_that_turns_private_is_refused_at_send_time(admin_user, receiver, settings):
    settings.GRC_WEBHOOK_MAX_ATTEMPTS = 1
    webhook = _hook(receiver, admin_user)
    [delivery_id] = event_fan_out(_event())
    settings.GRC_WEBHOOK_ALLOW_PRIVATE = False  # as if DNS now pointed inside

    assert notification_delivery_task.apply(args=[delivery_id]).get() == "failed"

    attempt = DeliveryAttempt.objects.get()
    assert (attempt.ok, attempt.response_code) == (False, None)
    assert "private" in attempt.error
    assert receiver.accepted == [] and receiver.rejected == []
    webhook.refresh_from_db()
    assert webhook.consecutive_failures == 1
