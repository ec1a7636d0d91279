"""A control's daily status in one account as runs of equal days: the strip and the exceptions."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

NOT_COLLECTED = "not_collected"
EXCEPTION_STATUSES = ("fail", "partial")
STATUS_LABELS = {
    "pass": "passing",
    "fail": "failing",
    "partial": "partial",
    "not_evidenced": "not evidenced",
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
    def exceptions(self) -> list[StatusRun]:
        return [run for run in self.runs if run.status in EXCEPTION_STATUSES]

    @property
    def exception_days(self) -> int:
        return sum(self.counts[status] for status in EXCEPTION_STATUSES)

    @property
    def summary(self) -> list[tuple[str, str, int]]:
        return [
            (status, label, self.counts[status])
            for status, label in STATUS_LABELS.items()
            if self.counts[status]
        ]
