"""Settings of notifications, read with their defaults so the app needs no settings edit.

Override any of them in ``grc/settings`` (e.g. ``GRC_WEBHOOK_ALLOW_PRIVATE = True`` in tests).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Evidence due within this many days, exceptions/attestations ending within it: an event.
    "GRC_NOTIFY_DUE_DAYS": 14,
    "GRC_NOTIFY_EXPIRING_DAYS": 14,
    # At most this many "new finding" events per run (the rest are in the run's findings page).
    "GRC_NOTIFY_MAX_FINDINGS_PER_RUN": 200,
    # Tries of one webhook delivery (back-off 30 s, 60 s, 120 s...).
    "GRC_WEBHOOK_MAX_ATTEMPTS": 6,
    "GRC_WEBHOOK_BACKOFF_SECONDS": 30,
    # A webhook is disabled after this many failed attempts in a row (admins are told).
    "GRC_WEBHOOK_DISABLE_AFTER": 15,
    "GRC_WEBHOOK_TIMEOUT_SECONDS": 10,
    # Allow webhook URLs on loopback/private addresses (tests, on-premises receivers).
    "GRC_WEBHOOK_ALLOW_PRIVATE": False,
}


def setting(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
