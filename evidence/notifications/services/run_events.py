"""Events a collection run produces: control status changes, new high findings, run outcomes.

Control changes are read from the posture rollup's ``ControlStatusEvent`` rows of the run, so
this must run after the rollup: ``run_events_collect`` returns None while the run is not yet
rolled up and the task tries again later.
"""

from __future__ import annotations

from collectors.registry import load_checks
from evidence.collection.models import CheckResult, CollectionRun
from evidence.collection.selectors.results import results_in_run
from evidence.notifications.conf import setting
from evidence.notifications.models import EventKind, Severity
from evidence.notifications.services.events import EventSpec
from evidence.posture.models import ControlStatus, ControlStatusDaily, ControlStatusEvent
from grc.catalog.models import ControlCheck

HIGH = {"high", "critical"}
RECOVERED = {ControlStatus.PASS, ControlStatus.EXCEPTED}


def run_is_rolled_up(run: CollectionRun) -> bool:
    return (
        ControlStatusDaily.objects.filter(run=run).exists()
        or ControlStatusEvent.objects.filter(run=run).exists()
    )


def _account_data(run: CollectionRun) -> dict[str, object]:
    return {
        "run_id": run.pk,
        "account_id": run.account.account_id,
        "account_name": run.account.name,
    }


def _outcome_specs(run: CollectionRun) -> list[EventSpec]:
    base = {"account_id": run.account_id, "run_id": run.pk, "occurred_at": run.finished_at}
    errors = [e for e in run.errors if isinstance(e, dict)]
    data = {**_account_data(run), "errors": errors[:20]}
    name = run.account.name
    specs = []
    if run.status == CollectionRun.Status.FAILED:
        specs.append(
            EventSpec(
                key=f"run.failed:{run.pk}",
                kind=EventKind.RUN_FAILED,
                severity=Severity.HIGH,
                title=f"Collection of {name} failed",
                data=data,
                **base,
            )
        )
        if any(e.get("service") == "sts" for e in errors):
            specs.append(
                EventSpec(
                    key=f"account.unassumable:{run.pk}",
                    kind=EventKind.ACCOUNT_UNASSUMABLE,
                    severity=Severity.CRITICAL,
                    title=f"The role of {name} could not be assumed",
                    data=data,
                    **base,
                )
            )
    elif run.status == CollectionRun.Status.WITH_ERRORS:
        specs.append(
            EventSpec(
                key=f"run.finished_with_errors:{run.pk}",
                kind=EventKind.RUN_WITH_ERRORS,
                severity=Severity.MEDIUM,
                title=f"Collection of {name} finished with errors",
                data=data,
                **base,
            )
        )
    return specs


def _control_specs(run: CollectionRun) -> list[EventSpec]:
    specs = []
    changes = ControlStatusEvent.objects.filter(run=run).select_related("control")
    for change in changes:
        if change.status == ControlStatus.FAIL and change.previous_status != ControlStatus.FAIL:
            kind, severity, verb = EventKind.CONTROL_FAILING, Severity.HIGH, "is failing"
        elif change.previous_status == ControlStatus.FAIL and change.status in RECOVERED:
            kind, severity, verb = EventKind.CONTROL_PASSING, Severity.LOW, "passes again"
        else:
            continue
        specs.append(
            EventSpec(
                key=f"{kind}:{change.pk}",
                kind=kind,
                severity=severity,
                title=f"{change.control.ref} {verb} in {run.account.name}",
                account_id=run.account_id,
                control_id=change.control_id,
                run_id=run.pk,
                occurred_at=change.occurred_at,
                data={
                    **_account_data(run),
                    "control_ref": change.control.ref,
                    "control_name": change.control.name,
                    "previous_status": change.previous_status,
                    "status": change.status,
                },
            )
        )
    return specs


def _previous_run(run: CollectionRun) -> CollectionRun | None:
    return (
        CollectionRun.objects.filter(
            account_id=run.account_id,
            status__in=CollectionRun.FINISHED_WITH_RESULTS,
            finished_at__lt=run.finished_at,
        )
        .order_by("-finished_at", "-pk")
        .first()
    )


def _finding_specs(run: CollectionRun) -> list[EventSpec]:
    """FAIL results of high or critical checks that did not fail in the account's previous run.

    The account's first run is a baseline: it produces no finding events (it would list every
    failure at once).
    """
    previous = _previous_run(run)
    if previous is None:
        return []
    severities = {check_id: str(spec.severity) for check_id, spec in load_checks().items()}
    high = [check_id for check_id, severity in severities.items() if severity in HIGH]
    failing = {"status": CheckResult.Status.FAIL, "check_id__in": high}
    before = set(
        results_in_run(previous.pk).filter(**failing).values_list("resource_id", "check_id")
    )
    limit = setting("GRC_NOTIFY_MAX_FINDINGS_PER_RUN")
    rows = (
        results_in_run(run.pk)
        .filter(**failing)
        .select_related("resource")
        .order_by("check_id", "pk")
    )
    new = [r for r in rows if (r.resource_id, r.check_id) not in before][:limit]
    controls: dict[str, list[str]] = {}
    for check_id, ref in ControlCheck.objects.filter(
        check_id__in={r.check_id for r in new}
    ).values_list("check_id", "control__ref"):
        controls.setdefault(check_id, []).append(ref)
    return [
        EventSpec(
            key=f"finding.new:{run.pk}:{r.resource_id}:{r.check_id}",
            kind=EventKind.FINDING_NEW,
            severity=severities[r.check_id],
            title=f"{r.check_id} fails on {r.resource.arn}",
            account_id=run.account_id,
            run_id=run.pk,
            occurred_at=r.collected_at,
            data={
                **_account_data(run),
                "check_id": r.check_id,
                "resource": r.resource.arn,
                "region": r.region,
                "reason": r.reason,
                "controls": sorted(controls.get(r.check_id, [])),
            },
        )
        for r in new
    ]


def run_events_collect(*, run_id: int, require_rollup: bool = True) -> list[EventSpec] | None:
    """The run's events, or None while its rollup has not been written yet."""
    run = CollectionRun.objects.select_related("account").get(pk=run_id)
    if run.status in CollectionRun.ACTIVE:
        return []
    specs = _outcome_specs(run)
    if run.status not in CollectionRun.FINISHED_WITH_RESULTS:
        return specs
    if require_rollup and not run_is_rolled_up(run):
        return None
    return [*specs, *_control_specs(run), *_finding_specs(run)]
