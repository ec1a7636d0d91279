"""Per control: its population over the period, a reproducible sample of it, and the deviations.

The population of an automated control is every day an account's collection tested it (the
sampling unit: an account's last collection of that day) and every resource its checks evaluated
(with first and last seen). A sample of tested days is drawn by the control's frequency; each
sampled item carries the results of that collection, that is the evidence as of its date. Every
sampled result that failed or could not be read is a deviation, listed with its evidence, the
risk exception covering it (if any) and how to fix it.

Memory: the tested days (accounts x days, shared by all controls), the sampled items of one
control and its deviations; the resource population is streamed from a database aggregate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from collectors.registry import guidance_for
from evidence.collection.models import AwsAccount
from evidence.exceptions.selectors.matching import (
    ExceptionMatcher,
    FailingResult,
    exceptions_active,
    resource_tags,
)
from evidence.packets.selectors import packets as selectors
from evidence.packets.selectors import population as population_selectors
from evidence.packets.selectors.packets import PacketControl
from evidence.packets.selectors.population import TestedDay
from evidence.packets.services import sampling
from evidence.packets.services.zipwriter import PacketZipWriter

POPULATION_HEADER = (
    "kind", "account_id", "item", "resource_type", "region", "check", "first_seen", "last_seen",
    "times_evaluated", "times_failed",
)  # fmt: skip
SAMPLES_HEADER = (
    "sample", "account_id", "sample_date", "collected_at", "region", "resource", "check",
    "status", "reason", "evidence_sha256",
)  # fmt: skip
DEVIATIONS_HEADER = (
    "sample", "account_id", "sample_date", "collected_at", "region", "resource", "check",
    "status", "reason", "evidence_sha256", "exception_id", "exception_ends_on", "remediation",
)  # fmt: skip
FAILING = ("FAIL", "ERROR")
REPORT_DEVIATIONS = 10


@dataclass
class SampledItem:
    tested: TestedDay
    results: int = 0
    failing: int = 0
    excepted: int = 0

    @property
    def result(self) -> str:
        if not self.results:
            return "no results"
        if self.failing > self.excepted:
            return "deviation"
        return "excepted" if self.failing else "pass"

    def as_manifest(self) -> dict[str, Any]:
        return {
            "account_id": self.tested.account_id,
            "date": self.tested.day.isoformat(),
            "collection_run": self.tested.run_id,
            "collected_at": self.tested.finished_at.isoformat(timespec="seconds"),
            "results": self.results,
            "failing": self.failing,
            "excepted": self.excepted,
            "result": self.result,
        }


@dataclass
class ControlSample:
    """A control's population and sample as the manifest, the report and OSCAL need them."""

    ref: str
    name: str
    frequency: str
    sample_size: int
    population_days: int = 0
    population_resources: int = 0
    items: list[SampledItem] = field(default_factory=list)
    deviations: list[tuple] = field(default_factory=list)
    deviations_total: int = 0
    evidence: dict[str, None] = field(default_factory=dict)

    @property
    def warning(self) -> str:
        if not self.population_days:
            return "no automated test ran in the period: nothing to sample"
        if self.population_days < self.sample_size:
            return (
                f"population of {self.population_days} tested day(s) is smaller than the "
                f"sample size {self.sample_size}: every tested day is in the sample"
            )
        return ""

    def as_manifest(self) -> dict[str, Any]:
        return {
            "frequency": self.frequency or None,
            "population": {"tested_days": self.population_days,
                           "resources": self.population_resources},
            "sample_size": self.sample_size,
            "sampled": len(self.items),
            "deviations": self.deviations_total,
            "warning": self.warning or None,
            "items": [item.as_manifest() for item in self.items],
        }  # fmt: skip


class DeviationContext:
    """Exceptions active on each sampled day, looked up once per day; remediation by check."""

    def __init__(self, accounts: Sequence[AwsAccount]) -> None:
        self.accounts = {account.account_id: account for account in accounts}
        self._matchers: dict[dt.date, ExceptionMatcher] = {}

    def _matcher(self, day: dt.date) -> ExceptionMatcher:
        if day not in self._matchers:
            ids = [account.pk for account in self.accounts.values()]
            self._matchers[day] = ExceptionMatcher(exceptions_active(day=day, account_ids=ids))
        return self._matchers[day]

    def exception_for(self, day: dt.date, row: tuple) -> Any:
        _, account_id, region, arn, check_id, status, _, sha256 = row
        matcher = self._matcher(day)
        if status != "FAIL" or check_id not in matcher.checks:
            return None
        tags: Mapping[str, str] = {}
        if sha256 and matcher.needs_tags(check_id):
            for _, content in selectors.evidence_contents([sha256]):
                configuration = content.get("configuration") if isinstance(content, dict) else {}
                tags = resource_tags(configuration)
        account = self.accounts[account_id]
        return matcher.match(
            FailingResult(check_id, account.pk, account_id, region, arn or "", tags)
        )


