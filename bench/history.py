"""Benchmark: a year of daily collections for 20 accounts x 300 resources x 45 checks.

Fills a PostgreSQL database with what collection writes (bulk inserts and COPY through the real
tables): every day a run per account with its units and rollup rows; results as spans, written
once and ended when they change (a share of them, ``--change-rate``, changes each day), and the
evidence documents the changes add. Then prints bytes per run for an unchanged day and an
average day, against a row per result measured the same way on a sample of runs (the schema
before spans, in a scratch table), and times the reads that ask for one run's results.
Prints figures; asserts nothing.

    createdb -h 127.0.0.1 -U postgres bench_history
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_history \\
        DJANGO_SETTINGS_MODULE=grc.settings.base python bench/history.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc.settings.base")

import django

django.setup()

from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.models import Count
from django.utils import timezone

from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    EvidenceDocument,
    Resource,
)
from evidence.collection.selectors.results import results_in_run
from evidence.collection.services.ingest import canonical_json
from evidence.packets.selectors.packets import sample_results
from evidence.posture.models import ControlStatusDaily, PostureDaily
from evidence.posture.selectors.findings import FindingFilters, findings_queryset
from evidence.posture.services.rollup import control_status_rollup_update
from grc.catalog.loader import catalog_load
from grc.catalog.models import Control, ControlCheck

STATUSES = ["PASS"] * 7 + ["FAIL"] * 2 + ["NOT_APPLICABLE"]


def document(account: int, resource: int, check: str, version: int) -> dict:
    """A configuration document shaped like a real S3/EC2 read (~700 bytes of JSON)."""
    name = f"acct{account}-resource-{resource:04d}"
    return {
        "configuration": {
            "Name": name,
            "Arn": f"arn:aws:s3:::{name}",
            "Check": check,
            "Encryption": {
                "Rules": [
                    {
                        "ApplyServerSideEncryptionByDefault": {
                            "SSEAlgorithm": "aws:kms",
                            "KMSMasterKeyID": f"key/{account:012d}-{resource:08d}",
                        }
                    }
                ]
            },
            "Versioning": {"Status": "Enabled" if version % 2 == 0 else "Suspended"},
            "PublicAccessBlock": {
                key: True
                for key in (
                    "BlockPublicAcls",
                    "IgnorePublicAcls",
                    "BlockPublicPolicy",
                    "RestrictPublicBuckets",
                )
            },
            "Tags": [{"Key": "team", "Value": "platform"}, {"Key": "env", "Value": "prod"}],
            "ConfigVersion": version,
        },
        "sources": [
            {"service": "s3", "operation": "GetBucketEncryption", "params": {"Bucket": name}},
            {"service": "s3", "operation": "GetBucketVersioning", "params": {"Bucket": name}},
        ],
    }


def copy_rows(model, columns: list[str], rows) -> None:
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(str(value) for value in row) + "\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {model._meta.db_table} ({', '.join(columns)}) FROM STDIN", buffer
        )


SPAN_COLUMNS = [
    "run_id", "unit_id", "account_id", "resource_id", "check_id", "check_version", "region",
    "status", "reason", "evidence_id", "collected_at", "service", "unit_region",
]  # fmt: skip
OLD_COLUMNS = SPAN_COLUMNS[:-2]
OLD_TABLE = "bench_rowperresult"
TABLES = {
    "results": CheckResult,
    "runs": CollectionRun,
    "units": CollectionUnit,
    "control rollups": ControlStatusDaily,
    "posture rollups": PostureDaily,
    "documents": EvidenceDocument,
}


def old_result_model():
    """CheckResult as it was before spans (a row per result), on a scratch table of its own."""
    state = MigrationLoader(connection).project_state(("collection", "0004_hardening"))
    model = state.apps.get_model("collection", "CheckResult")
    model._meta.db_table = OLD_TABLE
    for number, index in enumerate(model._meta.indexes):
        index.name = f"bench_old_idx_{number}"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {OLD_TABLE}")  # nosec B608 (a constant)
    with connection.schema_editor() as editor:
        editor.create_model(model)
    return model


class Fill:
    """What a year of collections writes, day by day, for the bench accounts."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.rng = random.Random(7)
        self.checks = sorted(set(ControlCheck.objects.values_list("check_id", flat=True)))[
            : args.checks
        ]
        # Each check belongs to one unit scope, as each collector service does.
        self.scope = {c: (f"svc{i % args.units:02d}", "global") for i, c in enumerate(self.checks)}
        self.scopes = sorted(set(self.scope.values()))
        self.controls = list(Control.objects.values_list("pk", flat=True))
        self.accounts = AwsAccount.objects.bulk_create(
            AwsAccount(
                account_id=f"{100000000000 + n}",
                name=f"bench {n}",
                external_id="x",
                role_arn=f"arn:aws:iam::{100000000000 + n}:role/r",
            )
            for n in range(args.accounts)
        )
        self.resources = {
            account.pk: Resource.objects.bulk_create(
                Resource(
                    account=account,
                    arn=f"arn:aws:s3:::acct{i}-resource-{r:04d}",
                    resource_type="AWS::S3::Bucket",
                    region="global",
                    service="s3",
                )
                for r in range(args.resources)
            )
            for i, account in enumerate(self.accounts)
        }
        self.keys = [
            (a.pk, r, c) for a in self.accounts for r in range(args.resources) for c in self.checks
        ]
        self.document: dict[tuple[int, int, str], int] = {}  # key -> current evidence id
        self.status: dict[tuple[int, int, str], str] = {}  # key -> current verdict
        self.span: dict[tuple[int, int, str], int] = {}  # key -> current span id
        self.versions: dict[tuple[int, int, str], int] = {}
        self.index = {
            res.pk: r for resources in self.resources.values() for r, res in enumerate(resources)
        }  # resource id -> its number in the account

    def documents_store(self, keys: list[tuple[int, int, str]]) -> None:
        rows = []
        for key in keys:
            self.versions[key] = self.versions.get(key, -1) + 1
            content = document(key[0], key[1], key[2], self.versions[key])
            data = canonical_json(content)
            rows.append(
                EvidenceDocument(
                    sha256=hashlib.sha256(data).hexdigest(), content=content, size=len(data)
                )
            )
        created = EvidenceDocument.objects.bulk_create(rows, batch_size=2000)
        for key, row in zip(keys, created, strict=True):
            self.document[key] = row.pk
            self.status[key] = self.rng.choice(STATUSES)

    def day(self, day: dt.date, changed: list[tuple[int, int, str]]) -> list[CollectionRun]:
        """One day's collections: runs, units, the changed results as spans, rollups."""
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(3)))
        runs = CollectionRun.objects.bulk_create(
            CollectionRun(
                account=a,
                trigger="schedule",
                status="succeeded",
                started_at=at,
                finished_at=at,
                units_total=len(self.scopes),
                units_done=len(self.scopes),
            )
            for a in self.accounts
        )
        CollectionRun.objects.filter(pk__in=[r.pk for r in runs]).update(created_at=at)
        units = CollectionUnit.objects.bulk_create(
            CollectionUnit(run=run, service=service, region=region, status="done", finished_at=at)
            for run in runs
            for service, region in self.scopes
        )
        unit_of = {(u.run_id, u.service, u.region): u.pk for u in units}
        run_of = {run.account_id: run for run in runs}
        if changed:
            self.documents_store(changed)
            by_run: dict[int, list[int]] = {}
            for key in changed:
                if key in self.span:
                    by_run.setdefault(run_of[key[0]].pk, []).append(self.span[key])
            for run_id, span_ids in by_run.items():
                CheckResult.objects.filter(pk__in=span_ids).update(ended_run_id=run_id)
            self.spans_copy(changed, run_of, unit_of, at)
        self.rollups(day, runs)
        return runs

    def span_row(self, key, run_id: int, unit_id: int, at: dt.datetime) -> tuple:
        account, r, check = key
        resource = self.resources[account][r]
        return (
            run_id, unit_id, account, resource.pk, check, "1", "global", self.status[key],
            f"{check} evaluated on {resource.arn}", self.document[key], at.isoformat(),
        )  # fmt: skip

    def spans_copy(self, keys, run_of, unit_of, at: dt.datetime) -> None:
        rows = []
        for key in keys:
            run_id = run_of[key[0]].pk
            service, region = self.scope[key[2]]
            unit_id = unit_of[(run_id, service, region)]
            rows.append((*self.span_row(key, run_id, unit_id, at), service, region))
        copy_rows(CheckResult, SPAN_COLUMNS, rows)
        run_ids = sorted({row[0] for row in rows})
        for pk, account, resource_id, check in CheckResult.objects.filter(
            run_id__in=run_ids
        ).values_list("pk", "account_id", "resource_id", "check_id"):
            self.span[(account, self.index[resource_id], check)] = pk

    def rollups(self, day: dt.date, runs: list[CollectionRun]) -> None:
        ControlStatusDaily.objects.bulk_create(
            (
                ControlStatusDaily(
                    account=a,
                    control_id=c,
                    day=day,
                    run=run,
                    status=self.rng.choice(["pass", "pass", "fail", "partial"]),
                )
                for a, run in zip(self.accounts, runs, strict=True)
                for c in self.controls
            ),
            batch_size=5000,
        )
        PostureDaily.objects.bulk_create(
            PostureDaily(account=a, day=day, passing=len(self.controls) // 2) for a in self.accounts
        )

    def old_rows(self, model, runs: list[CollectionRun], day: dt.date) -> None:
        """What a row per result wrote for these runs: every result, every day."""
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(3)))
        units = dict(
            ((u.run_id, u.service), u.pk)
            for u in CollectionUnit.objects.filter(run__in=runs).only("run_id", "service")
        )
        for run in runs:
            keys = [k for k in self.keys if k[0] == run.account_id]
            copy_rows(
                model,
                OLD_COLUMNS,
                (
                    self.span_row(key, run.pk, units[(run.pk, self.scope[key[2]][0])], at)
                    for key in keys
                ),
            )


