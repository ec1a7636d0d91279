"""Controls: the filtered list, and one control's page (history calendar, failing resources)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from collectors.registry import load_checks
from evidence.collection.models import AwsAccount, CheckResult
from evidence.collection.selectors.accounts import latest_finished_runs
from evidence.collection.selectors.results import results_in_runs
from evidence.posture.models import ControlStatus
from evidence.posture.selectors.filters import DashboardFilters
from evidence.posture.selectors.history import control_status_history
from evidence.posture.selectors.status import (
    STATUS_LABELS,
    ControlRow,
    control_rows,
    control_statuses_current,
    status_combined,
)
from grc.catalog.models import Control, Criterion, ParameterChange

CALENDAR_WEEKS = 53
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class ControlListRow:
    control: ControlRow
    status: str
    by_account: list[str]  # status per filtered account, in filter order


def control_list(filters: DashboardFilters) -> list[ControlListRow]:
    """Controls matching the filters, with their status per account. Four queries."""
    controls = control_rows()
    current = control_statuses_current(filters.account_ids)
    rows = []
    for control in controls.values():
        by_account = current.get(control.pk, {})
        status = status_combined(by_account.values())
        if filters.control_matches(control, status):
            statuses = [
                by_account.get(pk, ControlStatus.NOT_EVIDENCED) for pk in filters.account_ids
            ]
            rows.append(ControlListRow(control, status, statuses))
    return sorted(rows, key=lambda row: row.control.ref)


@dataclass(frozen=True)
class CheckInfo:
    check_id: str
    title: str
    service: str
    severity: str
    known: bool  # False when the catalog names a check this build does not have


def control_checks(control: Control) -> list[CheckInfo]:
    specs = load_checks()
    checks = []
    for check_id in control.checks.values_list("check_id", flat=True):
        spec = specs.get(check_id)
        checks.append(
            CheckInfo(
                check_id=check_id,
                title=spec.title if spec else "Unknown check",
                service=spec.service if spec else "",
                severity=str(spec.severity) if spec else "",
                known=spec is not None,
            )
        )
    return checks


def control_criteria(control: Control) -> dict[str, list[Criterion]]:
    """Framework name -> the criteria this control is mapped onto. One query."""
    grouped: dict[str, list[Criterion]] = defaultdict(list)
    criteria = Criterion.objects.filter(mappings__control=control).select_related("framework")
    for criterion in criteria.order_by("framework__kind", "framework__slug", "position"):
        grouped[str(criterion.framework)].append(criterion)
    return dict(grouped)


def parameter_changes_recent(control: Control, limit: int = 10) -> list[ParameterChange]:
    changes = ParameterChange.objects.filter(parameter__control=control)
    return list(changes.select_related("parameter", "changed_by")[:limit])


@dataclass(frozen=True)
class CalendarDay:
    day: dt.date
    status: str  # "" for a day without a collection

    @property
    def title(self) -> str:
        label = STATUS_LABELS.get(self.status, "no collection")
        return f"{WEEKDAYS[self.day.weekday()]} {self.day.isoformat()}: {label}"


@dataclass(frozen=True)
class AccountHistory:
    """A year of daily status for one account: 53 week columns of 7 days (Monday first)."""

    account: AwsAccount
    weeks: list[list[CalendarDay | None]]  # None: a day after today
    current: str
    counts: dict[str, int]

    @property
    def summary(self) -> str:
        """Days per status over the year, e.g. "5 passing, 5 failing", passing first."""
        labels = dict(ControlStatus.choices)
        return ", ".join(
            f"{self.counts[status]} {labels[status].lower()}"
            for status in ControlStatus.values
            if self.counts.get(status)
        )

    @property
    def month_labels(self) -> list[tuple[int, str]]:
        """(1-based week column, "Mar") for each week column in which a month begins."""
        labels = []
        for column, week in enumerate(self.weeks, start=1):
            starts = [cell.day for cell in week if cell is not None and cell.day.day == 1]
            if starts:
                labels.append((column, starts[0].strftime("%b")))
        return labels

    @property
    def cells_html(self) -> SafeString:
        """The cells, column by column, as one string.

        A template loop (or format_html per cell) over 20 accounts x 371 days took most of the
        control page's time. Safe by construction: only a whitelisted status, an ISO date and
        fixed labels go in, never stored text.
        """
        parts = []
        for week in self.weeks:
            for cell in week:
                if cell is None:
                    continue
                status = cell.status if cell.status in STATUS_LABELS else "none"
                parts.append(f'<span class="d s-{status}" title="{cell.title}"></span>')
        # Reviewed: see the docstring.
        return mark_safe("".join(parts))  # noqa: S308  # nosec


def history_calendars(
    control: Control, accounts: list[AwsAccount], today: dt.date | None = None
) -> list[AccountHistory]:
    """One query for every account, whatever the history length."""
    today = today or timezone.localdate()
    first = today - dt.timedelta(days=today.weekday(), weeks=CALENDAR_WEEKS - 1)
    days = (today - first).days + 1
    history = control_status_history(
        control_id=control.pk, account_ids=[a.pk for a in accounts], days=days, until=today
    )
    calendars = []
    for account in accounts:
        entries: list[CalendarDay | None] = [
            CalendarDay(entry.day, entry.status) for entry in history.get(account.pk, [])
        ]
        entries += [None] * (CALENDAR_WEEKS * 7 - len(entries))
        known = [entry.status for entry in entries if entry and entry.status]
        counts = {status: known.count(status) for status in ControlStatus.values}
        calendars.append(
            AccountHistory(
                account=account,
                weeks=[entries[week * 7 : week * 7 + 7] for week in range(CALENDAR_WEEKS)],
                current=known[-1] if known else "",
                counts=counts,
            )
        )
    return calendars


def failing_resources_page(
    check_ids: list[str],
    account_ids: list[int],
    page_number: str | int | None,
    per_page: int = 25,
) -> Page:
    """FAIL results of these checks in each account's latest finished run.

    Three queries (runs, count, page); bounded by the size of one run, not by history.
    """
    runs = latest_finished_runs(account_ids)
    results = (
        results_in_runs(runs.values())
        .filter(check_id__in=check_ids, status=CheckResult.Status.FAIL)
        .select_related("resource", "account", "evidence")
        .only(
            "check_id",
            "region",
            "reason",
            "collected_at",
            "resource__arn",
            "account__name",
            "account__account_id",
            "evidence__sha256",
        )
        .order_by("account__name", "check_id", "resource__arn")
    )
    return Paginator(results, per_page).get_page(page_number)
