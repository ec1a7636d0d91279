"""The overview: readiness per framework, trend, responsibility split, changes, collections."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from evidence.collection.models import CollectionRun
from evidence.posture.models import ControlStatus
from tests.factories import CollectionRunFactory

pytestmark = pytest.mark.django_db


def readiness(response, slug="soc2-2017"):
    [item] = [r for r in response.context["overview"].readiness if r.framework.slug == slug]
    return item


def test_readiness_counts_criteria_by_their_weakest_control(history, auditor_client):
    history(1)

    response = auditor_client.get(reverse("overview"))

    item = readiness(response)
    # CC6.1 is not evidenced (IAM-05 passes but PHY-01's attestation evidences nothing yet),
    # CC6.6 fails (NET-01 fails in production), CC7.2 passes, CC7.9 maps no control.
    assert (item.total, item.covered, item.passing, item.failing, item.not_evidenced) == (
        4,
        3,
        1,
        1,
        2,
    )
    assert "How readiness is counted" in response.content.decode()


def test_account_filter_changes_readiness_and_is_deep_linkable(history, auditor_client):
    history(1)

    response = auditor_client.get(reverse("overview"), {"account": "222222222222"})

    item = readiness(response)
    assert (item.passing, item.failing) == (2, 0)
    assert [a.account_id for a in response.context["filters"].accounts] == ["222222222222"]
    body = response.content.decode()
    assert 'href="/frameworks/soc2-2017/?account=222222222222"' in body


def test_responsibility_split_counts_status_per_group(history, auditor_client):
    history(1)

    split = {
        group.responsibility: group.counts
        for group in auditor_client.get(reverse("overview")).context["overview"].split
    }

    def nonzero(counts):
        return {status: n for status, n in counts.items() if n}

    assert nonzero(split["customer"]) == {"pass": 1, "fail": 1}
    assert nonzero(split["inherited"]) == {"not_evidenced": 1}
    assert nonzero(split["shared"]) == {"pass": 1}
    assert set(split["customer"]) == {status.value for status in ControlStatus}


def test_trend_range_comes_from_the_query_string(history, auditor_client):
    history(10)

    response = auditor_client.get(reverse("overview"), {"days": "7"})

    trend = response.context["trend"]
    assert len(trend["labels"]) == 7
    assert trend["labels"][-1] == timezone.localdate().isoformat()
    # Today both accounts: 3 passing controls in production (IAM-05, LOG-01 pass), 3 in staging.
    assert trend["passing"][-1] == 2 + 3
    body = response.content.decode()
    assert '<script id="trend-data" type="application/json">' in body
    assert 'href="?days=90"' in body
    assert auditor_client.get(reverse("overview"), {"days": "13"}).context["filters"].days == 30


def test_trend_leaves_gaps_for_days_without_collection(history, auditor_client):
    history(3)

    trend = auditor_client.get(reverse("overview"), {"days": "30"}).context["trend"]

    assert trend["passing"][:27] == [None] * 27
    assert None not in trend["passing"][27:]


def test_recent_changes_list_status_changes(history, auditor_client):
    history(9)

    changes = auditor_client.get(reverse("overview")).context["changes"]

    assert changes and all(c.control.ref == "NET-01" for c in changes)
    assert changes[0].occurred_at >= changes[-1].occurred_at


def test_next_collection_is_last_beat_run_plus_interval(dashboard, auditor_client):
    account = dashboard.accounts[0]
    schedule = account.schedule
    schedule.last_run_at = timezone.now() - dt.timedelta(hours=5)
    schedule.save()
    CollectionRunFactory(account=account)

    item = next(
        c
        for c in auditor_client.get(reverse("overview")).context["collections"]
        if c.account == account
    )

    assert item.next_run_at == schedule.last_run_at + dt.timedelta(hours=24)
    assert item.last_run.status == CollectionRun.Status.SUCCEEDED


def test_collections_partial_polls_only_while_a_run_is_active(dashboard, auditor_client):
    url = reverse("collections-partial")
    assert "hx-trigger" not in auditor_client.get(url).content.decode()

    CollectionRunFactory(
        account=dashboard.accounts[0],
        status="running",
        units_total=10,
        units_done=4,
        finished_at=None,
    )

    body = auditor_client.get(url).content.decode()
    assert 'hx-trigger="every 3s"' in body
    assert '<progress value="4" max="10">' in body
    assert "<html" not in body  # a fragment, not a page
    assert 'hx-trigger="every 3s"' in auditor_client.get(reverse("overview")).content.decode()


def test_overview_chart_data_is_json_not_markup(history, auditor_client):
    history(2)
    body = auditor_client.get(reverse("overview")).content.decode()
    start = body.index('<script id="trend-data" type="application/json">') + 48
    data = json.loads(body[start : body.index("</script>", start)])
    assert set(data) >= {"labels", "passing", "failing"}
    assert "cdn" not in body.lower()


def test_my_controls_lists_what_the_person_or_their_team_owns(history, auditor, auditor_client):
    from django.contrib.auth.models import Group

    from grc.catalog.models import Control

    history(1)
    team = Group.objects.create(name="Network team")
    auditor.groups.add(team)
    Control.objects.filter(ref="NET-01").update(owner_group=team)
    Control.objects.filter(ref="IAM-05").update(owner=auditor)

    mine = auditor_client.get(reverse("overview")).context["overview"].mine

    assert [(item.ref, item.status) for item in mine] == [("IAM-05", "pass"), ("NET-01", "fail")]


def test_readiness_cards_and_split_name_every_status_present(history, auditor_client):
    history(1)

    body = auditor_client.get(reverse("overview")).content.decode()

    assert '<div class="t-fail"><dt>Failing</dt><dd>1</dd></div>' in body
    assert '<th class="num">Excepted</th>' in body
