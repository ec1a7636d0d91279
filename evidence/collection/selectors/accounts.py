"""Accounts with their schedule and collection runs, for the overview and the account pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from evidence.collection.models import AwsAccount, CollectionRun

Run = CollectionRun
FINISHED_WITH_RESULTS = (Run.Status.SUCCEEDED, Run.Status.WITH_ERRORS)


def accounts_visible() -> QuerySet[AwsAccount]:
    """Accounts for display. external_id is a secret: never loaded, so no page can show it."""
    return AwsAccount.objects.defer("external_id")


@dataclass(frozen=True)
class AccountCollections:
    """An account's last and next collection and the run in progress, if any."""

    account: AwsAccount
    schedule: PeriodicTask | None
    last_run: CollectionRun | None
    last_finished_run: CollectionRun | None  # the latest run that stored results
    active_run: CollectionRun | None
    next_run_at: dt.datetime | None

    @property
    def schedule_hours(self) -> int | None:
        if self.schedule is None or self.schedule.interval is None:
            return None
        return int(schedule_every(self.schedule).total_seconds() // 3600)


def schedule_every(task: PeriodicTask) -> dt.timedelta:
    interval = task.interval
    return dt.timedelta(**{interval.period: interval.every})


def next_collection_at(task: PeriodicTask | None, now: dt.datetime) -> dt.datetime | None:
    """When beat will start the next scheduled run: its last start plus the interval, or its
    start time if it never ran (accounts get one: registration plus the interval).

    A task that is already due fires at beat's next tick, shown as now; a task without either
    time fires an interval after beat loads it, which is unknown here (None).
    """
    if task is None or not task.enabled or task.interval is None:
        return None
    if task.last_run_at is not None:
        return max(task.last_run_at + schedule_every(task), now)
    if task.start_time is not None:
        return max(task.start_time, now)
    return None


def _latest_run(statuses) -> Subquery:
    runs = Run.objects.filter(account=OuterRef("pk"), status__in=statuses)
    return Subquery(runs.order_by("-created_at").values("pk")[:1])


def account_collections(account_ids: list[int] | None = None) -> list[AccountCollections]:
    """Each account with its schedule, latest runs and active run. Two queries."""
    accounts = (
        accounts_visible()
        .select_related("schedule__interval")
        .annotate(
            last_run_pk=_latest_run([s for s in Run.Status if s not in Run.ACTIVE]),
            last_finished_pk=_latest_run(FINISHED_WITH_RESULTS),
            active_run_pk=_latest_run(Run.ACTIVE),
        )
    )
    if account_ids is not None:
        accounts = accounts.filter(pk__in=account_ids)
    accounts = list(accounts)
    wanted = {
        pk
        for account in accounts
        for pk in (account.last_run_pk, account.last_finished_pk, account.active_run_pk)
        if pk
    }
    runs = Run.objects.defer("caller_identity", "errors").in_bulk(wanted) if wanted else {}
    now = timezone.now()
    return [
        AccountCollections(
            account=account,
            schedule=account.schedule,
            last_run=runs.get(account.last_run_pk),
            last_finished_run=runs.get(account.last_finished_pk),
            active_run=runs.get(account.active_run_pk),
            next_run_at=next_collection_at(account.schedule, now),
        )
        for account in accounts
    ]


def latest_finished_runs(account_ids: list[int]) -> dict[int, int]:
    """Account id -> id of its latest run that stored results. One query."""
    rows = (
        AwsAccount.objects.filter(pk__in=account_ids)
        .annotate(run_pk=_latest_run(FINISHED_WITH_RESULTS))
        .values_list("pk", "run_pk")
    )
    return {account_id: run_pk for account_id, run_pk in rows if run_pk}


def account_runs_page(account: AwsAccount, page_number: str | int | None) -> Page:
    """One page of the account's runs, newest first. Two queries (count, page)."""
    runs = (
        Run.objects.filter(account=account).select_related("requested_by").order_by("-created_at")
    )
    return Paginator(runs, 20).get_page(page_number)
