"""The dashboard's filters as plain values, so selectors never see a request."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from evidence.collection.models import AwsAccount
from evidence.posture.selectors.status import ControlRow
from grc.catalog.models import ControlMapping

TREND_RANGES = (7, 30, 90, 365)
DEFAULT_TREND_DAYS = 30


@dataclass(frozen=True)
class DashboardFilters:
    """What the person chose in the filter bar; empty values mean "all"."""

    accounts: tuple[AwsAccount, ...]  # the accounts in scope (every enabled one by default)
    accounts_chosen: tuple[AwsAccount, ...] = ()  # picked explicitly in the query string
    framework: str = ""  # framework slug
    responsibility: str = ""
    status: str = ""
    service: str = ""
    query: str = ""  # words to find in a control's ref, name, statement or check ids
    days: int = DEFAULT_TREND_DAYS
    framework_controls: frozenset[int] | None = None  # controls mapped onto ``framework``
    ou: str = ""  # an organization OU path: accounts narrowed to it and the OUs under it

    @property
    def account_ids(self) -> list[int]:
        return [account.pk for account in self.accounts]

    @property
    def active(self) -> bool:
        return bool(
            self.accounts_chosen
            or self.framework
            or self.responsibility
            or self.status
            or self.service
            or self.query
            or self.ou
        )

    @property
    def accounts_carry(self) -> str:
        """Query string of the explicitly chosen accounts only."""
        return urlencode([("account", account.account_id) for account in self.accounts_chosen])

    @property
    def carry(self) -> str:
        """Query string that keeps the filters when following a link to another page."""
        pairs = [("account", account.account_id) for account in self.accounts_chosen]
        pairs += [
            (name, value)
            for name, value in (
                ("framework", self.framework),
                ("responsibility", self.responsibility),
                ("status", self.status),
                ("service", self.service),
                ("q", self.query),
                ("ou", self.ou),
            )
            if value
        ]
        return urlencode(pairs)

    def control_matches(self, control: ControlRow, status: str) -> bool:
        """Responsibility, service, status and framework filters applied to one control."""
        if self.responsibility and control.responsibility != self.responsibility:
            return False
        if self.service and self.service not in control.services:
            return False
        if self.status and status != self.status:
            return False
        if self.query and not control.matches_text(self.query):
            return False
        return self.framework_controls is None or control.pk in self.framework_controls


def framework_control_ids(slug: str) -> frozenset[int]:
    """Controls mapped onto any criterion of the framework. One query."""
    return frozenset(
        ControlMapping.objects.filter(criterion__framework__slug=slug).values_list(
            "control_id", flat=True
        )
    )
