"""Current control status per account and how the dashboard combines it, read from rollups.

"Current" is each account's latest rollup day (the day its last finished run wrote), so an
account whose collection stalled keeps showing its last known state rather than a blank.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, Max, OuterRef, Q

from collectors.registry import load_checks
from evidence.posture.models import ControlStatus, ControlStatusDaily, PostureDaily
from evidence.posture.models.rules import SEVERITY
from grc.catalog.loader import PROVIDER_RESPONSIBILITIES
from grc.catalog.models import Control, ControlCheck, EvidenceRequest

STATUS_LABELS = dict(ControlStatus.choices)


def status_combined(statuses: Iterable[str]) -> str:
    """Worst status among accounts with evidence; not evidenced when none has any."""
    evidenced = [status for status in statuses if status and status != ControlStatus.NOT_EVIDENCED]
    if not evidenced:
        return ControlStatus.NOT_EVIDENCED
    return max(evidenced, key=lambda status: SEVERITY.get(status, 0))


@dataclass(frozen=True)
class CriterionStatus:
    """A criterion's status: that of its weakest mapped control, which it names."""

    status: str
    weakest: str = ""  # ref of the control that sets it; empty when nothing evidences it


def criterion_status(
    control_ids: Iterable[int], controls: dict[int, ControlRow], current: dict[int, str]
) -> CriterionStatus:
    """As good as the weakest mapped control that has any evidence source.

    Controls without any source (no check, no evidence request, no attestation) cannot evidence
    the criterion; when no mapped control has one the criterion is not evidenced.
    """
    sourced = [pk for pk in control_ids if pk in controls and controls[pk].covered]
    if not sourced:
        return CriterionStatus(ControlStatus.NOT_EVIDENCED)
    weakest = max(
        sourced,
        key=lambda pk: (SEVERITY.get(current.get(pk, ControlStatus.NOT_EVIDENCED), 0), -pk),
    )
    return CriterionStatus(current.get(weakest, ControlStatus.NOT_EVIDENCED), controls[weakest].ref)


@dataclass(frozen=True)
class ControlRow:
    """A control with what evidences it, as the dashboard lists it."""

    pk: int
    ref: str
    name: str
    responsibility: str
    has_checks: bool
    has_evidence_requests: bool
    has_attestation: bool
    services: tuple[str, ...]
    statement: str = ""
    checks: tuple[str, ...] = ()

    def matches_text(self, query: str) -> bool:
        """Every word of ``query`` appears in the ref, name, statement or a check id."""
        haystack = " ".join((self.ref, self.name, self.statement, *self.checks)).lower()
        return all(word in haystack for word in query.lower().split())

    @property
    def covered(self) -> bool:
        return self.has_checks or self.has_evidence_requests or self.has_attestation

    def get_responsibility_display(self) -> str:
        return RESPONSIBILITY_LABELS.get(self.responsibility, self.responsibility)


RESPONSIBILITY_LABELS = {"inherited": "Inherited", "shared": "Shared", "customer": "Customer"}


def control_rows() -> dict[int, ControlRow]:
    """Every control with its evidence flags and the AWS services its checks read. Two queries."""
    specs = load_checks()
    services: dict[int, set[str]] = defaultdict(set)
    checks: dict[int, list[str]] = defaultdict(list)
    for control_id, check_id in ControlCheck.objects.values_list("control_id", "check_id"):
        spec = specs.get(check_id)
        services[control_id].add(spec.service if spec else "unknown")
        checks[control_id].append(check_id)
    rows = Control.objects.annotate(
        has_evidence_requests=Exists(EvidenceRequest.objects.filter(control=OuterRef("pk"))),
        has_attestation=Q(attestation__isnull=False)
        & Q(responsibility__in=PROVIDER_RESPONSIBILITIES),
    ).values_list(
        "pk",
        "ref",
        "name",
        "responsibility",
        "has_evidence_requests",
        "has_attestation",
        "statement",
    )
    return {
        pk: ControlRow(
            pk=pk,
            ref=ref,
            name=name,
            responsibility=responsibility,
            has_checks=pk in services,
            has_evidence_requests=bool(requests),
            has_attestation=bool(attestation),
            services=tuple(sorted(services.get(pk, ()))),
            statement=statement,
            checks=tuple(sorted(checks.get(pk, ()))),
        )
        for pk, ref, name, responsibility, requests, attestation, statement in rows
    }


def latest_rollup_days(account_ids: list[int]) -> dict[int, dt.date]:
    """Account id -> the last day a finished run wrote its rollup. One query."""
    rows = (
        PostureDaily.objects.filter(account_id__in=account_ids)
        .values("account_id")
        .annotate(latest=Max("day"))
        .order_by()
    )
    return {row["account_id"]: row["latest"] for row in rows}


def control_statuses_current(
    account_ids: list[int], control_ids: Iterable[int] | None = None
) -> dict[int, dict[int, str]]:
    """Control id -> {account id -> status on that account's latest rollup day}. Two queries."""
    latest = latest_rollup_days(account_ids)
    if not latest:
        return {}
    on_latest_day = Q()
    for account_id, day in latest.items():
        on_latest_day |= Q(account_id=account_id, day=day)
    rows = ControlStatusDaily.objects.filter(on_latest_day)
    if control_ids is not None:
        rows = rows.filter(control_id__in=list(control_ids))
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for control_id, account_id, status in rows.values_list("control_id", "account_id", "status"):
        statuses[control_id][account_id] = status
    return dict(statuses)


def statuses_combined(current: dict[int, dict[int, str]]) -> dict[int, str]:
    return {
        control_id: status_combined(by_account.values())
        for control_id, by_account in current.items()
    }
