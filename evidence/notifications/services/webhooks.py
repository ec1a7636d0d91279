"""Webhooks: creating one (secret shown once), refusing unsafe URLs, one delivery attempt."""

from __future__ import annotations

import ipaddress
import secrets
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from evidence.notifications.conf import setting
from evidence.notifications.models import Delivery, DeliveryAttempt, Webhook
from evidence.notifications.services.payloads import webhook_body
from evidence.notifications.verify import HEADER, signature_header


def webhook_url_check(url: str) -> None:
    """Refuse anything but http(s), and (unless allowed) hosts resolving to private addresses:
    the worker must not be usable to reach the metadata service or internal systems (SSRF)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError({"url": "Only http and https URLs are accepted."})
    if setting("GRC_WEBHOOK_ALLOW_PRIVATE"):
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        raise ValidationError({"url": "The host name does not resolve."}) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global or address.is_multicast:
            raise ValidationError(
                {"url": "The host resolves to a private, loopback or reserved address."}
            )


def webhook_create(*, name: str, url: str, preset: str, created_by: Any) -> tuple[Webhook, str]:
    """The webhook and its secret; the secret is never readable through the UI or API again."""
    webhook_url_check(url)
    secret = "whsec_" + secrets.token_urlsafe(32)
    webhook = Webhook.objects.create(
        name=name, url=url, preset=preset, secret=secret, created_by=created_by
    )
    return webhook, secret


def webhook_enable(*, webhook: Webhook) -> Webhook:
    webhook.enabled, webhook.consecutive_failures = True, 0
    webhook.disabled_at, webhook.disabled_reason = None, ""
    webhook.save(
        update_fields=["enabled", "consecutive_failures", "disabled_at", "disabled_reason"]
    )
    return webhook


def webhook_disable(*, webhook: Webhook, reason: str) -> Webhook:
    """Stop sending to it (kept with its delivery log; *Enable again* resumes)."""
    webhook.enabled, webhook.disabled_at = False, timezone.now()
    webhook.disabled_reason = reason[:500]
    webhook.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    return webhook


@dataclass(frozen=True)
class AttemptOutcome:
    ok: bool
    final: bool  # no further try (delivered, or the webhook is disabled, or nothing to do)
    error: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect could point the worker at an internal address: treat it as a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
    try:
        webhook_url_check(url)  # again at send time: DNS may have changed since creation
    except ValidationError as error:
        return None, "; ".join(error.messages)[:1000]
    # Scheme checked by webhook_url_check: http or https only.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with _opener.open(  # nosec B310
            request, timeout=setting("GRC_WEBHOOK_TIMEOUT_SECONDS")
        ) as response:
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (urllib.error.URLError, OSError, ValueError) as error:
        return None, str(getattr(error, "reason", error))[:1000]


def _admins_notify(webhook: Webhook) -> None:
    emails = [
        u.email
        for u in get_user_model().objects.filter(is_active=True, email__gt="")
        if u.is_superuser or u.groups.filter(name="Administrator").exists()
    ]
    if emails:
        send_mail(
            subject=f"Webhook disabled: {webhook.name}",
            message=f"The webhook {webhook.name!r} was disabled after "
            f"{webhook.consecutive_failures} failed deliveries in a row: "
            f"{webhook.disabled_reason}\nRe-enable it on the integrations page once the "
            "receiver works again.",
            from_email=None,
            recipient_list=emails,
        )


def _record_failure(webhook: Webhook, error: str) -> bool:
    """Count the failure; disable the webhook (and tell admins) at the limit. True if disabled."""
    Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=F("consecutive_failures") + 1)
    webhook.refresh_from_db(fields=["consecutive_failures", "enabled"])
    if not webhook.enabled or webhook.consecutive_failures < setting("GRC_WEBHOOK_DISABLE_AFTER"):
        return not webhook.enabled
    webhook.enabled, webhook.disabled_at = False, timezone.now()
    webhook.disabled_reason = f"last error: {error}"[:500]
    webhook.save(update_fields=["enabled", "disabled_at", "disabled_reason"])
    transaction.on_commit(lambda: _admins_notify(webhook))
    return True


def webhook_delivery_attempt(*, delivery_id: int, last_try: bool) -> AttemptOutcome:
    """POST the delivery once, log the attempt, update the delivery and the webhook."""
    delivery = Delivery.objects.select_related("event", "subscription__webhook").get(pk=delivery_id)
    webhook = delivery.subscription.webhook
    if delivery.status != Delivery.Status.PENDING:
        return AttemptOutcome(ok=delivery.status == Delivery.Status.DELIVERED, final=True)
    if webhook is None or not webhook.enabled:
        delivery.status, delivery.last_error = Delivery.Status.SKIPPED, "webhook disabled"
        delivery.save(update_fields=["status", "last_error"])
        return AttemptOutcome(ok=False, final=True, error="webhook disabled")
    body = webhook_body(webhook, delivery.event)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "grc-evidence-webhooks/1",
        HEADER: signature_header(webhook.secret, body),
        "X-GRC-Event": delivery.event.kind,
        "X-GRC-Delivery": str(delivery.pk),
    }
    started = time.monotonic()
    code, error = _post(webhook.url, body, headers)
    latency = int((time.monotonic() - started) * 1000)
    ok = code is not None and 200 <= code < 300
    delivery.attempts += 1
    DeliveryAttempt.objects.create(
        delivery=delivery,
        number=delivery.attempts,
        ok=ok,
        response_code=code,
        latency_ms=latency,
        error=error,
    )
    if ok:
        Webhook.objects.filter(pk=webhook.pk).update(consecutive_failures=0)
        delivery.status, delivery.delivered_at, delivery.last_error = (
            Delivery.Status.DELIVERED,
            timezone.now(),
            "",
        )
        delivery.save(update_fields=["status", "delivered_at", "attempts", "last_error"])
        return AttemptOutcome(ok=True, final=True)
    disabled = _record_failure(webhook, error)
    final = last_try or disabled
    delivery.last_error = error
    if final:
        delivery.status = Delivery.Status.FAILED
    delivery.save(update_fields=["status", "attempts", "last_error"])
    return AttemptOutcome(ok=False, final=final, error=error)
