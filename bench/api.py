"""Latency of /api/v1/check-results/ (cursor-paginated) and /api/v1/findings/ over 1M results.

    psql -h 127.0.0.1 -U postgres -c 'create database bench_api'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_api .venv/bin/python bench/api.py
        [--rows 1000000] [--repeat 25] [--pages 5] [--reload] [--explain]

Migrates the database, then (unless it already holds the rows) loads 20 accounts x 300
resources x ~45 checks with COPY into the real tables: daily runs, one timestamp per collection
unit (service x region), statuses mostly stable per (resource, check) with some flapping
(~70% PASS, ~20% FAIL, ~3% ERROR, ~7% NOT_APPLICABLE). Then sends requests through Django's test
client with an API key and prints p50/p95 per scenario. Asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc.settings.base")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ["GRC_API_RATE_PER_KEY"] = "1000000/minute"  # measure the query, not the throttle

import django

django.setup()

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    Resource,
)
from grc.access.roles import Role
from grc.access.services.apikeys import api_key_create

ACCOUNTS = 20
RESOURCES_PER_ACCOUNT = 300
REGIONS = ["us-east-1", "eu-west-1", "eu-central-1"]
# 10 services, 45 checks in all
SERVICES = {
    "s3": 7, "iam": 8, "ec2": 6, "rds": 5, "cloudtrail": 4,
    "kms": 3, "elbv2": 3, "efs": 2, "ssm": 3, "cloudwatch": 4,
}  # fmt: skip
STATUS_WEIGHTS = [("PASS", 0.70), ("FAIL", 0.20), ("ERROR", 0.03), ("NOT_APPLICABLE", 0.07)]
FLIP = 0.02  # chance a (resource, check) differs from its usual status in a run
START = dt.datetime(2026, 1, 1, 2, 0, tzinfo=dt.UTC)


def _checks() -> dict[str, list[str]]:
    return {
        service: [f"{service}_check_{i:02d}" for i in range(n)] for service, n in SERVICES.items()
    }


def load(rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    checks = _checks()
    accounts = AwsAccount.objects.bulk_create(
        AwsAccount(
            account_id=f"{100000000000 + i:012d}",
            name=f"Account {i:02d}",
            role_arn=f"arn:aws:iam::{100000000000 + i:012d}:role/GrcEvidenceReader",
            external_id=f"bench-{i}",
            regions=REGIONS,
        )
        for i in range(ACCOUNTS)
    )
    services = list(SERVICES)
    resources: list[Resource] = []
    for account in accounts:
        for r in range(RESOURCES_PER_ACCOUNT):
            service = services[r % len(services)]
            region = "global" if service == "iam" else REGIONS[r % len(REGIONS)]
            resources.append(
                Resource(
                    account=account,
                    arn=f"arn:aws:{service}:{region}:{account.account_id}:resource/r{r:04d}",
                    resource_type=f"AWS::{service.upper()}::Thing",
                    region=region,
                    service=service,
                )
            )
    resources = Resource.objects.bulk_create(resources, batch_size=2000)
    by_account: dict[int, list[Resource]] = {}
    for resource in resources:
        by_account.setdefault(resource.account_id, []).append(resource)
    usual = {
        (resource.pk, check): rng.choices(
            [s for s, _ in STATUS_WEIGHTS], [w for _, w in STATUS_WEIGHTS]
        )[0]
        for resource in resources
        for check in checks[resource.service]
    }
    per_run = sum(len(checks[r.service]) for r in by_account[accounts[0].pk])
    runs_per_account = -(-rows // (per_run * ACCOUNTS))
    print(
        f"loading {rows:,} results: {ACCOUNTS} accounts x {runs_per_account} daily runs x "
        f"{per_run:,} results per run"
    )
    written = 0
    started = time.perf_counter()
    for day in range(runs_per_account):
        if written >= rows:
            break
        run_at = START + dt.timedelta(days=day)
        runs = CollectionRun.objects.bulk_create(
            CollectionRun(
                account=account,
                trigger="schedule",
                status="succeeded",
                started_at=run_at,
                finished_at=run_at + dt.timedelta(minutes=5),
                regions=REGIONS,
            )
            for account in accounts
        )
        units = CollectionUnit.objects.bulk_create(
            CollectionUnit(
                run=run, service=service, region=region, status="done", finished_at=run_at
            )
            for run in runs
            for service in services
            for region in [*REGIONS, "global"]
        )
        unit_of = {(u.run_id, u.service, u.region): u.pk for u in units}
        buffer = io.StringIO()
        for run, account in zip(runs, accounts, strict=True):
            for resource in by_account[account.pk]:
                unit_id = unit_of[(run.pk, resource.service, resource.region)]
                # One timestamp per unit, as the collector stores them.
                region_slot = REGIONS.index(resource.region) if resource.region in REGIONS else 3
                offset = services.index(resource.service) * 20 + region_slot
                collected_at = (run_at + dt.timedelta(seconds=offset)).isoformat()
                for check in checks[resource.service]:
                    if written >= rows:
                        break
                    status = usual[(resource.pk, check)]
                    if rng.random() < FLIP:
                        status = "FAIL" if status == "PASS" else "PASS"
                    buffer.write(
                        f"{run.pk}\t{unit_id}\t{account.pk}\t{resource.pk}\t{check}\t1\t"
                        f"{resource.region}\t{status}\t{check} is {status}\t\\N\t{collected_at}\t"
                        f"{resource.service}\t{resource.region}\n"
                    )
                    written += 1
        buffer.seek(0)
        # Every row is its run's own result (one-run spans, as the store's migration leaves a row
        # per result): the account's previous rows end at this run.
        for run in runs:
            CheckResult.objects.filter(
                account_id=run.account_id, ended_run__isnull=True, run_id__lt=run.pk
            ).update(ended_run=run)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                "COPY evidence_checkresult (run_id, unit_id, account_id, resource_id, check_id, "
                "check_version, region, status, reason, evidence_id, collected_at, service, "
                "unit_region) FROM STDIN",
                buffer,
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"loaded {written:,} rows in {time.perf_counter() - started:.1f} s")


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def measure(
    client: Client,
    name: str,
    queries: list[dict[str, str]],
    pages: int = 1,
    path: str = "/api/v1/check-results/",
) -> None:
    """Per query: the first page, then follow `next` for ``pages - 1`` more."""
    first: list[float] = []
    deeper: list[float] = []
    rows = 0
    for params in queries:
        url = path + "?" + urlencode(params)
        for page in range(pages):
            started = time.perf_counter()
            response = client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{name}: HTTP {response.status_code} {response.content[:300]!r}")
            (first if page == 0 else deeper).append(elapsed)
            body = response.json()
            rows += len(body["results"])
            url = body["next"]
            if not url:
                break
    line = (
        f"{name:<44} n={len(first):>3}  first page p50 {statistics.median(first):6.1f} ms"
        f"  p95 {percentile(first, 0.95):6.1f} ms"
    )
    if deeper:
        line += (
            f" | next pages n={len(deeper):>3} p50 {statistics.median(deeper):6.1f} ms"
            f"  p95 {percentile(deeper, 0.95):6.1f} ms"
        )
    print(line + f"  ({rows / max(1, len(first) + len(deeper)):.0f} rows/page)")


def explain(params: dict[str, str]) -> None:
    from evidence.collection.api.filters import CheckResultFilter
    from evidence.collection.api.views import CheckResultViewSet

    queryset = CheckResultFilter(params, queryset=CheckResultViewSet.queryset).qs
    queryset = queryset.order_by("-collected_at", "-id")[:101]
    print(f"\nEXPLAIN ANALYZE {params}:")
    print(queryset.explain(analyze=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=25, help="requests per scenario")
    parser.add_argument("--pages", type=int, default=5, help="pages followed per cursor query")
    parser.add_argument("--reload", action="store_true", help="delete and reload the rows")
    parser.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE plans")
    args = parser.parse_args()
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise SystemExit("Set DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_api")

    call_command("migrate", verbosity=0)
    if args.reload:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE evidence_checkresult, evidence_collectionunit, evidence_resource, "
                "evidence_collectionrun, evidence_awsaccount, evidence_apikey CASCADE"
            )
    existing = CheckResult.objects.count()
    if existing < args.rows:
        if existing:
            raise SystemExit(f"{existing:,} rows present; run with --reload")
        load(args.rows)
    else:
        print(f"using the {existing:,} rows already loaded")

    user, _ = get_user_model().objects.get_or_create(username="bench-manager")
    user.groups.add(Group.objects.get(name=Role.MANAGER.value))
    _, plaintext = api_key_create(name="bench", owner=user, read_only=True)
    client = Client(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    rng = random.Random(11)
    account_ids = list(AwsAccount.objects.values_list("account_id", flat=True))
    all_checks = [check for checks in _checks().values() for check in checks]
    latest = CheckResult.objects.order_by("-collected_at").values_list("collected_at", flat=True)[0]

    def some(make) -> list[dict[str, str]]:
        return [make() for _ in range(args.repeat)]

    def week() -> dict[str, str]:
        end = latest - dt.timedelta(days=rng.randrange(0, 30))
        return {
            "collected_after": (end - dt.timedelta(days=7)).isoformat(),
            "collected_before": end.isoformat(),
        }

    print(
        f"\n{CheckResult.objects.count():,} check results; {args.repeat} requests per scenario, "
        f"following `next` {args.pages - 1} more pages where marked; page size 100\n"
    )
    client.get("/api/v1/check-results/?page_size=1")  # warm up (imports, connection)
    measure(
        client,
        "status=FAIL&account=A (+next pages)",
        some(lambda: {"status": "FAIL", "account": rng.choice(account_ids)}),
        args.pages,
    )
    measure(
        client,
        "account=A&check=C (+next pages)",
        some(lambda: {"account": rng.choice(account_ids), "check": rng.choice(all_checks)}),
        args.pages,
    )
    measure(
        client,
        "account=A&status=FAIL&<7-day range>",
        some(lambda: {"account": rng.choice(account_ids), "status": "FAIL", **week()}),
    )
    measure(
        client,
        "account=A&service=S&region=R",
        some(
            lambda: {
                "account": rng.choice(account_ids),
                "service": "s3",
                "region": rng.choice(REGIONS),
            }
        ),
    )
    measure(
        client,
        "check=C (all accounts, +next pages)",
        some(lambda: {"check": rng.choice(all_checks)}),
        args.pages,
    )
    measure(
        client,
        "status=FAIL (all accounts, +next pages)",
        some(lambda: {"status": "FAIL"}),
        args.pages,
    )
    measure(client, "no filter (+next pages)", some(lambda: {}), args.pages)
    measure(client, "<7-day range> (all accounts)", some(week))
    findings = "/api/v1/findings/"
    print("\nFindings (failing and excepted results of each account's latest run), 100 a page")
    measure(client, "findings: all accounts, by severity", some(lambda: {"page_size": "100"}),
            path=findings)  # fmt: skip
    measure(
        client,
        "findings: account=A, by age",
        some(lambda: {"account": rng.choice(account_ids), "sort": "newest", "page_size": "100"}),
        path=findings,
    )
    measure(
        client,
        "findings: search text, service=s3",
        some(lambda: {"q": "bucket", "service": "s3", "page_size": "100"}),
        path=findings,
    )
    if args.explain:
        explain({"status": "FAIL", "account": account_ids[0]})
        explain({"check": all_checks[0]})
        explain({})
    print(f"\nat {timezone.now():%Y-%m-%d %H:%M} UTC; CPU count {os.cpu_count()}")


if __name__ == "__main__":
    main()
