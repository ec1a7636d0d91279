"""Control status over time, read from the daily rollup (never from raw results)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from evidence.posture.models import ControlStatusDaily


@dataclass(frozen=True)
class DayStatus:
    day: dt.date
    status: str  # a ControlStatus value, or "" for a day with no collection


def control_status_history(
    *, control_id: int, account_ids: list[int], days: int = 365, until: dt.date | None = None
) -> dict[int, list[DayStatus]]:
    """Account id -> one entry per day (oldest first) for the last ``days`` days. One query."""
    until = until or timezone.localdate()
    since = until - dt.timedelta(days=days - 1)
    rows = ControlStatusDaily.objects.filter(
        control_id=control_id, account_id__in=account_ids, day__range=(since, until)
    ).values_list("account_id", "day", "status")
    by_account: dict[int, dict[dt.date, str]] = {account_id: {} for account_id in account_ids}
    for account_id, day, status in rows:
        by_account[account_id][day] = status
    calendar = [since + dt.timedelta(days=offset) for offset in range(days)]
    return {
        account_id: [DayStatus(day, statuses.get(day, "")) for day in calendar]
        for account_id, statuses in by_account.items()
    }