def table_sizes() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        sizes = {}
        for name, model in TABLES.items():
            cursor.execute("SELECT pg_total_relation_size(%s)", [model._meta.db_table])
            sizes[name] = cursor.fetchone()[0]
    return sizes


def delta(after: dict[str, int], before: dict[str, int], runs: int) -> dict[str, float]:
    return {name: (after[name] - before[name]) / runs for name in after}


def mb(value: float) -> str:
    return f"{value / 1e6:,.3f} MB"


def main() -> None:
    args = arguments()
    if connection.vendor != "postgresql":
        sys.exit("bench/history.py measures PostgreSQL storage: set DATABASE_URL to Postgres.")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    catalog_load()
    fill = Fill(args)
    old_model = old_result_model()
    print(
        f"catalog, {args.accounts} accounts, {len(fill.keys):,} results per day "
        f"({args.resources} resources x {len(fill.checks)} checks), {len(fill.scopes)} units "
        f"per run, in {time.perf_counter() - started:.1f}s"
    )
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=args.days - 1)
    sample_from = today - dt.timedelta(days=args.result_days - 1)
    begin = time.perf_counter()
    runs = fill.day(first_day, fill.keys)
    after_first = table_sizes()
    sampled_runs = 0
    for offset in range(1, args.days):
        day = first_day + dt.timedelta(days=offset)
        changed = fill.rng.sample(fill.keys, int(len(fill.keys) * args.change_rate))
        unchanged = day == today
        if unchanged:
            before_unchanged = table_sizes()
            changed = []
        runs = fill.day(day, changed)
        if unchanged:
            after_unchanged = table_sizes()
        if day >= sample_from:
            fill.old_rows(old_model, runs, day)
            sampled_runs += len(runs)
        if offset % 30 == 0:
            print(f"  day {offset + 1}/{args.days} ({time.perf_counter() - begin:.0f}s)")
    print(f"filled in {time.perf_counter() - begin:.0f}s")
    report_storage(args, fill, after_first, before_unchanged, after_unchanged, sampled_runs)
    report_reads(fill, old_model, runs)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--resources", type=int, default=300)
    parser.add_argument("--checks", type=int, default=45)
    parser.add_argument("--units", type=int, default=24, help="units (scopes) per run")
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--result-days", type=int, default=7, help="days sampled for the row-per-result figure"
    )
    parser.add_argument(
        "--change-rate",
        type=float,
        default=0.01,
        help="share of (resource, check) results whose evidence changes per day",
    )
    return parser.parse_args()


