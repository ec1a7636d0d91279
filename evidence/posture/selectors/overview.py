"""The overview page: readiness per framework, posture trend, responsibility split, changes.

Everything here reads the rollup tables (ControlStatusDaily, PostureDaily, ControlStatusEvent)
that a run writes when it finishes; the query count does not grow with history.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone

from evidence.posture.models import (
    POSTURE_FIELDS,
    ControlStatus,
    ControlStatusDaily,
    ControlStatusEvent,
    PostureDaily,
)
from evidence.posture.selectors.filters import DashboardFilters
from evidence.posture.selectors.status import (
    RESPONSIBILITY_LABELS,
    ControlRow,
    control_rows,
    control_statuses_current,
    criterion_status,
    statuses_combined,
)
from grc.catalog.models import ControlMapping, Criterion, Framework

STATUS_KEYS = tuple(ControlStatus)
# Statuses that mean a control is not operating as designed that day (an auditor's deviation).
NOT_OPERATING = (
    ControlStatus.FAIL,
    ControlStatus.EVIDENCE_EXPIRED,
    ControlStatus.EVIDENCE_OVERDUE,
)


@dataclass(frozen=True)
class FrameworkReadiness:
    """How ready one framework is in the selected accounts today.

    ``covered``: criteria with at least one mapped control that has any evidence source
    (collector checks, evidence requests or a provider attestation). ``counts`` splits all
    criteria by ``criterion_status``: each is as good as its weakest mapped control.
    """

    framework: Framework
    total: int
    covered: int
    counts: dict[str, int]

    @property
    def passing(self) -> int:
        return self.counts.get(ControlStatus.PASS, 0) + self.counts.get(ControlStatus.EXCEPTED, 0)

    @property
    def failing(self) -> int:
        return sum(self.counts.get(status, 0) for status in NOT_OPERATING)

    @property
    def not_evidenced(self) -> int:
        return self.total - self.passing - self.failing

    def percent(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def passing_percent(self) -> int:
        return self.percent(self.passing)

    @property
    def failing_percent(self) -> int:
        return self.percent(self.failing)

    @property
    def covered_percent(self) -> int:
        return self.percent(self.covered)


@dataclass(frozen=True)
class OwnedControl:
    ref: str
    name: str
    status: str


@dataclass(frozen=True)
class Overview:
    readiness: list[FrameworkReadiness]
    split: list[ResponsibilitySplit]
    controls_total: int
    mine: list[OwnedControl]


@dataclass(frozen=True)
class ResponsibilitySplit:
    responsibility: str
    label: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _narrowed(filters: DashboardFilters) -> bool:
    """Whether control filters (beyond accounts and framework) narrow what is counted."""
    return bool(filters.responsibility or filters.service or filters.status)


def _framework_readiness(
    framework: Framework,
    criteria: list[int],
    mapped: dict[int, list[int]],
    controls: dict[int, ControlRow],
    current: dict[int, str],
    filters: DashboardFilters,
) -> FrameworkReadiness:
    """With control filters, only the criteria mapped to a matching control count, each judged
    by its matching controls alone; without, every criterion counts."""
    tally: Counter[str] = Counter()
    covered = total = 0
    for criterion_id in criteria:
        control_ids = [pk for pk in mapped.get(criterion_id, []) if pk in controls]
        if _narrowed(filters):
            control_ids = [
                pk
                for pk in control_ids
                if filters.control_matches(
                    controls[pk], current.get(pk, ControlStatus.NOT_EVIDENCED)
                )
            ]
            if not control_ids:
                continue
        total += 1
        covered += any(controls[pk].covered for pk in control_ids)
        tally[criterion_status(control_ids, controls, current).status] += 1
    return FrameworkReadiness(
        framework=framework,
        total=total,
        covered=covered,
        counts={status: tally[status] for status in STATUS_KEYS},
    )


def overview_read(filters: DashboardFilters, owned: set[int] | None = None) -> Overview:
    """Readiness per framework, the responsibility split (both under every filter) and the
    person's own controls. Six queries."""
    controls = control_rows()
    current = statuses_combined(control_statuses_current(filters.account_ids))
    frameworks = list(Framework.objects.all())
    if filters.framework:
        frameworks = [f for f in frameworks if f.slug == filters.framework]
    criteria_by_framework: dict[int, list[int]] = defaultdict(list)
    for framework_id, criterion_id in Criterion.objects.values_list("framework_id", "pk"):
        criteria_by_framework[framework_id].append(criterion_id)
    mapped: dict[int, list[int]] = defaultdict(list)
    for criterion_id, control_id in ControlMapping.objects.values_list(
        "criterion_id", "control_id"
    ):
        mapped[criterion_id].append(control_id)
    readiness = [
        _framework_readiness(
            framework, criteria_by_framework[framework.pk], mapped, controls, current, filters
        )
        for framework in frameworks
    ]

    split_counts: dict[str, Counter[str]] = {key: Counter() for key in RESPONSIBILITY_LABELS}
    for control in controls.values():
        status = current.get(control.pk, ControlStatus.NOT_EVIDENCED)
        if filters.control_matches(control, status):
            split_counts.setdefault(control.responsibility, Counter())[status] += 1
    split = [
        ResponsibilitySplit(
            responsibility=key,
            label=RESPONSIBILITY_LABELS.get(key, key),
            counts={status: counts[status] for status in STATUS_KEYS},
        )
        for key, counts in split_counts.items()
    ]
    mine = [
        OwnedControl(row.ref, row.name, current.get(pk, ControlStatus.NOT_EVIDENCED))
        for pk, row in sorted(controls.items(), key=lambda item: item[1].ref)
        if pk in (owned or set())
    ]
    return Overview(readiness=readiness, split=split, controls_total=len(controls), mine=mine)


