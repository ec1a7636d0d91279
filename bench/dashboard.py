"""Server time of the overview and control pages: 20 accounts x a year of daily rollups.

    DJANGO_SETTINGS_MODULE=grc.settings.test .venv/bin/python bench/dashboard.py \
        [--accounts 20] [--days 365] [--requests 30]

Writes, per account, a ControlStatusDaily row for every control of the shipped catalog for every
day, PostureDaily rows, some status changes and one finished run with failing results; then
times pages through the Django test client (server time, no network) and prints p50/p95 and the
query count of each. Prints figures, asserts nothing.

On SQLite it works in a throwaway test database. On another database (``DATABASE_URL``, e.g.
Postgres) it writes to that database and deletes everything it created at the end.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc.settings.test")

import django

django.setup()

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, setup_databases, teardown_databases
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    EvidenceDocument,
    Resource,
)
from evidence.collection.services.accounts import account_create
from evidence.collection.services.ingest import canonical_json
from evidence.posture.models import ControlStatusDaily, ControlStatusEvent, PostureDaily
from grc.access.roles import Role
from grc.catalog.loader import catalog_load
from grc.catalog.models import Control, ControlCheck

ACCOUNT_PREFIX = "9999"  # bench account ids: 9999xxxxxxxx
USERNAME = "bench-dashboard"
CONTROL_REF = "NET-01"
STATUSES = ("pass", "pass", "pass", "partial", "fail")


def status_for(control_index: int, account_index: int, day_index: int, automated: bool) -> str:
    if not automated:
        return "not_evidenced"
    # Runs of a few weeks with the same status, shifted per control and account.
    return STATUSES[(control_index * 7 + account_index * 3 + day_index // 17) % len(STATUSES)]


def seed(accounts_n: int, days: int) -> list[AwsAccount]:
    controls = list(Control.objects.order_by("ref").values_list("pk", flat=True))
    automated = set(ControlCheck.objects.values_list("control_id", flat=True))
    net = Control.objects.get(ref=CONTROL_REF)
    net_checks = list(net.checks.values_list("check_id", flat=True))
    today = timezone.localdate()
    accounts = []
    for a in range(accounts_n):
        account_id = f"{ACCOUNT_PREFIX}{a:08d}"
        accounts.append(
            account_create(
                account_id=account_id,
                name=f"bench-{a:02d}",
                role_arn=f"arn:aws:iam::{account_id}:role/GrcEvidenceReader",
                external_id=f"bench-secret-{a}",
                regions=["us-east-1", "eu-west-1"],
            )
        )
    for a, account in enumerate(accounts):
        daily, posture, events = [], [], []
        previous: dict[int, str] = {}
        for d in range(days - 1, -1, -1):
            day = today - timedelta(days=d)
            tally = dict.fromkeys(("pass", "fail", "partial", "not_evidenced"), 0)
            for c, control_id in enumerate(controls):
                status = status_for(c, a, d, control_id in automated)
                tally[status] += 1
                daily.append(
                    ControlStatusDaily(
                        account=account, control_id=control_id, day=day, status=status
                    )
                )
                if previous.get(control_id, status) != status:
                    events.append(
                        ControlStatusEvent(
                            account=account,
                            control_id=control_id,
                            previous_status=previous[control_id],
                            status=status,
                            occurred_at=timezone.now() - timedelta(days=d),
                        )
                    )
                previous[control_id] = status
            posture.append(
                PostureDaily(
                    account=account,
                    day=day,
                    passing=tally["pass"],
                    failing=tally["fail"],
                    partial=tally["partial"],
                    not_evidenced=tally["not_evidenced"],
                )
            )
        ControlStatusDaily.objects.bulk_create(daily, batch_size=5000)
        PostureDaily.objects.bulk_create(posture, batch_size=5000)
        ControlStatusEvent.objects.bulk_create(events, batch_size=5000)
        latest_run(account, net_checks)
    return accounts


def latest_run(account: AwsAccount, check_ids: list[str], failing: int = 30) -> None:
    """A finished run with failing results for the control page's "failing resources now"."""
    now = timezone.now()
    run = CollectionRun.objects.create(
        account=account, trigger="schedule", status="succeeded", started_at=now, finished_at=now
    )
    unit = CollectionUnit.objects.create(
        run=run, service="ec2", region="us-east-1", status="done", finished_at=now
    )
    for n in range(failing):
        arn = f"arn:aws:ec2:us-east-1:{account.account_id}:security-group/sg-bench{n:04d}"
        content = {"configuration": {"GroupId": arn, "bench": True}, "sources": []}
        data = canonical_json(content)
        document = EvidenceDocument.objects.create(
            sha256=hashlib.sha256(data).hexdigest(), content=content, size=len(data)
        )
        resource = Resource.objects.create(
            account=account,
            arn=arn,
            resource_type="AWS::EC2::SecurityGroup",
            region="us-east-1",
            service="ec2",
        )
        CheckResult.objects.create(
            run=run,
            unit=unit,
            account=account,
            resource=resource,
            check_id=check_ids[n % len(check_ids)],
            region="us-east-1",
            status="FAIL",
            reason="ingress tcp 22 from 0.0.0.0/0",
            evidence=document,
            collected_at=now,
            service=unit.service,
            unit_region=unit.region,
        )


