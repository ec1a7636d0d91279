"""Which check results a run has: the one place that reads result spans.

A ``CheckResult`` row is a span (see the model): a verdict stored once and observed by every
run of its account whose unit of the same scope (service, unit region) completed, from the span's
first run up to, not including, its ``ended_run``. Runs of one account never overlap, so run id
order is observation order. Every reader of "the results of run R" goes through here.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from evidence.collection.models import CheckResult, CollectionRun, CollectionUnit

# A unit observes the spans of its scope once it has completed; a pending unit (never written,
# or lost with its worker) observed nothing.
OBSERVING = (CollectionUnit.Status.DONE, CollectionUnit.Status.ERROR)
NO_END = 2**62  # stands for "not ended" in run id comparisons


def _units_observing_span() -> QuerySet[CollectionUnit]:
    """Completed units that observe the outer span: its account and scope, within its runs."""
    return CollectionUnit.objects.filter(
        run__account_id=OuterRef("account_id"),
        service=OuterRef("service"),
        region=OuterRef("unit_region"),
        status__in=OBSERVING,
        run_id__gte=OuterRef("run_id"),
        run_id__lt=Coalesce(OuterRef("ended_run_id"), Value(NO_END)),
    )


def _observing_units(run_ids: Sequence[int]) -> QuerySet[CollectionUnit]:
    """Completed units of the given runs that observe the outer span."""
    return _units_observing_span().filter(run_id__in=run_ids)


def results_in_runs(
    run_ids: Iterable[int], results: QuerySet[CheckResult] | None = None
) -> QuerySet[CheckResult]:
    """The results observed in any of the runs, each span once.

    With one run per account (the latest runs, a packet's sample of a day) that is exactly each
    run's results. Passing several runs of one account returns a span observed in more than one
    of them once, not once per run: use ``span_observations`` to count per run. ``results``
    narrows a queryset of results (the API's) instead of all of them.
    """
    results = CheckResult.objects.all() if results is None else results
    run_ids = sorted(set(run_ids))
    if not run_ids:
        return results.none()
    # The accounts as values, not a subquery: the planner then reads the current spans through
    # the partial index and the ended ones through (account, ended_run).
    accounts = set(
        CollectionRun.objects.filter(pk__in=run_ids).values_list("account_id", flat=True)
    )
    if len(run_ids) == 1:
        # The span range and the account are settled outside: only the scope is left to match.
        units = CollectionUnit.objects.filter(
            run_id=run_ids[0],
            service=OuterRef("service"),
            region=OuterRef("unit_region"),
            status__in=OBSERVING,
        )
    else:
        units = _observing_units(run_ids)
    return results.filter(
        Q(ended_run__isnull=True) | Q(ended_run_id__gt=run_ids[0]),
        account_id__in=accounts,
        run_id__lte=run_ids[-1],
    ).filter(Exists(units))


def results_in_run(run_id: int) -> QuerySet[CheckResult]:
    """The results run ``run_id`` has: every span one of its completed units observed."""
    return results_in_runs([run_id])


def observation_times(run_ids: Iterable[int]) -> dict[tuple[int, str, str], dt.datetime]:
    """(account id, service, unit region) -> when that scope's unit of the account's run
    finished: the time a row per result stored as ``collected_at`` of the run's copy. For runs
    of different accounts (the latest runs, a sample day). One query, bounded by runs x units."""
    rows = CollectionUnit.objects.filter(
        run_id__in=list(run_ids), status__in=OBSERVING
    ).values_list("run__account_id", "service", "region", "finished_at")
    return {(account, service, region): at for account, service, region, at in rows}


def last_observed_at(results: QuerySet[CheckResult]) -> dt.datetime | None:
    """When any of the spans was last observed (a completed unit of its scope within it)."""
    last = _units_observing_span().order_by("-run_id").values("finished_at")[:1]
    times = results.annotate(seen=Subquery(last)).values_list("seen", flat=True)
    return max((seen for seen in times.iterator() if seen), default=None)


Scope = tuple[str, str]  # (service, unit region)


@dataclass
class Observations:
    """One account's completed units of a period: per scope, run ids ascending and their times."""

    by_scope: dict[Scope, tuple[list[int], list[dt.datetime]]] = field(default_factory=dict)

    def of(self, span: CheckResult | tuple) -> list[dt.datetime]:
        """The times the span was observed in the period (``span``: a result, or a tuple of
        service, unit region, run id, ended run id)."""
        if isinstance(span, CheckResult):
            span = (span.service, span.unit_region, span.run_id, span.ended_run_id)
        service, unit_region, first_run, ended_run = span
        run_ids, times = self.by_scope.get((service, unit_region), ([], []))
        start = bisect.bisect_left(run_ids, first_run)
        stop = bisect.bisect_left(run_ids, ended_run) if ended_run else len(run_ids)
        return times[start:stop]


def span_observations(
    *,
    account_id: int,
    start: dt.datetime,
    end: dt.datetime,
    run_statuses: Sequence[str],
) -> Observations:
    """The account's observations from ``start`` (inclusive) to ``end`` (exclusive), by the
    units' finish time, counting only runs in ``run_statuses``. One query, bounded by days x
    units of one account."""
    observations = Observations()
    rows = (
        CollectionUnit.objects.filter(
            run__account_id=account_id,
            run__status__in=run_statuses,
            status__in=OBSERVING,
            finished_at__gte=start,
            finished_at__lt=end,
        )
        .order_by("run_id")
        .values_list("service", "region", "run_id", "finished_at")
    )
    for service, region, run_id, finished_at in rows.iterator(chunk_size=5000):
        run_ids, times = observations.by_scope.setdefault((service, region), ([], []))
        run_ids.append(run_id)
        times.append(finished_at)
    return observations


def results_overlapping(
    *, account_id: int, check_ids: Sequence[str], start: dt.datetime, end: dt.datetime
) -> QuerySet[CheckResult]:
    """The account's spans that may have been observed between ``start`` and ``end``: first
    collected before the end, and not ended by a run created before the start."""
    return CheckResult.objects.filter(
        Q(ended_run__isnull=True) | Q(ended_run__created_at__gte=start),
        account_id=account_id,
        check_id__in=check_ids,
        collected_at__lt=end,
    )
