"""The daily reminder: each owner gets one email listing their requests due soon or overdue."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from evidence.manual.selectors.requests import OVERDUE, reminder_rows


def evidence_reminders_send(*, today: dt.date | None = None, base_url: str = "") -> int:
    """Send the reminders; returns how many emails went out (owners without an address: none)."""
    today = today or timezone.localdate()
    within = settings.GRC_MANUAL_REMINDER_DAYS
    by_owner = reminder_rows(today=today, within_days=within)
    owners = get_user_model().objects.filter(pk__in=by_owner)
    sent = 0
    for owner in owners:
        if not owner.email:
            continue
        rows = by_owner[owner.pk]
        context = {
            "owner": owner,
            "overdue": [row for row in rows if row.status == OVERDUE],
            "due_soon": [row for row in rows if row.status != OVERDUE],
            "within": within,
            "today": today,
            "base_url": base_url or getattr(settings, "GRC_BASE_URL", ""),
        }
        message = EmailMultiAlternatives(
            subject=f"Evidence requests: {len(context['overdue'])} overdue, "
            f"{len(context['due_soon'])} due within {within} days",
            body=render_to_string("manual/email/reminder.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[owner.email],
        )
        message.attach_alternative(
            render_to_string("manual/email/reminder.html", context), "text/html"
        )
        sent += message.send()
    return sent
