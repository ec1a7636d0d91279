"""Date arithmetic of requests: validity of evidence, next due date, a request's state on a day.

Pure functions over plain values, shared by services (defaults when writing) and selectors
(states for pages, the status rollup and packets), so every reader agrees.

- An approved submission speaks for its effective date and stays valid for its request's
  frequency period plus ``GRC_MANUAL_GRACE_DAYS`` (evidence of a ``once`` request never expires).
- The next evidence is due one frequency period after the latest approved effective date, or
  on the request's first due date while nothing was approved.
- On a day, a request is ``evidenced`` (approved evidence valid that day), ``expired`` (approved
  evidence existed but its validity ended), ``overdue`` (never evidenced and past its first due
  date) or ``missing`` (nothing approved yet, not due yet).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings

from evidence.manual.models import FREQUENCY_MONTHS

EVIDENCED, OVERDUE, EXPIRED, MISSING = "evidenced", "overdue", "expired", "missing"
# The worse state wins when a control has several requests (or a request and an attestation).
SEVERITY = {EVIDENCED: 0, MISSING: 1, OVERDUE: 2, EXPIRED: 3}


@dataclass(frozen=True)
class Window:
    """An approved piece of evidence: valid from ``start`` through ``end`` (None: no end)."""

    start: dt.date
    end: dt.date | None

    def covers(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def grace() -> dt.timedelta:
    return dt.timedelta(days=settings.GRC_MANUAL_GRACE_DAYS)


def validity_end(frequency: str, effective_date: dt.date) -> dt.date | None:
    months = FREQUENCY_MONTHS[frequency]
    if months is None:
        return None
    return add_months(effective_date, months) + grace()


def next_due(frequency: str, first_due: dt.date, last_approved: dt.date | None) -> dt.date | None:
    """When the next evidence is due (None: a ``once`` request already evidenced)."""
    if last_approved is None:
        return first_due
    months = FREQUENCY_MONTHS[frequency]
    if months is None:
        return None
    return add_months(last_approved, months)


def state_on(day: dt.date, first_due: dt.date, windows: Iterable[Window]) -> str:
    started = False
    for window in windows:
        if window.covers(day):
            return EVIDENCED
        started = started or window.start <= day
    if started:
        return EXPIRED
    return OVERDUE if day > first_due else MISSING


def worst(states: Iterable[str]) -> str:
    return max(states, key=SEVERITY.__getitem__)