def report_storage(args, fill, after_first, before_unchanged, after_unchanged, sampled) -> None:
    accounts = len(fill.accounts)
    total_runs = accounts * args.days
    now = table_sizes()
    unchanged = delta(after_unchanged, before_unchanged, accounts)
    average = delta(now, after_first, accounts * (args.days - 1))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [OLD_TABLE])
        old_results = cursor.fetchone()[0] / max(sampled, 1)
    old_unchanged = old_results + sum(v for k, v in unchanged.items() if k != "results")
    print()
    print(
        f"runs: {total_runs:,} ({args.days} days x {accounts} accounts), "
        f"{len(fill.keys) // accounts:,} results per run, "
        f"{args.change_rate:.1%} changing per day"
    )
    print(
        f"result rows stored: {CheckResult.objects.count():,} spans for "
        f"{total_runs * len(fill.keys) // accounts:,} results observed; "
        f"evidence documents: {EvidenceDocument.objects.count():,}"
    )
    print("bytes per run, an unchanged day:  " + per_table(unchanged))
    print("bytes per run, an average day:    " + per_table(average))
    print(
        f"row per result (measured on {sampled} runs): results {mb(old_results)} per run; "
        f"an unchanged day {mb(old_unchanged)} per run with the same run, unit and rollup rows"
    )
    new_unchanged, new_average = sum(unchanged.values()), sum(average.values())
    print(
        f"unchanged day: {mb(new_unchanged)} against {mb(old_unchanged)}: "
        f"{old_unchanged / new_unchanged:,.1f}x smaller"
    )
    old_average = old_unchanged + average["documents"]
    print(
        f"average day ({args.change_rate:.0%} change): {mb(new_average)} against "
        f"{mb(old_average)}: {old_average / new_average:,.1f}x smaller; all runs "
        f"{new_average * total_runs / 1e9:,.2f} GB against {old_average * total_runs / 1e9:,.1f} GB"
    )


