"""One meaning per word: a control's status on a day reads the same on the control page, in the
API's history and in the packet's daily_status.csv."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from grc.access.roles import Role
from tests.factories import UserFactory
from tests.packets.conftest import zip_entries

pytestmark = pytest.mark.django_db


def test_page_api_and_packet_agree_on_every_day(small_history, build_packet):
    auditor = UserFactory(username="vocab-auditor")
    auditor.groups.add(Group.objects.get_or_create(name=Role.AUDITOR.value)[0])
    client = Client()
    client.force_login(auditor)
    control, account = small_history["control"], small_history["account"]

    with time_machine.travel(dt.datetime(2026, 3, 5, 18, tzinfo=dt.UTC), tick=False):
        history = client.get(reverse("api:control-history", args=[control.ref]), {"days": 5}).json()
        page = client.get(reverse("control-detail", args=[control.ref]))
    packet = build_packet(
        framework=small_history["framework"],
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 5),
        accounts=[account],
        requested_by=None,
    )

    api = {entry["day"]: entry["status"] for entry in history["accounts"][0]["days"]}
    rows = csv.DictReader(io.StringIO(zip_entries(packet.file.path)[
        "controls/DP-10/daily_status.csv"].decode()))  # fmt: skip
    in_packet = {row["date"]: row["status"] for row in rows}
    expected = {
        "2026-03-01": "pass", "2026-03-02": "pass", "2026-03-03": "fail",
        "2026-03-04": "incomplete", "2026-03-05": "fail",
    }  # fmt: skip
    assert api == in_packet == expected
    # Today's status on the pages is the last day's, in the same word.
    [calendar] = [c for c in page.context["calendars"] if c.account.pk == account.pk]
    assert calendar.current == "fail"
    assert {d.day.isoformat(): d.status for w in calendar.weeks for d in w if d and d.status} == (
        expected
    )
    assert "Failing" in page.content.decode() and "Partial" not in page.content.decode()
