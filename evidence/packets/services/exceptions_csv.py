"""exceptions.csv: every risk exception that applied in the packet's period, with its trail."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from evidence.exceptions.selectors.exceptions import exceptions_in_period

EXCEPTION_HEADER = (
    "id", "check_id", "scope", "scope_value", "account_id", "risk_rating", "justification",
    "compensating_controls", "ends_on", "state", "requested_by", "requested_at", "decided_by",
    "decided_at", "decision_comment", "revoked_by", "revoked_at", "revoke_reason",
)  # fmt: skip


def exception_rows(*, start: dt.date, end: dt.date) -> Iterator[tuple]:
    """Every risk exception that applied on some day of the period, with its approval trail."""
    yield EXCEPTION_HEADER

    def who(user) -> str:
        return user.get_username() if user else ""

    def when(moment) -> str:
        return moment.isoformat() if moment else ""

    for item in exceptions_in_period(start=start, end=end):
        yield (
            item.pk, item.check_id, item.scope, item.scope_value,
            item.account.account_id if item.account else "", item.risk_rating,
            item.justification, item.compensating_controls, item.ends_on.isoformat(),
            item.state, who(item.requested_by), when(item.requested_at), who(item.decided_by),
            when(item.decided_at), item.decision_comment, who(item.revoked_by),
            when(item.revoked_at), item.revoke_reason,
        )  # fmt: skip
