"""What manual and provider evidence says about each control on a day (read by the posture layer).

Two queries whatever the number of controls: approved submission windows per request, and
approved attestation periods per control.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from evidence.manual.models import EvidenceRequest, ProviderAttestation, ReviewStatus
from evidence.manual.selectors.periods import (
    EVIDENCED,
    EXPIRED,
    MISSING,
    SEVERITY,
    Window,
    state_on,
    worst,
)

MANUAL, PROVIDER = "manual", "provider"


@dataclass(frozen=True)
class ManualState:
    """A control's people-provided evidence on one day.

    ``state`` is the worse of ``manual`` (its evidence requests) and ``provider`` (its provider
    attestations); ``kind`` says which of the two decided it. A part the control does not have
    is None.
    """

    state: str
    kind: str
    manual: str | None
    provider: str | None


@dataclass
class _ControlEvidence:
    requests: dict[int, tuple[dt.date, list[Window]]]
    attestations: list[Window]
    has_provider: bool = False


def _evidence_by_control(control_id: int | None = None) -> dict[int, _ControlEvidence]:
    requests = EvidenceRequest.objects.all()
    attestations = ProviderAttestation.controls.through.objects.all()
    if control_id is not None:
        requests = requests.filter(control_id=control_id)
        attestations = attestations.filter(control_id=control_id)
    found: dict[int, _ControlEvidence] = defaultdict(lambda: _ControlEvidence({}, []))
    # One row per attestation link; approved ones carry the period they cover.
    rows = requests.values_list(
        "control_id", "pk", "first_due_date", "submissions__effective_date",
        "submissions__valid_until", "submissions__status",
    ).order_by()  # fmt: skip
    for control, request, first_due, effective, valid_until, status in rows:
        _, windows = found[control].requests.setdefault(request, (first_due, []))
        if status == ReviewStatus.APPROVED:
            windows.append(Window(effective, valid_until))
    links = attestations.values_list(
        "control_id",
        "providerattestation__status",
        "providerattestation__period_start",
        "providerattestation__period_end",
    )
    for control, status, start, end in links:
        found[control].has_provider = True  # attached but unapproved: still "missing"
        if status == ReviewStatus.APPROVED:
            found[control].attestations.append(Window(start, end))
    return found


def _provider_state(day: dt.date, windows: list[Window]) -> str:
    if any(window.covers(day) for window in windows):
        return EVIDENCED
    return EXPIRED if any(window.start <= day for window in windows) else MISSING


def _state(day: dt.date, evidence: _ControlEvidence) -> ManualState:
    manual = (
        worst(
            state_on(day, first_due, windows) for first_due, windows in evidence.requests.values()
        )
        if evidence.requests
        else None
    )
    provider = _provider_state(day, evidence.attestations) if evidence.has_provider else None
    parts = [(s, k) for s, k in ((manual, MANUAL), (provider, PROVIDER)) if s is not None]
    state, kind = max(parts, key=lambda part: SEVERITY[part[0]])
    return ManualState(state=state, kind=kind, manual=manual, provider=provider)


def manual_control_states(*, day: dt.date) -> dict[int, ManualState]:
    """control id -> its manual/provider state on ``day``, for every control that has evidence
    requests or provider attestations attached."""
    return {control: _state(day, evidence) for control, evidence in _evidence_by_control().items()}


def manual_coverage_days(*, control_id: int, since: dt.date, until: dt.date) -> set[dt.date]:
    """The days in [since, until] on which the control's manual and provider evidence was all
    valid (its state ``evidenced``)."""
    evidence = _evidence_by_control(control_id).get(control_id)
    if evidence is None:
        return set()
    days, day = set(), since
    while day <= until:
        if _state(day, evidence).state == EVIDENCED:
            days.add(day)
        day += dt.timedelta(days=1)
    return days
