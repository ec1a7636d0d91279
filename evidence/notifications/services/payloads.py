"""What a delivery carries: the versioned JSON payload (``schema/event-v1.json``) or a chat
preset (Slack's and Teams' incoming-webhook ``{"text": ...}`` formats)."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings

from evidence.notifications.models import Event, Webhook

SCHEMA_VERSION = "1"
SCHEMA_ID = "https://grc-evidence.example/schemas/notification-event-v1.json"


def event_link(event: Event) -> str:
    base = settings.GRC_BASE_URL.rstrip("/")
    return f"{base}/notifications/events/{event.pk}/" if base else ""


def event_payload(event: Event) -> dict[str, Any]:
    """The webhook body, schema version 1. Fields are only ever added within a version."""
    account = event.account
    control = event.control
    return {
        "schema": SCHEMA_ID,
        "version": SCHEMA_VERSION,
        "id": event.pk,
        "key": event.key,
        "type": event.kind,
        "severity": event.severity,
        "title": event.title,
        "occurred_at": event.occurred_at.isoformat(),
        "account": {"account_id": account.account_id, "name": account.name} if account else None,
        "control": {"ref": control.ref, "name": control.name} if control else None,
        "framework": event.framework.name if event.framework_id else None,
        "run_id": event.run_id,
        "url": event_link(event),
        "data": event.data,
    }


def _chat_text(event: Event) -> str:
    link = event_link(event)
    text = f"[{event.severity.upper()}] {event.title}"
    return f"{text}\n{link}" if link else text


def webhook_body(webhook: Webhook, event: Event) -> bytes:
    """The exact bytes posted (and signed). json.dumps escapes quotes, backslashes and control
    characters, so hostile strings from AWS stay inside their JSON string."""
    if webhook.preset == Webhook.Preset.SLACK:
        body: dict[str, Any] = {"text": _chat_text(event)}
    elif webhook.preset == Webhook.Preset.TEAMS:
        body = {
            "@type": "MessageCard",
            "@context": "https://schema.org/extensions",
            "summary": event.title[:200],
            "title": event.get_kind_display(),
            "text": _chat_text(event),
        }
    else:
        body = event_payload(event)
    return json.dumps(body, ensure_ascii=True, sort_keys=True).encode()
