"""Benchmark: a year of daily collections for 20 accounts x 300 resources x 45 checks.

Fills a PostgreSQL database through the real models (bulk inserts; raw results by COPY), then
prints storage per run with and without content-addressed dedup, and the time to update the
control status rollup after one run. Prints figures; asserts nothing.

    createdb -h 127.0.0.1 -U postgres bench_history
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_history \\
        DJANGO_SETTINGS_MODULE=grc.settings.base python bench/history.py

Every run of the year gets its run row, rollup rows and the evidence documents its changes add.
Raw result rows (13,500 per run) are written for the last ``--result-days`` days only (the
default keeps the database near 3 GB); bytes per run are measured on those and hold for any day.
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
from django.utils import timezone

from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    EvidenceDocument,
    Resource,
)
from evidence.collection.services.ingest import canonical_json
from evidence.posture.models import ControlStatusDaily, PostureDaily
from evidence.posture.services.rollup import control_status_rollup_update
from grc.catalog.loader import catalog_load
from grc.catalog.models import Control, ControlCheck

STATUSES = ["PASS"] * 7 + ["FAIL"] * 2 + ["NOT_APPLICABLE"]


def table_bytes(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size(%s)", [model._meta.db_table])
        return cursor.fetchone()[0]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--resources", type=int, default=300)
    parser.add_argument("--checks", type=int, default=45)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--result-days", type=int, default=14)
    parser.add_argument(
        "--change-rate",
        type=float,
        default=0.01,
        help="share of (resource, check) documents that change per day",
    )
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/history.py measures PostgreSQL storage: set DATABASE_URL to Postgres.")
    rng = random.Random(7)
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    catalog_load()
    checks = sorted(set(ControlCheck.objects.values_list("check_id", flat=True)))[: args.checks]
    today = timezone.localdate()
    first_day = today - dt.timedelta(days=args.days - 1)

    accounts = AwsAccount.objects.bulk_create(
        AwsAccount(
            account_id=f"{100000000000 + n}",
            name=f"bench {n}",
            external_id="x",
            role_arn=f"arn:aws:iam::{100000000000 + n}:role/r",
        )
        for n in range(args.accounts)
    )
    resources = {
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
        for i, account in enumerate(accounts)
    }
    print(
        f"catalog, {args.accounts} accounts, {args.accounts * args.resources} resources "
        f"in {time.perf_counter() - started:.1f}s"
    )

    # Evidence: every (account, resource, check) starts with one document; each day a share
    # of them changes and adds a new version. current[(account, resource, check)] -> doc id.
    current: dict[tuple[int, int, str], int] = {}
    versions: dict[tuple[int, int, str], int] = {}
    doc_bytes_total = 0

    def store(keys: list[tuple[int, int, str]]) -> None:
        nonlocal doc_bytes_total
        rows = []
        for key in keys:
            versions[key] = versions.get(key, -1) + 1
            content = document(key[0], key[1], key[2], versions[key])
            data = canonical_json(content)
            doc_bytes_total += len(data)
            rows.append(
                EvidenceDocument(
                    sha256=hashlib.sha256(data).hexdigest(), content=content, size=len(data)
                )
            )
        created = EvidenceDocument.objects.bulk_create(rows, batch_size=2000)
        for key, row in zip(keys, created, strict=True):
            current[key] = row.pk

    all_keys = [(a.pk, r, c) for a in accounts for r in range(args.resources) for c in checks]
    fill = time.perf_counter()
    store(all_keys)
    controls = list(Control.objects.values_list("pk", flat=True))
    result_from = today - dt.timedelta(days=args.result_days - 1)
    runs_with_results = 0
    for offset in range(args.days):
        day = first_day + dt.timedelta(days=offset)
        if offset:
            store(rng.sample(all_keys, int(len(all_keys) * args.change_rate)))
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(3)))
        runs = CollectionRun.objects.bulk_create(
            CollectionRun(
                account=a,
                trigger="schedule",
                status="succeeded",
                started_at=at,
                finished_at=at,
                units_total=1,
                units_done=1,
            )
            for a in accounts
        )
        CollectionRun.objects.filter(pk__in=[r.pk for r in runs]).update(created_at=at)
        ControlStatusDaily.objects.bulk_create(
            (
                ControlStatusDaily(
                    account=a,
                    control_id=c,
                    day=day,
                    run=run,
                    status=rng.choice(["pass", "pass", "fail", "partial"]),
                )
                for a, run in zip(accounts, runs, strict=True)
                for c in controls
            ),
            batch_size=5000,
        )
        PostureDaily.objects.bulk_create(
            PostureDaily(account=a, day=day, passing=len(controls) // 2) for a in accounts
        )
        if day >= result_from:
            units = CollectionUnit.objects.bulk_create(
                CollectionUnit(run=run, service="bench", region="global", status="done")
                for run in runs
            )
            for account, run, unit in zip(accounts, runs, units, strict=True):
                copy_rows(
                    CheckResult,
                    [
                        "run_id",
                        "unit_id",
                        "account_id",
                        "resource_id",
                        "check_id",
                        "check_version",
                        "region",
                        "status",
                        "reason",
                        "evidence_id",
                        "collected_at",
                    ],
                    (
                        (
                            run.pk,
                            unit.pk,
                            account.pk,
                            resource.pk,
                            check,
                            "1",
                            "global",
                            rng.choice(STATUSES),
                            f"{check} evaluated on {resource.arn}",
                            current[(account.pk, r, check)],
                            at.isoformat(),
                        )
                        for r, resource in enumerate(resources[account.pk])
                        for check in checks
                    ),
                )
                runs_with_results += 1
        if offset % 30 == 0:
            print(f"  day {offset + 1}/{args.days} ({time.perf_counter() - fill:.0f}s)")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"filled in {time.perf_counter() - fill:.0f}s")

    results_per_run = args.resources * args.checks
    result_bytes = table_bytes(CheckResult) / max(runs_with_results, 1)
    documents = EvidenceDocument.objects.count()
    doc_row_bytes = table_bytes(EvidenceDocument) / documents
    total_runs = args.accounts * args.days
    dedup_doc_bytes_per_run = table_bytes(EvidenceDocument) / total_runs
    print()
    print(
        f"runs: {total_runs} ({args.days} days x {args.accounts} accounts), "
        f"{results_per_run} results per run, raw results kept for {runs_with_results} runs"
    )
    print(
        f"evidence documents stored: {documents:,} "
        f"(vs {total_runs * results_per_run:,} results citing them)"
    )
    print(f"bytes per result row (with indexes): {result_bytes / results_per_run:,.0f}")
    print(f"bytes per evidence document row (with TOAST and index): {doc_row_bytes:,.0f}")
    with_dedup = result_bytes + dedup_doc_bytes_per_run
    without_dedup = result_bytes + results_per_run * doc_row_bytes
    print(
        f"storage per run WITH dedup:    {with_dedup / 1e6:,.2f} MB (results "
        f"{result_bytes / 1e6:,.2f} MB + new documents {dedup_doc_bytes_per_run / 1e6:,.2f} MB)"
    )
    print(f"storage per run WITHOUT dedup: {without_dedup / 1e6:,.2f} MB (a document per result)")
    print(
        f"year, all accounts, with dedup: {with_dedup * total_runs / 1e9:,.1f} GB; "
        f"without: {without_dedup * total_runs / 1e9:,.1f} GB"
    )

    latest = CollectionRun.objects.filter(account=accounts[0], units_done=1).latest("created_at")
    timings = []
    for _ in range(5):
        latest.finished_at = timezone.now()
        begin = time.perf_counter()
        control_status_rollup_update(run_id=latest.pk)
        timings.append(time.perf_counter() - begin)
    print(
        f"rollup update after one run ({results_per_run} results, {len(controls)} controls, "
        f"a year of history): p50 {statistics.median(timings) * 1000:.0f} ms, "
        f"max {max(timings) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
