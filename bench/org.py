"""Collect a fake AWS Organization's accounts with 1, 2 and 4 real Celery workers; print figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scale_bench \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python bench/org.py [--accounts 200] [--regions us-east-1,eu-west-1]
        [--services s3,iam,ec2,...] [--workers 1,2,4] [--max-concurrent-units 4]

A moto server (its own process, real HTTP) holds ``--accounts`` accounts: each is reached through
an STS role ARN in its own account id (moto keeps state per assumed account) and seeded lightly
(two buckets, an IAM user, a security group and a log group per account). For each worker count
the database is flushed and the accounts registered again, that many ``celery worker
--concurrency 1`` processes are started, one run per account is started at once, and the bench
waits until every run has ended. It prints wall time, units per second, database writes per
second (pg_stat_database inserted + updated + deleted rows over the wall time) and the runs that
did not succeed; then, once the broker's queue is empty, the time and writes including the
rollups and notifications that follow each run, and the workers' peak memory. ``--services``
limits the units each run plans (the workers are started through this module, which filters
the plan; the product always collects every service). Asserts nothing.

The database is flushed: point DATABASE_URL at a database of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FIRST_ACCOUNT = 200_000_000_000
ROLE_NAME = "GrcEvidenceReader"
EXTERNAL_ID = "bench-external-id"


def _worker_plan_filter() -> None:
    """In a worker started by this bench: plan only the services of BENCH_ORG_SERVICES."""
    import collectors.runner

    wanted = set(os.environ["BENCH_ORG_SERVICES"].split(","))
    plan = collectors.runner.plan_units

    def plan_units(regions: list[str]) -> list[tuple[str, str]]:
        return [unit for unit in plan(regions) if unit[0] in wanted]

    # Before Django loads evidence.collection.services.runs, which binds the name.
    collectors.runner.plan_units = plan_units


if os.environ.get("BENCH_ORG_SERVICES"):
    _worker_plan_filter()
if os.environ.get("BENCH_ORG_WORKER"):
    from grc.celery import app  # noqa: F401  (the app `celery -A bench.org` starts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def account_ids(count: int) -> list[str]:
    return [str(FIRST_ACCOUNT + n) for n in range(count)]


def role_arn(account_id: str) -> str:
    return f"arn:aws:iam::{account_id}:role/{ROLE_NAME}"


def moto_start(logs: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=(logs / "moto.log").open("ab"),
        stderr=subprocess.STDOUT,
        env={**os.environ, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"},
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def seed_account(base: Any, account_id: str, regions: list[str]) -> None:
    """Two buckets, a user, and a security group and a log group per region, in the account.

    Clients come from one shared session with the assumed role's keys: building a session per
    account would load botocore's service models again each time.
    """
    credentials = base.client("sts").assume_role(
        RoleArn=role_arn(account_id), RoleSessionName="bench-seed", ExternalId=EXTERNAL_ID
    )["Credentials"]
    keys = {
        "aws_access_key_id": credentials["AccessKeyId"],
        "aws_secret_access_key": credentials["SecretAccessKey"],
        "aws_session_token": credentials["SessionToken"],
    }
    s3 = base.client("s3", **keys)
    for n in range(2):
        s3.create_bucket(Bucket=f"bench-{account_id}-{n}")
    base.client("iam", **keys).create_user(UserName=f"bench-user-{account_id}")
    for region in regions:
        base.client("ec2", region_name=region, **keys).create_security_group(
            GroupName="bench-web", Description="bench"
        )
        base.client("logs", region_name=region, **keys).create_log_group(logGroupName="/bench/app")


def database_prepare(ids: list[str], regions: list[str]) -> None:
    """An empty database with the catalog and the accounts registered."""
    from django.core.management import call_command

    from evidence.collection.services.accounts import account_create
    from grc.catalog.loader import catalog_load

    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    catalog_load()
    for account_id in ids:
        account_create(
            account_id=account_id,
            name=f"Member {account_id}",
            role_arn=role_arn(account_id),
            external_id=EXTERNAL_ID,
            regions=regions,
        )


def db_writes() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tup_inserted + tup_updated + tup_deleted FROM pg_stat_database "
            "WHERE datname = current_database()"
        )
        return int(cursor.fetchone()[0])


def workers_start(count: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    workers = []
    for n in range(count):
        log = logs / f"worker-{count}-{n}.log"
        workers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "bench.org",
                    "worker",
                    "--loglevel=INFO",
                    "--concurrency=1",
                    "--pool=prefork",
                    "--without-gossip",
                    "--without-mingle",
                    "-n",
                    f"bench{n}@%h",
                ],
                cwd=ROOT,
                env=env,
                stdout=log.open("ab"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        ready = sum(" ready." in path.read_text(errors="replace") for path in _logs(logs, count))
        if ready == count:
            break
        time.sleep(0.5)
    return workers


def _logs(logs: Path, count: int) -> list[Path]:
    return [logs / f"worker-{count}-{n}.log" for n in range(count)]


def broker_busy() -> bool:
    """Messages waiting in the default queue or taken by a worker and not yet acknowledged."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    queue = getattr(settings, "CELERY_TASK_DEFAULT_QUEUE", "celery")
    # kombu keeps each unacknowledged message as [message, exchange, routing key]
    unacked = (json.loads(raw)[2] for raw in client.hvals("unacked"))
    return bool(client.llen(queue) or queue in unacked)