def cleanup(loaded_catalog: bool) -> None:
    accounts = AwsAccount.objects.filter(account_id__startswith=ACCOUNT_PREFIX)
    for model in (ControlStatusDaily, PostureDaily, ControlStatusEvent, CheckResult):
        model.objects.filter(account__in=accounts).delete()
    EvidenceDocument.objects.filter(
        results__isnull=True, content__configuration__bench=True
    ).delete()
    CollectionUnit.objects.filter(run__account__in=accounts).delete()
    CollectionRun.objects.filter(account__in=accounts).delete()
    Resource.objects.filter(account__in=accounts).delete()
    schedules = list(accounts.exclude(schedule=None).values_list("schedule_id", flat=True))
    accounts.delete()
    PeriodicTask.objects.filter(pk__in=schedules).delete()
    User.objects.filter(username=USERNAME).delete()
    if loaded_catalog:
        from grc.catalog.models import Attestation, CatalogLoad, Criterion, Framework, Section

        Control.objects.all().delete()
        Criterion.objects.all().delete()  # sections are protected while criteria cite them
        Section.objects.all().delete()
        Framework.objects.all().delete()
        Attestation.objects.all().delete()
        CatalogLoad.objects.all().delete()


def measure(client: Client, name: str, url: str, requests: int) -> None:
    for _ in range(3):
        client.get(url)  # warm caches (templates, check registry, connection)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)  # read now: the next request resets the connection's query log
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    p50 = statistics.median(times)
    p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 2 else times[0]
    kib = len(response.content) / 1024
    print(
        f"{name:<30} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms   {queries:3d} queries   {kib:6.0f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    settings.DEBUG = False  # no per-query logging while timing
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    throwaway = connection.vendor == "sqlite"
    old_config = (
        setup_databases(verbosity=0, interactive=False, aliases={"default"}) if throwaway else None
    )
    if not throwaway and AwsAccount.objects.filter(account_id__startswith=ACCOUNT_PREFIX).exists():
        sys.exit(f"bench accounts ({ACCOUNT_PREFIX}...) already exist: remove them first")
    loaded_catalog = not Control.objects.exists()
    try:
        if loaded_catalog:
            catalog_load()
        started = time.perf_counter()
        accounts = seed(args.accounts, args.days)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        rows = ControlStatusDaily.objects.filter(account__in=accounts).count()
        print(
            f"{connection.vendor}: {args.accounts} accounts x {args.days} days x "
            f"{Control.objects.count()} controls = {rows} ControlStatusDaily rows, "
            f"{ControlStatusEvent.objects.filter(account__in=accounts).count()} events "
            f"(seeded in {time.perf_counter() - started:.0f} s); {args.requests} requests per page"
        )
        user = User.objects.create_user(USERNAME)
        user.groups.add(Group.objects.get_or_create(name=Role.MANAGER.value)[0])
        client = Client()
        client.force_login(user)
        measure(client, "overview (30 days)", "/", args.requests)
        measure(client, "overview (365 days)", "/?days=365", args.requests)
        measure(
            client,
            f"control {CONTROL_REF} ({args.accounts} calendars)",
            f"/controls/{CONTROL_REF}/",
            args.requests,
        )
        measure(client, "framework soc2-2017", "/frameworks/soc2-2017/", args.requests)
        measure(client, "controls list", "/controls/", args.requests)
    finally:
        if throwaway:
            teardown_databases(old_config, verbosity=0)
        else:
            cleanup(loaded_catalog)
            print("bench rows deleted")


if __name__ == "__main__":
    main()
