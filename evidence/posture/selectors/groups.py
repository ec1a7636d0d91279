"""Posture per group of accounts, by OU or by environment, read from the daily rollup.

A group's status for a control is the worst among its accounts (``status_combined``), the same
rule the pages use for all accounts in scope, so the per-group counts use the same words.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from evidence.collection.models import AwsAccount, Environment
from evidence.organizations.selectors.organizations import ou_paths_of
from evidence.posture.models import ControlStatus
from evidence.posture.models.rules import SEVERITY
from evidence.posture.selectors.filters import ENVIRONMENT_UNSET, DashboardFilters
from evidence.posture.selectors.status import (
    control_rows,
    control_statuses_current,
    status_combined,
)

NO_ORGANIZATION = "Not in an organization"
GROUPINGS = ("ou", "environment")
ENVIRONMENT_GROUPS = [*Environment.choices, (ENVIRONMENT_UNSET, "Environment not set")]


@dataclass(frozen=True)
class AccountGroup:
    """Accounts that share an OU path (the exact OU, not its subtree) or an environment."""

    key: str  # the OU path or environment value; "" for accounts in no organization
    label: str
    accounts: list[AwsAccount]

    @property
    def accounts_query(self) -> str:
        """The query string that picks exactly these accounts on a posture page."""
        return urlencode([("account", account.account_id) for account in self.accounts])


@dataclass(frozen=True)
class GroupPosture:
    group: AccountGroup
    counts: dict[str, int]  # controls per status (a ControlStatus value)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def accounts_grouped(accounts: Iterable[AwsAccount], by: str) -> list[AccountGroup]:
    """Groups in a stable order: OU paths sorted then accounts in no organization; or
    production, non-production, not set. Empty groups are left out. One query by OU."""
    accounts = list(accounts)
    members: dict[str, list[AwsAccount]] = defaultdict(list)
    if by == "ou":
        paths = ou_paths_of([account.pk for account in accounts])
        for account in accounts:
            members[paths.get(account.pk, "")].append(account)
        order = [(path, path or "(no OU)") for path in sorted(k for k in members if k)]
        if "" in members:
            order.append(("", NO_ORGANIZATION))
    else:
        for account in accounts:
            members[account.environment or ENVIRONMENT_UNSET].append(account)
        order = [(key, label) for key, label in ENVIRONMENT_GROUPS if key in members]
    return [AccountGroup(key, label, members[key]) for key, label in order]


def posture_by_group(
    filters: DashboardFilters, by: str, control_ids: Iterable[int] | None = None
) -> list[GroupPosture]:
    """Per group of the accounts in scope, how many controls have each status today, under the
    page's control filters (``control_ids`` narrows to a framework's controls). Five queries
    by OU, four by environment, whatever the history."""
    if by not in GROUPINGS:
        return []
    groups = accounts_grouped(filters.accounts, by)
    controls = control_rows()
    if control_ids is not None:
        wanted = set(control_ids)
        controls = {pk: row for pk, row in controls.items() if pk in wanted}
    current = control_statuses_current(filters.account_ids)
    found = []
    for group in groups:
        tally: Counter[str] = Counter()
        for control in controls.values():
            by_account = current.get(control.pk, {})
            status = status_combined(by_account.get(account.pk, "") for account in group.accounts)
            if filters.control_matches(control, status):
                tally[status] += 1
        found.append(GroupPosture(group, {status: tally[status] for status in ControlStatus}))
    return found


@dataclass(frozen=True)
class AccountStatus:
    account: AwsAccount
    status: str


@dataclass(frozen=True)
class OuAccounts:
    label: str  # the OU path, or NO_ORGANIZATION
    accounts: list[AccountStatus]


# Statuses a control's "accounts not passing" section lists (passing and excepted are not).
NOT_PASSING = tuple(
    s for s in ControlStatus if s not in (ControlStatus.PASS, ControlStatus.EXCEPTED)
)


def control_accounts_not_passing(
    control_id: int, accounts: Iterable[AwsAccount]
) -> list[OuAccounts]:
    """The accounts where one control fails, could not be read, lacks evidence (or its documents
    are late), grouped by OU path, worst first inside a group. Three queries."""
    accounts = list(accounts)
    current = control_statuses_current([a.pk for a in accounts], control_ids=[control_id])
    by_account = current.get(control_id, {})
    found = []
    for group in accounts_grouped(accounts, "ou"):
        rows = [
            AccountStatus(account, by_account.get(account.pk, ControlStatus.NOT_EVIDENCED))
            for account in group.accounts
        ]
        rows = [row for row in rows if row.status in NOT_PASSING]
        rows.sort(key=lambda row: (-SEVERITY.get(row.status, 0), row.account.name))
        if rows:
            found.append(OuAccounts(group.label, rows))
    return found
