"""Check results: every filter, and keyset cursors that survive many rows with one timestamp."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from django.utils import timezone

from evidence.collection.models import EvidenceDocument
from evidence.collection.services.accounts import account_create
from tests.api.conftest import ResultSpec, add_results, error_of

T0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def results(aws_account):
    other = account_create(
        account_id="999988887777",
        name="Other",
        role_arn="arn:aws:iam::999988887777:role/R",
        external_id="ext-secret-Zq81-do-not-leak",
    )
    document = EvidenceDocument.objects.create(sha256="c" * 64, content={}, size=2)
    add_results(
        aws_account,
        [
            ResultSpec(status="PASS", arn="arn:aws:s3:::logs"),
            ResultSpec(status="FAIL", arn="arn:aws:s3:::public"),
            ResultSpec(
                check_id="iam_root_mfa",
                status="FAIL",
                region="global",
                service="iam",
                arn="arn:aws:iam::111122223333:root",
            ),
        ],
        collected_at=T0,
        evidence=document,
    )
    add_results(
        aws_account,
        [ResultSpec(status="PASS", arn="arn:aws:s3:::public")],
        collected_at=T0 + dt.timedelta(days=1),
    )
    add_results(other, [ResultSpec(status="FAIL", arn="arn:aws:s3:::x")], collected_at=T0)


def _rows(client, **params):
    response = client.get("/api/v1/check-results/", params)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, 5),
        ({"account": "111122223333"}, 4),
        ({"account": "111122223333", "status": "FAIL"}, 2),
        ({"check": "iam_root_mfa"}, 1),
        ({"region": "global"}, 1),
        ({"service": "s3", "account": "111122223333"}, 3),
        ({"resource": "arn:aws:s3:::public"}, 2),
        ({"collected_after": "2026-03-02T00:00:00Z"}, 1),
        ({"collected_before": "2026-03-02T00:00:00Z", "status": "FAIL"}, 3),
        ({"account": "000000000000"}, 0),
    ],
)
def test_filters(manager_client, results, params, expected):
    assert len(_rows(manager_client, **params)) == expected


def test_result_shape(manager_client, results):
    row = _rows(manager_client, check="iam_root_mfa")[0]
    assert row == {
        "id": row["id"],
        "run": row["run"],
        "account": "111122223333",
        "check_id": "iam_root_mfa",
        "check_version": "1",
        "status": "FAIL",
        "reason": "iam_root_mfa is FAIL",
        "region": "global",
        "service": "iam",
        "resource": "arn:aws:iam::111122223333:root",
        "resource_type": "AWS::S3::Bucket",
        "evidence": "c" * 64,
        "collected_at": "2026-03-01T12:00:00Z",
        "ended_run": None,
    }
    detail = manager_client.get(f"/api/v1/check-results/{row['id']}/").json()
    assert detail == row


def test_newest_first(manager_client, results):
    rows = _rows(manager_client, account="111122223333")
    assert rows[0]["collected_at"] == "2026-03-02T12:00:00Z"


def test_bad_filter_values_are_field_errors(manager_client, results):
    response = manager_client.get(
        "/api/v1/check-results/", {"status": "MAYBE", "collected_after": "yesterday"}
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"status", "collected_after"}


def test_cursor_pages_through_a_large_batch_with_one_timestamp(manager_client, aws_account):
    """1,200 results share one collected_at (as a unit stores them), plus an older batch."""
    at = timezone.now().replace(microsecond=0)
    newest = add_results(
        aws_account,
        [ResultSpec(status="FAIL", arn=f"arn:aws:s3:::b{i}") for i in range(1200)],
        collected_at=at,
    )
    older = add_results(
        aws_account,
        [ResultSpec(status="FAIL", arn=f"arn:aws:s3:::b{i}") for i in range(30)],
        collected_at=at - dt.timedelta(hours=1),
    )
    add_results(aws_account, [ResultSpec(status="PASS")], collected_at=at)  # filtered out
    expected = [r.pk for r in sorted(newest, key=lambda r: -r.pk)]
    expected += [r.pk for r in sorted(older, key=lambda r: -r.pk)]

    seen: list[int] = []
    url = "/api/v1/check-results/?status=FAIL&account=111122223333&page_size=500"
    pages = 0
    while url:
        page = manager_client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        url = page["next"]
        pages += 1
    assert pages == 3
    assert seen == expected


@pytest.mark.parametrize(
    "cursor",
    [
        "not-base64!",
        base64.urlsafe_b64encode(b"garbage").decode(),
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00|5").decode(),  # naive timestamp
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|-1").decode(),
        base64.urlsafe_b64encode(b"2026-01-01T00:00:00+00:00|99999999999999999999").decode(),
    ],
)
def test_tampered_cursor_is_a_field_error(manager_client, results, cursor):
    response = manager_client.get("/api/v1/check-results/", {"cursor": cursor})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["cursor"]


@pytest.mark.parametrize("size", ["0", "501", "x"])
def test_page_size_bounds(manager_client, results, size):
    response = manager_client.get("/api/v1/check-results/", {"page_size": size})
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["page_size"]


def test_far_offsets_are_converted_not_a_database_error(manager_client, results):
    """Found by schemathesis on Postgres, which refuses offsets beyond +-15:59."""
    rows = _rows(manager_client, collected_after="2026-03-02T12:30:00+23:07")
    assert len(rows) == 1  # = 2026-03-01T13:23Z: only the batch of 2026-03-02 is after it
    response = manager_client.get(
        "/api/v1/check-results/", {"collected_after": "0001-01-01T00:00:00+05:00"}
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["collected_after"]
    far = base64.urlsafe_b64encode(b"2026-03-02T11:00:00+23:07|999999").decode()
    assert manager_client.get("/api/v1/check-results/", {"cursor": far}).status_code == 200


def _collect(account, results: list[tuple[str, str]]):
    """A run whose one s3 unit stores these (bucket, status) results, as a unit does."""
    from django.db import transaction

    from collectors.types import CheckResult as Collected
    from collectors.types import Status
    from evidence.collection.models import CollectionRun, CollectionUnit
    from evidence.collection.services.ingest import unit_results_store

    run = CollectionRun.objects.create(account=account, trigger="schedule", status="running")
    unit = CollectionUnit.objects.create(run=run, service="s3", region="global")
    collected = [
        Collected("s3_bucket_versioning", account.account_id, "global", f"arn:aws:s3:::{name}",
                  "AWS::S3::Bucket", Status(status), f"{name} {status}")
        for name, status in results
    ]  # fmt: skip
    with transaction.atomic():
        unit_results_store(unit=unit, results=collected)
    CollectionRun.objects.filter(pk=run.pk).update(status="succeeded", finished_at=timezone.now())
    return run


def test_run_filter_lists_what_the_run_observed(manager_client, aws_account):
    first = _collect(aws_account, [("a", "PASS"), ("b", "FAIL")])
    second = _collect(aws_account, [("a", "PASS"), ("b", "PASS")])
    third = _collect(aws_account, [("a", "PASS")])

    observed = {
        run.pk: sorted(
            (row["resource"], row["status"], row["run"], row["ended_run"])
            for row in _rows(manager_client, run=run.pk)
        )
        for run in (first, second, third)
    }

    assert observed[first.pk] == [
        ("arn:aws:s3:::a", "PASS", first.pk, None),
        ("arn:aws:s3:::b", "FAIL", first.pk, second.pk),
    ]
    assert observed[second.pk] == [
        ("arn:aws:s3:::a", "PASS", first.pk, None),
        ("arn:aws:s3:::b", "PASS", second.pk, third.pk),
    ]
    assert observed[third.pk] == [("arn:aws:s3:::a", "PASS", first.pk, None)]


def test_run_filter_pages_by_cursor(manager_client, aws_account):
    _collect(aws_account, [(f"b{i}", "PASS") for i in range(7)])
    second = _collect(aws_account, [(f"b{i}", "PASS") for i in range(7)] + [("new", "FAIL")])

    url, seen = f"/api/v1/check-results/?run={second.pk}&page_size=3", []
    while url:
        page = manager_client.get(url).json()
        seen += [row["resource"] for row in page["results"]]
        url = page["next"]

    assert sorted(seen) == sorted([f"arn:aws:s3:::b{i}" for i in range(7)] + ["arn:aws:s3:::new"])