def worker_peak_rss_mb(workers: list[subprocess.Popen[bytes]]) -> float:
    """The largest peak RSS (VmHWM) of the workers' processes and their pool children."""
    groups = {worker.pid for worker in workers}
    peak_kb = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[2]) not in groups:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue  # the process ended meanwhile
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                peak_kb = max(peak_kb, int(line.split()[1]))
    return peak_kb / 1024


def workers_stop(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        os.killpg(worker.pid, signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def measure(workers: int, ids: list[str], args: argparse.Namespace, env: dict[str, str]) -> None:
    from evidence.collection.models import AwsAccount, CollectionRun, CollectionUnit
    from evidence.collection.services.runs import collection_run_start
    from evidence.collection.tasks import collection_run_task
    from grc.celery import app

    database_prepare(ids, args.regions)
    app.control.purge()
    processes = workers_start(workers, env, args.logs)
    try:
        accounts = list(AwsAccount.objects.all())
        writes_before, started = db_writes(), time.monotonic()
        for account in accounts:
            run = collection_run_start(account=account, trigger=CollectionRun.Trigger.API)
            collection_run_task.delay(run.pk)
        active = CollectionRun.objects.filter(status__in=CollectionRun.ACTIVE)
        while active.exists() and time.monotonic() - started < args.timeout:
            time.sleep(1)
        wall = time.monotonic() - started
        time.sleep(1.5)  # backends report their row counts to pg_stat at most once a second
        writes = db_writes() - writes_before
        while broker_busy() and time.monotonic() - started < args.timeout:
            time.sleep(1)  # the rollups and notifications that follow each run
        drained = time.monotonic() - started
        time.sleep(1.5)
        writes_drained = db_writes() - writes_before
        peak_mb = worker_peak_rss_mb(processes)
    finally:
        workers_stop(processes)
    runs = CollectionRun.objects.all()
    units = CollectionUnit.objects.exclude(status=CollectionUnit.Status.PENDING).count()
    statuses = Counter(runs.values_list("status", flat=True))
    not_ok = {status: n for status, n in statuses.items() if status != "succeeded"}
    print(
        f"workers={workers} accounts={len(ids)} regions={len(args.regions)} "
        f"runs={runs.count()} units={units} wall={wall:.1f}s "
        f"units/s={units / wall:.1f} db_writes={writes} db_writes/s={writes / wall:.0f} "
        f"not_succeeded={not_ok or 0}",
        flush=True,
    )
    print(
        f"    queue drained (rollups, notifications) at {drained:.1f}s: "
        f"db_writes={writes_drained} db_writes/s={writes_drained / drained:.0f}; "
        f"peak worker process RSS {peak_mb:.0f} MB",
        flush=True,
    )
    for status, reason in _sample_errors(runs):
        print(f"    {status}: {reason}", flush=True)


def _sample_errors(runs: Any) -> list[tuple[str, str]]:
    errors = Counter()
    for run in runs.exclude(status="succeeded"):
        for error in run.errors:
            errors[(run.status, f"{error['service']}: {error['reason'][:120]}")] += 1
    return [(status, f"{reason} (x{n})") for (status, reason), n in errors.most_common(5)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--accounts", type=int, default=200)
    parser.add_argument("--regions", default="us-east-1,eu-west-1")
    parser.add_argument("--services", default="", help="comma-separated; default every service")
    parser.add_argument("--workers", default="1,2,4")
    parser.add_argument("--max-concurrent-units", type=int, default=4)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    args.regions = args.regions.split(",")
    args.logs = Path(tempfile.mkdtemp(prefix="bench-org-"))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a Postgres database of its own (it is flushed)")
    if not os.environ.get("CELERY_BROKER_URL", "").startswith("redis"):
        sys.exit("CELERY_BROKER_URL must name a Redis database")
    moto, endpoint = moto_start(args.logs)
    aws_env = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "bench",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": args.regions[0],
    }
    os.environ.update(aws_env, DJANGO_SETTINGS_MODULE="grc.settings.base")
    os.environ.pop("AWS_PROFILE", None)
    env = {
        **os.environ,
        "BENCH_ORG_WORKER": "1",
        "BENCH_ORG_SERVICES": args.services,
        "GRC_ACCOUNT_MAX_CONCURRENT_UNITS": str(args.max_concurrent_units),
        "PYTHONUNBUFFERED": "1",
    }
    # A SIGTERM (e.g. from `timeout`) ends the bench through its finally blocks, which stop
    # the workers and the moto server it started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    import boto3
    import django

    django.setup()
    ids = account_ids(args.accounts)
    try:
        started = time.monotonic()
        base = boto3.Session(region_name=args.regions[0])
        for account_id in ids:
            seed_account(base, account_id, args.regions)
        print(f"seeded {len(ids)} accounts in {time.monotonic() - started:.1f}s", flush=True)
        print(f"services: {args.services or 'all'}; worker logs in {args.logs}", flush=True)
        for workers in [int(n) for n in args.workers.split(",")]:
            measure(workers, ids, args, env)
    finally:
        moto.terminate()
        moto.wait()


if __name__ == "__main__":
    main()
