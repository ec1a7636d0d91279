"""The dashboard's filters as plain values, so selectors never see a request."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import QuerySet

from evidence.collection.models import AwsAccount, Environment
from evidence.organizations.selectors.organizations import account_pks_in_ou
from evidence.posture.models import ControlStatus
from evidence.posture.selectors.status import ControlRow
from grc.catalog.models import ControlMapping

TREND_RANGES = (7, 30, 90, 365)
DEFAULT_TREND_DAYS = 30
ENVIRONMENT_UNSET = "unset"  # the environment filter's value for accounts nobody classified
ENVIRONMENT_LABELS = [*Environment.choices, (ENVIRONMENT_UNSET, "Not set")]
STATUS_WORDS = dict(ControlStatus.choices)


def accounts_narrowed(
    accounts: QuerySet[AwsAccount], *, ou: str = "", environment: str = ""
) -> QuerySet[AwsAccount]:
    """Accounts in an OU subtree and of one environment (ENVIRONMENT_UNSET: none set), for the
    API's ``ou`` and ``environment`` parameters. One query more with an OU."""
    ou = ou.strip().rstrip("/")
    if ou:
        accounts = accounts.filter(pk__in=account_pks_in_ou(ou))
    if environment:
        accounts = accounts.filter(
            environment="" if environment == ENVIRONMENT_UNSET else environment
        )
    return accounts


def environment_matches(account: AwsAccount, environment: str) -> bool:
    if environment == ENVIRONMENT_UNSET:
        return not account.environment
    return account.environment == environment


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
    environment: str = ""  # production, non-production, or ENVIRONMENT_UNSET
    group: str = ""  # "ou" or "environment": the pages add counts per group of accounts

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
            or self.environment
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
                ("environment", self.environment),
            )
            if value
        ]
        return urlencode(pairs)

    @property
    def controls_carry(self) -> str:
        """Query string of the control filters alone (no accounts, framework or status)."""
        pairs = [
            (name, value)
            for name, value in (
                ("responsibility", self.responsibility),
                ("service", self.service),
                ("q", self.query),
            )
            if value
        ]
        return urlencode(pairs)

    def _carry_without(self, name: str) -> str:
        pairs = [pair.split("=", 1) for pair in self.carry.split("&") if pair]
        kept = [(key, value) for key, value in pairs if key != name]
        if self.group:
            kept.append(("group", self.group))
        return "&".join(f"{key}={value}" for key, value in kept)

    @property
    def active_filters(self) -> list[tuple[str, str, str]]:
        """(what, value, query string without it) for each filter in force, to show and undo."""
        labels = dict(ENVIRONMENT_LABELS)
        found = []
        if self.accounts_chosen:
            names = ", ".join(account.name for account in self.accounts_chosen)
            found.append(("Accounts", names, self._carry_without("account")))
        for name, label, value in (
            ("framework", "Framework", self.framework),
            ("responsibility", "Responsibility", self.responsibility),
            ("status", "Status", STATUS_WORDS.get(self.status, self.status)),
            ("service", "Service", self.service),
            ("q", "Search", self.query),
            ("ou", "OU", self.ou),
            ("environment", "Environment", labels.get(self.environment, self.environment)),
        ):
            if value:
                found.append((label, value, self._carry_without(name)))
        return found

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