def trend_control_ids(filters: DashboardFilters) -> list[int] | None:
    """The controls the trend counts under the filters; None for all (the cheaper rollup)."""
    if not (filters.responsibility or filters.service or filters.framework_controls is not None):
        return None
    return [
        control.pk
        for control in control_rows().values()
        if filters.control_matches(control, filters.status or ControlStatus.NOT_EVIDENCED)
    ]


def _trend_rows(
    account_ids: list[int], since: dt.date, until: dt.date, control_ids: list[int] | None
) -> dict[dt.date, dict[str, int]]:
    if control_ids is None:
        rows = (
            PostureDaily.objects.filter(account_id__in=account_ids, day__range=(since, until))
            .values("day")
            .annotate(**{f"{column}_sum": Sum(column) for column in POSTURE_FIELDS.values()})
            .order_by("day")
        )
        return {row["day"]: row for row in rows}
    by_day: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(SERIES.values(), 0))
    counts = (
        ControlStatusDaily.objects.filter(
            account_id__in=account_ids, day__range=(since, until), control_id__in=control_ids
        )
        .values("day", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in counts:
        if row["status"] in SERIES:
            by_day[row["day"]][SERIES[row["status"]]] += row["n"]
    return by_day


# The trend's series per status: PostureDaily's column, summed.
SERIES = {status: f"{column}_sum" for status, column in POSTURE_FIELDS.items()}


def posture_trend(
    account_ids: list[int],
    days: int,
    until: dt.date | None = None,
    *,
    control_ids: list[int] | None = None,
    status: str = "",
) -> dict[str, Any]:
    """Chart series: controls per status per day, summed over accounts. One query.

    ``control_ids`` counts only those controls (from the daily control rollup); ``status``
    keeps that series alone. Days without a rollup are ``None`` so the chart shows a gap
    instead of a false drop to 0.
    """
    until = until or timezone.localdate()
    since = until - dt.timedelta(days=days - 1)
    by_day = _trend_rows(account_ids, since, until, control_ids)
    labels = [since + dt.timedelta(days=offset) for offset in range(days)]

    def series(state: str) -> list[int | None]:
        if status and state != status:
            return [None for _ in labels]
        key = SERIES[state]
        return [by_day[day][key] if day in by_day else None for day in labels]

    return {
        "labels": [day.isoformat() for day in labels],
        **{column: series(status) for status, column in POSTURE_FIELDS.items()},
        "has_data": bool(by_day),
    }


def status_changes_recent(filters: DashboardFilters, limit: int = 15) -> list[ControlStatusEvent]:
    """The latest control status changes (pass -> fail, ...) in the selected accounts."""
    events = ControlStatusEvent.objects.filter(account_id__in=filters.account_ids)
    if filters.responsibility:
        events = events.filter(control__responsibility=filters.responsibility)
    if filters.status:
        events = events.filter(status=filters.status)
    if filters.framework_controls is not None:
        events = events.filter(control_id__in=list(filters.framework_controls))
    return list(
        events.select_related("control", "account").only(
            "previous_status",
            "status",
            "occurred_at",
            "control__ref",
            "control__name",
            "account__name",
            "account__account_id",
        )[:limit]
    )
