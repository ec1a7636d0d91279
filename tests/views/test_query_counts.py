"""Every page reads a bounded number of queries, the same for one day or a year of history."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.posture.models import ControlStatusDaily, ControlStatusEvent, PostureDaily
from tests.factories import CheckResultFactory, CollectionRunFactory

pytestmark = pytest.mark.django_db

MAX_QUERIES = 25


@pytest.fixture
def document(dashboard):
    return CheckResultFactory(run=CollectionRunFactory(account=dashboard.accounts[0])).evidence


def pages(document) -> dict[str, str]:
    return {
        "overview": reverse("overview") + "?days=365",
        "overview by OU": reverse("overview") + "?group=ou",
        "overview by environment": reverse("overview") + "?group=environment&status=fail",
        "framework by OU": reverse("framework-detail", args=["soc2-2017"]) + "?group=ou",
        "controls in production": reverse("control-list") + "?environment=production",
        "overview filtered": reverse("overview")
        + "?account=111111111111&framework=soc2-2017&responsibility=customer&status=fail",
        "collections": reverse("collections-partial"),
        "framework": reverse("framework-detail", args=["soc2-2017"]),
        "controls": reverse("control-list") + "?service=ec2",
        "control": reverse("control-detail", args=["NET-01"]),
        "control one account": reverse("control-detail", args=["IAM-05"]) + "?account=222222222222",
        "accounts": reverse("account-list"),
        "account": reverse("account-detail", args=["111111111111"]),
        "runs": reverse("account-runs", args=["111111111111"]),
        "evidence": reverse("evidence-detail", args=[document.sha256]),
    }


def query_counts(client, urls: dict[str, str]) -> dict[str, int]:
    counts = {}
    for name, url in urls.items():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200, name
        counts[name] = len(captured)
    return counts


def test_query_counts_do_not_grow_with_history(dashboard, history, document, manager_client):
    urls = pages(document)
    history(1)
    one_day = query_counts(manager_client, urls)

    for model in (ControlStatusDaily, PostureDaily, ControlStatusEvent):
        model.objects.all().delete()
    history(365)
    for _ in range(30):
        CollectionRunFactory(account=dashboard.accounts[0], status="failed")
    assert ControlStatusDaily.objects.count() == 2 * 4 * 365
    one_year = query_counts(manager_client, urls)

    assert one_year == one_day
    assert max(one_year.values()) <= MAX_QUERIES, one_year
    print("queries per page:", one_year)


def test_overview_query_budget(dashboard, history, django_assert_max_num_queries, auditor_client):
    history(365)
    with django_assert_max_num_queries(20):
        auditor_client.get(reverse("overview"), {"days": "365"})