def _remediation(check_id: str) -> str:
    guidance = guidance_for(check_id)
    if guidance is None:
        return ""
    return f"{guidance.console} CLI: {guidance.cli}"


def _population_rows(
    packet_control: PacketControl,
    days: Sequence[TestedDay],
    account_ids: Sequence[int],
    period: tuple[dt.date, dt.date],
    outcome: ControlSample,
) -> Iterator[tuple]:
    yield POPULATION_HEADER
    for tested in days:
        moment = tested.finished_at.isoformat(timespec="seconds")
        yield ("test_day", tested.account_id, tested.day.isoformat(), "", "", "", moment, moment,
               "", "")  # fmt: skip
    rows = population_selectors.resource_population(
        account_ids=account_ids,
        check_ids=packet_control.check_ids,
        start=period[0],
        end=period[1],
    )
    for account_id, arn, kind, region, check, first, last, evaluated, failed in rows:
        outcome.population_resources += 1
        yield ("resource", account_id, arn or "", kind or "", region, check,
               first.isoformat(timespec="seconds"), last.isoformat(timespec="seconds"),
               evaluated, failed)  # fmt: skip


def _sample_rows(
    packet_control: PacketControl, outcome: ControlSample, context: DeviationContext
) -> Iterator[tuple]:
    yield SAMPLES_HEADER
    for number, item in enumerate(outcome.items, start=1):
        tested = item.tested
        rows = selectors.sample_results(run_ids=[tested.run_id], check_ids=packet_control.check_ids)
        for row in rows:
            collected_at, _, region, arn, check_id, status, reason, sha256 = row
            item.results += 1
            if sha256:
                outcome.evidence[sha256] = None
            when = collected_at.isoformat()
            cells = (number, tested.account_id, tested.day.isoformat(), when, region, arn,
                     check_id, status, reason, sha256)  # fmt: skip
            if status in FAILING:
                item.failing += 1
                exception = context.exception_for(tested.day, row)
                item.excepted += exception is not None
                outcome.deviations_total += exception is None
                outcome.deviations.append(
                    (*cells, exception.pk if exception else "",
                     exception.ends_on.isoformat() if exception else "", _remediation(check_id))
                )  # fmt: skip
            yield cells


def control_population_write(
    archive: PacketZipWriter,
    packet_control: PacketControl,
    *,
    days: Sequence[TestedDay],
    accounts: Sequence[AwsAccount],
    period: tuple[dt.date, dt.date],
    sampling_config: Mapping[str, Any],
    context: DeviationContext,
) -> ControlSample:
    """Write population.csv, samples.csv and deviations.csv of one control."""
    control = packet_control.control
    sizes = sampling_config.get("sizes") or sampling.SAMPLE_SIZES
    outcome = ControlSample(
        control.ref, control.name, control.frequency, sampling.sample_size(control.frequency, sizes)
    )
    if packet_control.check_ids:
        outcome.population_days = len(days)
    else:
        days = ()  # nothing automated tests this control: no population to sample
    folder = packet_control.folder
    with archive.entry(f"{folder}/population.csv") as sink:
        sink.csv_rows(
            _population_rows(
                packet_control, days, [account.pk for account in accounts], period, outcome
            )
        )
    drawn = sampling.sample_draw(
        days, size=outcome.sample_size, seed=str(sampling_config.get("seed", "")), ref=control.ref
    )
    outcome.items = [SampledItem(tested) for tested in drawn]
    with archive.entry(f"{folder}/samples.csv") as sink:
        sink.csv_rows(_sample_rows(packet_control, outcome, context))
    with archive.entry(f"{folder}/deviations.csv") as sink:
        sink.csv_rows([DEVIATIONS_HEADER, *outcome.deviations])
    del outcome.deviations[REPORT_DEVIATIONS:]  # the report shows a few; the CSV has them all
    return outcome


def sample_date_warnings(runs_by_date: Mapping[dt.date, Sequence[Any]]) -> list[str]:
    """A line for every chosen sample date and account that had no collection that day."""
    warnings = []
    for day, entries in runs_by_date.items():
        for entry in entries:
            where = f"{day.isoformat()}, account {entry.account.account_id}"
            if entry.finished_at is None:
                warnings.append(f"{where}: no collection on or before this date, no evidence")
            elif timezone.localdate(entry.finished_at) != day:
                finished = entry.finished_at.isoformat(timespec="seconds")
                warnings.append(
                    f"{where}: no collection on this date; evidence is from the collection "
                    f"finished {finished}"
                )
    if not runs_by_date:
        warnings.append("no collection finished in the period: there are no sample dates")
    return warnings


def sampling_manifest(config: Mapping[str, Any], samples: Sequence[ControlSample]) -> dict:
    return {
        "seed": config.get("seed") or None,
        "sizes": dict(config.get("sizes") or sampling.SAMPLE_SIZES),
        "method": 'random.Random(f"{seed}:{control ref}").sample(range(N), n) over the '
        "control's tested days (population.csv rows of kind test_day, in file order)",
        "controls": {sample.ref: sample.as_manifest() for sample in samples},
    }
