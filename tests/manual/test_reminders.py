"""The daily reminder: one plain-text + HTML email per owner, due soon and overdue requests."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from evidence.manual.models import EvidenceRequest, Frequency
from evidence.manual.services.reminders import evidence_reminders_send
from evidence.manual.tasks import evidence_reminders_send_task

pytestmark = pytest.mark.django_db


def test_owners_get_due_soon_and_overdue_requests(evidence_request, control, users, settings):
    settings.GRC_MANUAL_REMINDER_DAYS = 14
    settings.GRC_BASE_URL = "https://grc.example.com"
    EvidenceRequest.objects.create(
        control=control, title="Annual <b>SG</b> review", frequency=Frequency.ANNUAL,
        owner=users["owner"], first_due_date=dt.date(2026, 4, 10),
    )  # fmt: skip
    EvidenceRequest.objects.create(
        control=control, title="Far away", frequency=Frequency.ANNUAL,
        owner=users["owner"], first_due_date=dt.date(2026, 9, 1),
    )  # fmt: skip
    EvidenceRequest.objects.create(
        control=control, title="Nobody's", frequency=Frequency.ANNUAL,
        first_due_date=dt.date(2026, 4, 1),
    )  # fmt: skip
    assert evidence_reminders_send(today=dt.date(2026, 4, 2)) == 1
    (message,) = mail.outbox
    assert message.to == ["owner@example.com"]
    assert message.subject == "Evidence requests: 1 overdue, 1 due within 14 days"
    assert "Quarterly access review (was due 2026-03-31)" in message.body
    assert "Annual <b>SG</b> review (due 2026-04-10)" in message.body
    assert "Far away" not in message.body and "Nobody" not in message.body
    assert f"https://grc.example.com/manual/requests/{evidence_request.pk}/" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Annual &lt;b&gt;SG&lt;/b&gt; review" in html


def test_task_sends_nothing_when_nothing_is_due(users):
    assert evidence_reminders_send_task() == 0
    assert mail.outbox == []
