"""Reads for populations and samples: the days a collection tested each account, and what a
control's checks evaluated over a period (aggregated in the database, streamed in chunks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from evidence.collection.models import CheckResult, CollectionRun
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


def resource_population(
    *, account_ids: Sequence[int], check_ids: Sequence[str], start: dt.date, end: dt.date
) -> Iterator[PopulationRow]:
    """(account id, resource arn, resource type, region, check, first seen, last seen, times
    evaluated, times failed) for every resource the checks evaluated in the period."""
    if not check_ids:
        return iter(())
    first, last = _bounds(start, end)
    rows = (
        CheckResult.objects.filter(
            account_id__in=account_ids,
            check_id__in=check_ids,
            run__status__in=USABLE_RUNS,
            collected_at__gte=first,
            collected_at__lt=last,
        )
        .values_list(
            "account__account_id",
            "resource__arn",
            "resource__resource_type",
            "region",
            "check_id",
        )
        .annotate(
            first_seen=Min("collected_at"),
            last_seen=Max("collected_at"),
            evaluated=Count("pk"),
            failed=Count("pk", filter=Q(status__in=("FAIL", "ERROR"))),
        )
        .order_by("account__account_id", "resource__arn", "check_id")
    )
    return rows.iterator(chunk_size=CHUNK_ROWS)
