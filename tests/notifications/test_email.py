"""Email: plain text and HTML parts, escaping, unsubscribe links, the daily digest."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from evidence.notifications.models import Delivery, Subscription, Webhook
from evidence.notifications.services.email import (
    digest_send,
    email_delivery_send,
    unsubscribe_token,
)
from evidence.notifications.services.events import EventSpec, event_fan_out, event_record
from evidence.notifications.services.payloads import webhook_body
from evidence.notifications.services.subscriptions import subscription_create
from tests.factories import AwsAccountFactory

pytestmark = pytest.mark.django_db
HOSTILE = 'bucket"\\ </td><script>alert(1)</script><img src=x onerror=alert(2)>\r\nBcc: x@evil'


def _event(key: str, kind: str = "control.failing", when: dt.datetime | None = None, **extra):
    return event_record(
        EventSpec(
            key=key,
            kind=kind,
            severity="high",
            title=extra.pop("title", key),
            occurred_at=when,
            **extra,
        )
    )[0]


def test_event_email_has_text_and_escaped_html_and_an_unsubscribe_link(manager):
    account = AwsAccountFactory(name=HOSTILE[:200])
    subscription_create(created_by=manager, user=manager)
    event = _event("e1", title=f"finding on {HOSTILE}", account_id=account.pk)
    [delivery_id] = event_fan_out(event)

    assert email_delivery_send(delivery_id=delivery_id)

    [message] = mail.outbox
    assert message.to == [manager.email]
    assert "\n" not in message.subject and "\r" not in message.subject
    assert f"finding on {HOSTILE}".split("\r")[0] in message.body  # plain text: as is
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "bucket&quot;" in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<https://grc.example.com/")
    assert "/notifications/unsubscribe/" in message.body
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    assert not email_delivery_send(delivery_id=delivery_id)  # never twice
    assert len(mail.outbox) == 1


def test_hostile_strings_are_json_escaped_in_webhook_payloads(admin_user):
    webhook = Webhook(name="w", url="https://example.com", preset="generic", secret="s")
    event = _event("e2", title=HOSTILE, data={"reason": HOSTILE, "nested": {"arn": HOSTILE}})
    body = webhook_body(webhook, event)
    decoded = json.loads(body)
    assert decoded["title"] == HOSTILE and decoded["data"]["nested"]["arn"] == HOSTILE
    assert b"\r\n" not in body and b'bucket"\\' not in body
    assert b'bucket\\"\\\\' in body
    for preset in ("slack", "teams"):
        webhook.preset = preset
        assert HOSTILE in json.loads(webhook_body(webhook, event))["text"]


def test_unsubscribe_link_deactivates_only_with_a_valid_token(manager):
    subscription = subscription_create(created_by=manager, user=manager)
    client = Client()
    token = unsubscribe_token(subscription)
    assert client.get(f"/notifications/unsubscribe/{token}/").status_code == 200
    subscription.refresh_from_db()
    assert subscription.active  # a GET (a mail scanner) changes nothing
    assert client.post(f"/notifications/unsubscribe/{token}x/").status_code == 404
    assert client.post(f"/notifications/unsubscribe/{token}/").status_code == 200
    subscription.refresh_from_db()
    assert not subscription.active


def test_digest_groups_a_days_events(manager, auditor):
    digest = subscription_create(created_by=manager, user=manager, digest=True)
    subscription_create(created_by=auditor, user=auditor, event_kinds=["run.failed"])
    day = timezone.localdate() - dt.timedelta(days=1)
    noon = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    sent_now = []
    for key, kind in (("a", "control.failing"), ("b", "control.failing"), ("c", "run.failed")):
        sent_now += event_fan_out(_event(key, kind=kind, when=noon))
    # Only the auditor's immediate subscription is sent now; the digest waits.
    assert [Delivery.objects.get(pk=pk).subscription.user for pk in sent_now] == [auditor]
    later = _event("tomorrow", when=noon + dt.timedelta(days=1))
    event_fan_out(later)

    assert digest_send(day=day) == 1

    [message] = mail.outbox
    assert message.to == [manager.email]
    assert "3 events" in message.subject
    assert "Control started failing (2)" in message.body
    assert "Collection run failed (1)" in message.body
    assert "tomorrow" not in message.body
    html = message.alternatives[0][0]
    assert "Control started failing (2)" in html and "Unsubscribe" in html
    statuses = dict(
        Delivery.objects.filter(subscription=digest).values_list("event__key", "status")
    )
    assert statuses == {"a": "delivered", "b": "delivered", "c": "delivered", "tomorrow": "digest"}
    assert digest_send(day=day) == 0  # nothing left for that day


def test_digest_is_email_only(admin_user, receiver):
    from evidence.notifications.services.webhooks import webhook_create

    webhook, _ = webhook_create(name="w", url=receiver.url, preset="generic", created_by=admin_user)
    with pytest.raises(Exception, match="Digests"):
        subscription_create(created_by=admin_user, webhook=webhook, digest=True)
    assert not Subscription.objects.exists()


def test_email_is_retried_when_the_mail_server_fails(manager, monkeypatch):
    from smtplib import SMTPServerDisconnected

    from evidence.notifications import tasks

    subscription_create(created_by=manager, user=manager)
    [delivery_id] = event_fan_out(_event("flaky"))
    calls = []

    def flaky(*, delivery_id: int) -> bool:
        calls.append(delivery_id)
        if len(calls) == 1:
            raise SMTPServerDisconnected("connection lost")
        return email_delivery_send(delivery_id=delivery_id)

    monkeypatch.setattr(tasks, "email_delivery_send", flaky)
    assert tasks.notification_delivery_task.apply(args=[delivery_id]).get() == "email"
    assert calls == [delivery_id, delivery_id]
    assert len(mail.outbox) == 1
