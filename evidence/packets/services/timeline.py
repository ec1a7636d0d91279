"""A control's daily status in one account as runs of equal days: the strip and the deviations.

A deviation (the auditor's word) is a day the control did not operate as designed: failing, its
evidence overdue or expired, or not fully readable. Risk exceptions are another thing: an
excepted day is not a deviation, and the packet lists the exceptions themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from evidence.posture.models import ControlStatus

NOT_COLLECTED = "not_collected"
DEVIATION_STATUSES = ("fail", "evidence_expired", "evidence_overdue", "incomplete")
STATUS_LABELS = {
    **{status: label.lower() for status, label in ControlStatus.choices},
    NOT_COLLECTED: "no collection",
}


@dataclass
class StatusRun:
    status: str
    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)


@dataclass
class AccountTimeline:
    """Memory grows with the number of status changes, never with the number of days."""

    account_id: str
    name: str
    runs: list[StatusRun] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, day: dt.date, status: str) -> None:
        self.counts[status] += 1
        last = self.runs[-1] if self.runs else None
        if last and last.status == status and last.end + dt.timedelta(days=1) == day:
            last.end = day
        else:
            self.runs.append(StatusRun(status, day, day))

    @property
    def deviations(self) -> list[StatusRun]:
        return [run for run in self.runs if run.status in DEVIATION_STATUSES]

    @property
    def deviation_days(self) -> int:
        return sum(self.counts[status] for status in DEVIATION_STATUSES)

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        return [
            (status, label, self.counts[status])
            for status, label in STATUS_LABELS.items()
            if self.counts[status]
        ]