def per_table(sizes: dict[str, float]) -> str:
    parts = ", ".join(f"{name} {value / 1e3:,.1f} kB" for name, value in sizes.items())
    return f"{mb(sum(sizes.values()))} ({parts})"


def timed(label: str, read, repeat: int = 7) -> float:
    timings = []
    for _ in range(repeat):
        begin = time.perf_counter()
        read()
        timings.append(time.perf_counter() - begin)
    median = statistics.median(timings) * 1000
    print(f"  {label}: p50 {median:,.1f} ms, max {max(timings) * 1000:,.1f} ms")
    return median


def report_reads(fill: Fill, old_model, runs: list[CollectionRun]) -> None:
    """The reads that ask for one run's results, on spans and on a row per result."""
    run = runs[0]
    run_ids = [r.pk for r in runs]
    checks = fill.checks[:5]
    print("\nreads (spans | row per result, the same query shape on the scratch table):")
    timed("results of one run, per check and status (the rollup's read)", lambda: list(
        results_in_run(run.pk).values("check_id", "status").annotate(n=Count("id")).order_by()
    ))  # fmt: skip
    timed("  row per result", lambda: list(
        old_model.objects.filter(run_id=run.pk).values("check_id", "status")
        .annotate(n=Count("id")).order_by()
    ))  # fmt: skip
    filters = FindingFilters(account_ids=[a.pk for a in fill.accounts])
    timed("findings, first page (latest run of every account)", lambda: list(
        findings_queryset(filters)[:50]
    ))  # fmt: skip
    timed("  row per result", lambda: list(
        old_model.objects.filter(run_id__in=run_ids, status="FAIL")
        .select_related("account", "resource").order_by("check_id", "id")[:50]
    ))  # fmt: skip
    timed("packet sample, 5 checks of one day's runs", lambda: list(
        sample_results(run_ids=run_ids, check_ids=checks)
    ))  # fmt: skip
    timed("  row per result", lambda: list(
        old_model.objects.filter(run_id__in=run_ids, check_id__in=checks)
        .order_by("account__account_id", "resource__arn", "check_id", "pk")
        .values_list("collected_at", "account__account_id", "region", "resource__arn",
                     "check_id", "status", "reason", "evidence__sha256")
    ))  # fmt: skip
    timed("rollup update after one run", lambda: control_status_rollup_update(run_id=run.pk), 5)


if __name__ == "__main__":
    main()
