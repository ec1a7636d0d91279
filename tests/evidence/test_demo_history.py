"""The demo's simulated history (demo/history.py) and its moto server's clock (demo/moto_server)."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.utils import timezone

from demo import seed_demo_account
from demo.history import collect_synchronously, history_build, progress_path
from demo.moto_server import CLOCK_PATH, ClockMiddleware, clock_set
from evidence.collection.models import CollectionRun
from evidence.collection.services.accounts import account_create
from evidence.posture.models import PostureDaily
from grc.catalog.loader import catalog_load
from tests.evidence.conftest import MOTO_ACCOUNT, ROLE_ARN


def call(app, path: str, body: bytes = b"", method: str = "POST") -> tuple[str, bytes]:
    seen: list[str] = []
    environ = {
        "PATH_INFO": path,
        "REQUEST_METHOD": method,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    chunks = app(environ, lambda status, headers, exc_info=None: seen.append(status))
    return seen[0], b"".join(chunks)


def test_demo_moto_clock_travels_and_returns():
    app = ClockMiddleware(lambda environ, start: [b"moto"])
    try:
        status, _ = call(app, CLOCK_PATH, b"2026-01-02T06:00:00+00:00")
        assert status.startswith("204")
        assert dt.datetime.now(dt.UTC).date() == dt.date(2026, 1, 2)
        assert call(app, CLOCK_PATH, b"not a time")[0].startswith("400")
        assert call(app, CLOCK_PATH)[0].startswith("204")
        assert dt.datetime.now(dt.UTC).date() != dt.date(2026, 1, 2)
    finally:
        clock_set(None)


def test_demo_moto_errors_are_501_so_botocore_does_not_retry_them():
    def missing(environ, start):
        raise NotImplementedError("The describe_widgets action has not been implemented")

    status, body = call(ClockMiddleware(missing), "/", method="GET")

    assert status.startswith("501") and b"describe_widgets" in body


@pytest.mark.django_db(transaction=True)  # the services enqueue on commit
def test_history_collects_each_day_with_real_runs(aws, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    catalog_load()
    seed_demo_account(aws, regions=["us-east-1"])
    account = account_create(
        account_id=MOTO_ACCOUNT,
        name="Acme",
        role_arn=ROLE_ARN,
        external_id="ext-secret-7f3a",
        regions=["us-east-1"],
    )
    collect_synchronously(account, threads=1)

    figures = history_build(aws, account, 3, clock=lambda _when: None, threads=1)

    today = timezone.localdate()
    days = set(PostureDaily.objects.filter(account=account).values_list("day", flat=True))
    assert days == {today - dt.timedelta(days=n) for n in range(4)}
    runs = CollectionRun.objects.filter(account=account)
    assert runs.count() == 5 and set(runs.values_list("status", flat=True)) <= {
        "succeeded",
        "finished_with_errors",
    }
    oldest = runs.order_by("created_at").first()
    assert timezone.localdate(oldest.created_at) == today - dt.timedelta(days=3)
    progress = json.loads(progress_path().read_text())
    assert (progress["state"], progress["done"], progress["total"]) == ("done", 4, 4)
    assert figures["days"] == 3
    # The story's changes older than the history were made: the release bot exists.
    assert "release-bot" in {u["UserName"] for u in aws.client("iam").list_users()["Users"]}
