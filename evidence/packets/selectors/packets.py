"""Reads for a packet build: the framework's controls, daily rollups, sample-date results.

Everything that can grow with the period or the number of resources is returned as an iterator
over ``.iterator(chunk_size=...)``; only catalog rows (bounded by the catalog) come back as lists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from django.utils import timezone

from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.models import EvidenceDocument as Document
from evidence.collection.selectors.results import observation_times, results_in_runs
from evidence.packets.models import EvidencePacket
from evidence.posture.models import ControlStatusDaily
from grc.catalog.models import CatalogLoad, Control, ControlCheck, ControlMapping, Criterion

CHUNK_ROWS = 2000
EVIDENCE_BATCH = 200
SAFE_PATH = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class PacketControl:
    """A control in the packet's scope, with the framework criteria it supports and its checks."""

    control: Control
    criteria: tuple[str, ...]
    check_ids: tuple[str, ...]

    @property
    def folder(self) -> str:
        return "controls/" + SAFE_PATH.sub("_", self.control.ref)


@dataclass(frozen=True)
class CriterionControls:
    criterion: Criterion
    control_refs: tuple[str, ...]


@dataclass(frozen=True)
class SampleRun:
    """The collection an account's evidence at a sample date comes from (None: none by then)."""

    account: AwsAccount
    run_id: int | None
    finished_at: dt.datetime | None


def catalog_version() -> str:
    load = CatalogLoad.objects.order_by("-loaded_at").values_list("catalog_version", flat=True)
    return load.first() or "unknown"


def packet_criteria(framework_id: int) -> list[CriterionControls]:
    refs: dict[int, list[str]] = defaultdict(list)
    mappings = ControlMapping.objects.filter(criterion__framework_id=framework_id).order_by(
        "control__ref"
    )
    for criterion_id, ref in mappings.values_list("criterion_id", "control__ref"):
        refs[criterion_id].append(ref)
    criteria = Criterion.objects.filter(framework_id=framework_id).select_related("section")
    return [
        CriterionControls(criterion, tuple(refs.get(criterion.pk, ())))
        for criterion in criteria.order_by("position", "ref")
    ]


def packet_controls(framework_id: int) -> list[PacketControl]:
    """Controls mapped to the framework, by ref, with their criteria refs and check ids."""
    criteria: dict[int, list[str]] = defaultdict(list)
    mappings = ControlMapping.objects.filter(criterion__framework_id=framework_id).order_by(
        "criterion__position", "criterion__ref"
    )
    for control_id, ref in mappings.values_list("control_id", "criterion__ref"):
        criteria[control_id].append(ref)
    checks: dict[int, list[str]] = defaultdict(list)
    for control_id, check_id in ControlCheck.objects.filter(control_id__in=criteria).values_list(
        "control_id", "check_id"
    ):
        checks[control_id].append(check_id)
    controls = Control.objects.filter(pk__in=criteria).select_related("attestation")
    return [
        PacketControl(control, tuple(criteria[control.pk]), tuple(sorted(checks[control.pk])))
        for control in controls.order_by("ref")
    ]


def daily_status_rows(
    *, control_id: int, account_ids: Sequence[int], start: dt.date, end: dt.date
) -> Iterator[tuple[str, dt.date, str, int, int, int]]:
    """(aws account id, day, status, pass, fail, error), ordered by account id then day."""
    rows = (
        ControlStatusDaily.objects.filter(
            control_id=control_id, account_id__in=account_ids, day__range=(start, end)
        )
        .order_by("account__account_id", "day")
        .values_list(
            "account__account_id", "day", "status", "pass_count", "fail_count", "error_count"
        )
    )
    return rows.iterator(chunk_size=CHUNK_ROWS)


def _end_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def sample_runs(
    accounts: Sequence[AwsAccount], sample_dates: Iterable[dt.date]
) -> dict[dt.date, list[SampleRun]]:
    """Per sample date, per account: the latest finished collection on or before that day."""
    usable = (CollectionRun.Status.SUCCEEDED, CollectionRun.Status.WITH_ERRORS)
    by_date: dict[dt.date, list[SampleRun]] = {}
    for day in sample_dates:
        entries = []
        for account in accounts:
            latest = (
                CollectionRun.objects.filter(
                    account=account, status__in=usable, finished_at__lt=_end_of(day)
                )
                .order_by("-finished_at", "-pk")
                .values_list("pk", "finished_at")
                .first()
            )
            entries.append(SampleRun(account, *(latest or (None, None))))
        by_date[day] = entries
    return by_date


ResultRow = tuple[dt.datetime, str, str, str, str, str, str, str | None]


def sample_results(*, run_ids: Sequence[int], check_ids: Sequence[str]) -> Iterator[ResultRow]:
    """(collected_at, account id, region, resource arn, check, status, reason, evidence sha256)
    of the given runs (at most one per account) for the given checks, ordered by account id,
    resource, check. ``collected_at`` is when that run collected the result."""
    if not run_ids or not check_ids:
        return iter(())
    collected = observation_times(run_ids)
    rows = (
        results_in_runs(run_ids)
        .filter(check_id__in=check_ids)
        .order_by("account__account_id", "resource__arn", "check_id", "pk")
        .values_list(
            "account_id",
            "service",
            "unit_region",
            "account__account_id",
            "region",
            "resource__arn",
            "check_id",
            "status",
            "reason",
            "evidence__sha256",
        )
    )
    return (
        (collected[(account, service, region)], *row)
        for account, service, region, *row in rows.iterator(chunk_size=CHUNK_ROWS)
    )


def evidence_contents(sha256s: Sequence[str]) -> Iterator[tuple[str, object]]:
    """(sha256, content) of the documents, a batch of rows at a time."""
    for start in range(0, len(sha256s), EVIDENCE_BATCH):
        batch = sha256s[start : start + EVIDENCE_BATCH]
        yield from Document.objects.filter(sha256__in=batch).values_list("sha256", "content")


def packets_unstarted(*, older_than: dt.timedelta) -> list[int]:
    """Packets still ``queued`` after ``older_than``: their build message never reached a worker."""
    cutoff = timezone.now() - older_than
    return list(
        EvidencePacket.objects.filter(
            status=EvidencePacket.Status.QUEUED, requested_at__lt=cutoff
        ).values_list("pk", flat=True)
    )
