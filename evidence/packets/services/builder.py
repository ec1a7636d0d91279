"""Write a packet's ZIP in one streaming pass over the controls.

Per control: ``daily_status.csv`` (every day x account, from the rollup), then ``results.csv``
(the control's check results at each sample date) while the report's rows go to a file on disk,
then the evidence documents it cited for the first time. Afterwards report.html, report.pdf,
README.txt, tools/verify.py and last the manifest and its signature.

Memory: rows are read in chunks and written straight out. What is kept grows with the catalog
(controls, criteria), the status changes of one control, and the distinct evidence documents cited
(their hashes, plus the ZIP's own directory of entries), never with the number of days or results.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nacl.signing import SigningKey

from collectors.registry import guidance_for
from evidence.collection.models import AwsAccount
from evidence.collection.services.ingest import canonical_json
from evidence.packets import verify
from evidence.packets.models import EvidencePacket
from evidence.packets.selectors import packets as selectors
from evidence.packets.selectors import population as population_selectors
from evidence.packets.selectors.packets import PacketControl, SampleRun
from evidence.packets.services import oscal, population, report, signing
from evidence.packets.services.exceptions_csv import exception_rows
from evidence.packets.services.manual import manual_evidence_write
from evidence.packets.services.report import HtmlReport, PdfReport
from evidence.packets.services.timeline import NOT_COLLECTED, AccountTimeline
from evidence.packets.services.zipwriter import HashingEntry, PacketZipWriter

FORMAT = "grc-evidence-packet/1"
DAILY_HEADER = ("date", "account_id", "account_name", "status", "pass", "fail", "error")
RESULTS_HEADER = (
    "sample_date",
    "collected_at",
    "account_id",
    "region",
    "resource",
    "check",
    "status",
    "reason",
    "evidence_sha256",
)
FAILING = ("FAIL", "ERROR")
Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class PacketScope:
    packet: EvidencePacket
    accounts: list[AwsAccount]
    sample_dates: list[dt.date]
    generated_at: dt.datetime
    catalog_version: str
    product_version: str

    def as_manifest(self) -> dict[str, Any]:
        framework = self.packet.framework
        return {
            "framework": {
                "slug": framework.slug,
                "name": framework.name,
                "version": framework.version,
            },
            "period": {
                "start": self.packet.period_start.isoformat(),
                "end": self.packet.period_end.isoformat(),
            },
            # Ids and names only: the external id is a secret and never leaves the server.
            "accounts": [{"account_id": a.account_id, "name": a.name} for a in self.accounts],
            "sample_dates": [day.isoformat() for day in self.sample_dates],
            "sample_seed": self.packet.sample_seed or None,
            "organizational_unit": {
                "path": self.packet.ou_path,
                "includes_child_ous": True,
                "members_as_of": self.packet.requested_at.isoformat(timespec="seconds"),
            }
            if self.packet.ou_path
            else None,
            "environment": self.packet.environment or None,
        }


@dataclass
class SampleSummary:
    day: dt.date
    accounts_collected: int = 0
    accounts_missing: int = 0
    results: int = 0
    failing: int = 0


@dataclass
class ControlOutcome:
    """What the PDF needs of one control after its results were written (bounded)."""

    samples: list[SampleSummary] = field(default_factory=list)
    failing_rows: list[tuple] = field(default_factory=list)
    failing_total: int = 0

    @property
    def samples_shown(self) -> list[SampleSummary]:
        return self.samples[: report.PDF_SAMPLE_DATES]

    @property
    def samples_hidden(self) -> int:
        return max(0, len(self.samples) - report.PDF_SAMPLE_DATES)


def _period_days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def _write_daily_status(
    sink: HashingEntry, scope: PacketScope, packet_control: PacketControl
) -> list[AccountTimeline]:
    packet = scope.packet
    rows = selectors.daily_status_rows(
        control_id=packet_control.control.pk,
        account_ids=[account.pk for account in scope.accounts],
        start=packet.period_start,
        end=packet.period_end,
    )
    pending = next(rows, None)
    timelines = []

    def lines() -> Iterator[tuple]:
        nonlocal pending
        yield DAILY_HEADER
        for account in scope.accounts:
            timeline = AccountTimeline(account.account_id, account.name)
            timelines.append(timeline)
            for day in _period_days(packet.period_start, packet.period_end):
                if pending and pending[0] == account.account_id and pending[1] == day:
                    _, _, status, passed, failed, errored = pending
                    pending = next(rows, None)
                else:
                    status, passed, failed, errored = NOT_COLLECTED, "", "", ""
                timeline.add(day, status)
                yield (
                    day.isoformat(),
                    account.account_id,
                    account.name,
                    status,
                    passed,
                    failed,
                    errored,
                )

    sink.csv_rows(lines())
    return timelines


def _write_results(
    sink: HashingEntry,
    html: HtmlReport,
    packet_control: PacketControl,
    runs_by_date: dict[dt.date, list[SampleRun]],
    written: set[str],
) -> tuple[ControlOutcome, list[str]]:
    """results.csv for every sample date; failing rows also go to the report. Returns the
    outcome and the evidence documents cited here that are not in the ZIP yet."""
    outcome = ControlOutcome()
    new_evidence: dict[str, None] = {}

    def lines() -> Iterator[tuple]:
        yield RESULTS_HEADER
        for day, sample in runs_by_date.items():
            rows = selectors.sample_results(
                run_ids=[entry.run_id for entry in sample if entry.run_id],
                check_ids=packet_control.check_ids,
            )
            groups = itertools.groupby(rows, key=lambda row: row[1])
            group = next(groups, None)
            summary = SampleSummary(day)
            outcome.samples.append(summary)
            for entry in sample:
                html.sample_group_start(day, entry.account, entry.finished_at)
                if entry.run_id is None:
                    summary.accounts_missing += 1
                    continue
                summary.accounts_collected += 1
                total = failing = 0
                if group and group[0] == entry.account.account_id:
                    for row in group[1]:
                        total += 1
                        sha256 = row[7]
                        if sha256 and sha256 not in written:
                            new_evidence[sha256] = None
                        if row[5] in FAILING:
                            failing += 1
                            html.failing_row(row)
                            if len(outcome.failing_rows) < report.PDF_FAILING_ROWS:
                                outcome.failing_rows.append((day, *row))
                        yield (day.isoformat(), row[0].isoformat(), *row[1:])
                    group = next(groups, None)
                html.sample_group_end(total, failing)
                outcome.failing_total += failing
                summary.results += total
                summary.failing += failing

    sink.csv_rows(lines())
    return outcome, list(new_evidence)


def _write_evidence(archive: PacketZipWriter, sha256s: Sequence[str], written: set[str]) -> None:
    for sha256, content in selectors.evidence_contents(sha256s):
        if sha256 not in written:
            # The same canonical bytes that were hashed at ingest, so the name is the hash.
            archive.add_bytes(f"evidence/{sha256}.json", canonical_json(content))
            written.add(sha256)


def _report_context(scope: PacketScope, public_key: str) -> dict[str, Any]:
    packet = scope.packet
    return {
        "packet": packet,
        "framework": packet.framework,
        "scope": scope,
        "accounts": scope.accounts,
        "sample_dates": scope.sample_dates,
        "criteria": selectors.packet_criteria(packet.framework_id),
        "public_key": public_key,
        "requested_by": packet.requested_by.get_username() if packet.requested_by else "",
    }


def _control_context(
    scope: PacketScope, packet_control: PacketControl, timelines: list[AccountTimeline]
) -> dict[str, Any]:
    control = packet_control.control
    attestation = control.attestation
    covers = None
    if attestation and attestation.period_start and attestation.period_end:
        covers = (
            attestation.period_start <= scope.packet.period_start
            and attestation.period_end >= scope.packet.period_end
        )
    return {
        "pc": packet_control,
        "control": control,
        "attestation": attestation,
        "attestation_covers_period": covers,
        "timelines": timelines,
        "pdf_deviations": report.PDF_DEVIATIONS_PER_ACCOUNT,
        "guidance": [
            (check_id, guidance)
            for check_id in packet_control.check_ids
            if (guidance := guidance_for(check_id)) is not None
        ],
    }


def manifest_bytes(
    scope: PacketScope,
    files: list[dict[str, Any]],
    public_key: str,
    manual_evidence: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> bytes:
    packet = scope.packet
    manifest = {
        "format": FORMAT,
        "packet_id": packet.pk,
        "generated_at": scope.generated_at.isoformat(timespec="seconds"),
        "requested_by": packet.requested_by.get_username() if packet.requested_by else None,
        "requested_at": packet.requested_at.isoformat(timespec="seconds"),
        "scope": scope.as_manifest(),
        "catalog_version": scope.catalog_version,
        "product_version": scope.product_version,
        "signature": {"algorithm": "ed25519", "file": verify.SIGNATURE, "encoding": "base64"},
        "public_key": public_key,
        "files": files,
    }
    if manual_evidence is not None:
        manifest["manual_evidence"] = manual_evidence
    manifest.update(extra or {})
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


@dataclass
class _Build:
    """What the per-control step of a build shares: the archive, reports and the draw."""

    scope: PacketScope
    archive: PacketZipWriter
    html: HtmlReport
    pdf: PdfReport
    runs_by_date: dict[dt.date, list[SampleRun]]
    days: list[population_selectors.TestedDay]
    deviations: population.DeviationContext
    samples: list[population.ControlSample] = field(default_factory=list)
    written: set[str] = field(default_factory=set)

    def control(self, packet_control: PacketControl) -> None:
        archive, html, scope, packet = self.archive, self.html, self.scope, self.scope.packet
        with archive.entry(f"{packet_control.folder}/daily_status.csv") as sink:
            timelines = _write_daily_status(sink, scope, packet_control)
        control_context = _control_context(scope, packet_control, timelines)
        html.control_head(control_context)
        with archive.entry(f"{packet_control.folder}/results.csv") as sink:
            outcome, new_evidence = _write_results(
                sink, html, packet_control, self.runs_by_date, self.written
            )
        _write_evidence(archive, new_evidence, self.written)
        sample = population.control_population_write(
            archive, packet_control, days=self.days, accounts=scope.accounts,
            period=(packet.period_start, packet.period_end), sampling_config=packet.sampling,
            context=self.deviations,
        )  # fmt: skip
        self.samples.append(sample)
        cited = [sha for sha in sample.evidence if sha not in self.written]
        _write_evidence(archive, cited, self.written)
        sample.evidence.clear()
        html.control_samples({**control_context, "sample": sample})
        html.control_tail()
        self.pdf.control({**control_context, "outcome": outcome, "sample": sample})


def _summary(samples: list[population.ControlSample], exceptions: int) -> dict[str, Any]:
    tested = [sample for sample in samples if sample.items]
    return {
        "controls": len(samples),
        "tested": len(tested),
        "passing": sum(1 for sample in tested if not sample.deviations_total),
        "with_deviations": sum(1 for sample in tested if sample.deviations_total),
        "deviations": sum(sample.deviations_total for sample in samples),
        "excepted": sum(item.excepted for sample in samples for item in sample.items),
        "exceptions": exceptions,
        "samples": samples,
    }


def packet_zip_write(
    scope: PacketScope, destination: Path, *, key: SigningKey, progress: Progress
) -> None:
    """Write the whole packet to ``destination``: entries, report, manifest, signature."""
    public_key = signing.public_key_b64(key)
    packet = scope.packet
    controls = selectors.packet_controls(packet.framework_id)
    context = _report_context(scope, public_key)
    every = max(1, len(controls) // 20)
    with (
        tempfile.TemporaryDirectory(prefix="packet-") as tmp,
        PacketZipWriter(destination, timestamp=scope.generated_at) as archive,
    ):
        build = _Build(
            scope, archive, HtmlReport(Path(tmp)), PdfReport(Path(tmp)),
            selectors.sample_runs(scope.accounts, scope.sample_dates),
            population_selectors.tested_days(
                account_ids=[account.pk for account in scope.accounts],
                start=packet.period_start, end=packet.period_end,
            ),
            population.DeviationContext(scope.accounts),
        )  # fmt: skip
        context["warnings"] = population.sample_date_warnings(build.runs_by_date)
        build.pdf.cover(context)
        for index, packet_control in enumerate(controls):
            build.control(packet_control)
            if (index + 1) % every == 0:
                progress(
                    0.9 * (index + 1) / len(controls),
                    f"{index + 1} of {len(controls)} controls written",
                )
        with archive.entry("exceptions.csv") as sink:
            exceptions = sink.csv_rows(
                exception_rows(start=packet.period_start, end=packet.period_end)
            )
        manual_evidence = manual_evidence_write(
            archive, framework_id=packet.framework_id, start=packet.period_start,
            end=packet.period_end,
        )  # fmt: skip
        context["summary"] = _summary(build.samples, exceptions - 1)
        with archive.entry("oscal/assessment-results.json") as sink:
            sink.write(oscal.assessment_results_json(scope, build.samples, context))
        archive.add_file("report.html", build.html.finish(context))
        progress(0.95, "finishing report.pdf")
        archive.add_file("report.pdf", build.pdf.finish(Path(tmp) / "report.pdf", context))
        archive.add_bytes("README.txt", report.readme_text(context))
        archive.add_file("tools/verify.py", Path(verify.__file__))
        extra = {
            "sampling": population.sampling_manifest(packet.sampling, build.samples),
            "warnings": context["warnings"],
        }
        manifest = manifest_bytes(scope, archive.files, public_key, manual_evidence, extra)
        archive.add_bytes(verify.MANIFEST, manifest, listed=False)
        archive.add_bytes(verify.SIGNATURE, signing.manifest_sign(manifest, key), listed=False)
