"""Reads for populations and samples: the days a collection tested each account, and what a
control's checks evaluated over a period (aggregated in the database, streamed in chunks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone

from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.selectors.results import results_overlapping, span_observations
from evidence.packets.selectors.packets import CHUNK_ROWS

USABLE_RUNS = (CollectionRun.Status.SUCCEEDED, CollectionRun.Status.WITH_ERRORS)


@dataclass(frozen=True)
class TestedDay:
    """One occurrence of the automated test: an account's last finished collection of a day."""

    account_id: str
    day: dt.date
    run_id: int
    finished_at: dt.datetime

    @property
    def key(self) -> str:
        return f"{self.account_id}/{self.day.isoformat()}"


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = timezone.make_aware(dt.datetime.combine(start, dt.time.min))
    last = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min))
    return first, last


def tested_days(*, account_ids: Sequence[int], start: dt.date, end: dt.date) -> list[TestedDay]:
    """Per account and day of the period, the last usable collection that finished that day.

    Ordered by account id then day. Bounded by accounts x days (a few thousand at most), and
    shared by every control of the packet."""
    first, last = _bounds(start, end)
    runs = (
        CollectionRun.objects.filter(
            account_id__in=account_ids,
            status__in=USABLE_RUNS,
            finished_at__gte=first,
            finished_at__lt=last,
        )
        .order_by("account__account_id", "finished_at", "pk")
        .values_list("account__account_id", "pk", "finished_at")
    )
    latest: dict[tuple[str, dt.date], TestedDay] = {}
    for account_id, run_id, finished_at in runs.iterator(chunk_size=CHUNK_ROWS):
        day = timezone.localdate(finished_at)
        latest[(account_id, day)] = TestedDay(account_id, day, run_id, finished_at)
    return [latest[key] for key in sorted(latest)]


def collected_dates(*, account_ids: Sequence[int], start: dt.date, end: dt.date) -> list[dt.date]:
    """The days of the period on which at least one of the accounts finished a collection."""
    days = tested_days(account_ids=account_ids, start=start, end=end)
    return sorted({item.day for item in days})


PopulationRow = tuple[str, str, str, str, str, dt.datetime, dt.datetime, int, int]
GroupKey = tuple[str, str, str, str, str]  # account id, arn, resource type, region, check


def resource_population(
    *, account_ids: Sequence[int], check_ids: Sequence[str], start: dt.date, end: dt.date
) -> Iterator[PopulationRow]:
    """(account id, resource arn, resource type, region, check, first seen, last seen, times
    evaluated, times failed) for every resource the checks evaluated in the period.

    A stored result is a span observed by many runs, so each span is expanded here against its
    account's completed units of the period (one query per account, bounded by days x units)
    while the spans stream in (account id, arn, check) order."""
    if not check_ids:
        return iter(())
    return _population(account_ids, check_ids, *_bounds(start, end))


def _population(
    account_ids: Sequence[int], check_ids: Sequence[str], first: dt.datetime, last: dt.datetime
) -> Iterator[PopulationRow]:
    accounts = AwsAccount.objects.filter(pk__in=account_ids).order_by("account_id")
    for pk, number in accounts.values_list("pk", "account_id"):
        observations = span_observations(
            account_id=pk, start=first, end=last, run_statuses=USABLE_RUNS
        )
        spans = (
            results_overlapping(account_id=pk, check_ids=check_ids, start=first, end=last)
            .order_by("resource__arn", "check_id", "region", "run_id")
            .values_list(
                "resource__arn",
                "resource__resource_type",
                "region",
                "check_id",
                "status",
                "service",
                "unit_region",
                "run_id",
                "ended_run_id",
            )
        )
        key: GroupKey | None = None
        seen: list[dt.datetime] = []
        failed = 0
        for arn, resource_type, region, check_id, status, *scope in spans.iterator(CHUNK_ROWS):
            times = observations.of(tuple(scope))
            if not times:
                continue
            span_key = (number, arn, resource_type, region, check_id)
            if span_key != key:
                if key is not None:
                    yield (*key, min(seen), max(seen), len(seen), failed)
                key, seen, failed = span_key, [], 0
            seen.extend(times)
            failed += len(times) if status in ("FAIL", "ERROR") else 0
        if key is not None:
            yield (*key, min(seen), max(seen), len(seen), failed)
