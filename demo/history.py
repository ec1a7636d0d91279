"""Ninety days of simulated history for the demo account, built by real collections.

The demo account is collected once a day for the 90 days before today under a simulated clock:
this process travels in time (time-machine) and so does the moto server (``demo.moto_server``'s
clock route), so every run, result, rollup and status change carries its simulated date, and
what moto creates on a simulated day is that old when later days collect it. The account
changes along the way through the ordinary AWS APIs (``STORY``). The collection services run
synchronously in this one process (no broker), and ``data/demo-history.json`` reports progress
for the banner every page shows while it builds.

Run by ``python -m demo history`` after the first real collection; it waits for that one to end.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import time
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import time_machine
from django.conf import settings
from django.db import connection
from django.db.backends.signals import connection_created
from django.utils import timezone
from django_celery_beat.models import PeriodicTask, PeriodicTasks

from demo.base import COMPANY
from demo.identity import DEMO_PASSWORDS
from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.services.runs import (
    CollectionAlreadyRunning,
    collection_run_execute,
    collection_run_finish,
    collection_run_start,
    collection_unit_execute,
)
from evidence.posture.services.rollup import control_status_rollup_update

logger = logging.getLogger(__name__)
HISTORY_DAYS = 90
COLLECT_AT = dt.time(6, 0)
KEY_CREATED_DAYS_AGO = 100  # the release bot's key: past the 90-day rotation limit by the end
REAPER_TASK = "evidence.collection.tasks.collection_run_reap_task"
CONTRACTOR = "dana-contractor"
RELEASE_BOT = "release-bot"
# Units of one day's run collected at once: moto answers in another process, so threads overlap
# its work with ours on two cores.
UNIT_THREADS = 4


def progress_path() -> Path:
    return Path(settings.DATA_DIR) / "demo-history.json"


def progress_write(**fields: Any) -> None:
    """Replace the progress file atomically (the web process reads it on every page)."""
    path = progress_path()
    previous = json.loads(path.read_text()) if path.exists() else {}
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps({**previous, **fields}))
    temporary.replace(path)


# The story. Each step gets a boto3 session and the account id; all go through the AWS APIs.


def _reports_bucket(account_id: str) -> str:
    return f"{COMPANY}-reports-export-{account_id}"


def _release_bot_create(session: boto3.Session, account_id: str) -> None:
    iam = session.client("iam")
    iam.create_user(UserName=RELEASE_BOT, Path="/service/")
    iam.create_access_key(UserName=RELEASE_BOT)
    s3 = session.client("s3")
    bucket = _reports_bucket(account_id)
    s3.create_bucket(Bucket=bucket)
    _bucket_private(session, account_id)


def _bucket_public(session: boto3.Session, account_id: str) -> None:
    s3, bucket = session.client("s3"), _reports_bucket(account_id)
    s3.delete_public_access_block(Bucket=bucket)
    statement = {
        "Sid": "ShareQuarterlyReport",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": f"arn:aws:s3:::{bucket}/*",
    }
    s3.put_bucket_policy(
        Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    )


def _bucket_private(session: boto3.Session, account_id: str) -> None:
    s3, bucket = session.client("s3"), _reports_bucket(account_id)
    s3.delete_bucket_policy(Bucket=bucket)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )


def _contractor_add(session: boto3.Session, account_id: str) -> None:
    iam = session.client("iam")
    iam.create_user(UserName=CONTRACTOR, Tags=[{"Key": "team", "Value": "contractors"}])
    iam.create_login_profile(UserName=CONTRACTOR, Password=DEMO_PASSWORDS["bob"])


def _contractor_remove(session: boto3.Session, account_id: str) -> None:
    iam = session.client("iam")
    iam.delete_login_profile(UserName=CONTRACTOR)
    iam.delete_user(UserName=CONTRACTOR)


def _trail_stop(session: boto3.Session, account_id: str) -> None:
    session.client("cloudtrail").stop_logging(Name="acme-org-trail")


def _trail_start(session: boto3.Session, account_id: str) -> None:
    session.client("cloudtrail").start_logging(Name="acme-org-trail")


@dataclass(frozen=True)
class Change:
    """One change to the demo account, made the given number of days before today."""

    days_ago: int
    what: str
    apply: Callable[[boto3.Session, str], None]


STORY = [
    Change(KEY_CREATED_DAYS_AGO, "release-bot user and its key created", _release_bot_create),
    Change(70, "reports-export bucket made public by a bucket policy", _bucket_public),
    Change(66, "reports-export bucket private again", _bucket_private),
    Change(55, f"{CONTRACTOR} added with a console password and no MFA", _contractor_add),
    Change(41, f"{CONTRACTOR} removed", _contractor_remove),
    Change(30, "acme-org-trail logging stopped", _trail_stop),
    Change(23, "acme-org-trail logging started again", _trail_start),
]


# Clocks and collections.


def moto_clock_set(when: dt.datetime | None) -> None:
    """Set the moto server's clock (``demo.moto_server``); None returns it to the real time."""
    endpoint = os.environ["AWS_ENDPOINT_URL"]
    body = when.isoformat().encode() if when else b""
    # The endpoint was checked to be a loopback http:// URL by demo.__main__.
    request = urllib.request.Request(f"{endpoint}/_demo/clock", data=body, method="POST")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310  # nosec B310 (loopback)
        response.read()


def collect_synchronously(account: AwsAccount, threads: int = UNIT_THREADS) -> CollectionRun:
    """One real collection, driven through the services in this process instead of Celery."""
    run = None
    for _ in range(600):
        try:
            run = collection_run_start(account=account, trigger=CollectionRun.Trigger.SCHEDULE)
            break
        except CollectionAlreadyRunning:
            time.sleep(1)  # someone pressed "collect now": let that run end first
    if run is None:
        raise RuntimeError(f"{account} stayed busy for ten minutes")
    units: list[int] = []
    # Every unit at once: this process runs them itself, in the pool below.
    collection_run_execute(run.pk, enqueue_unit=units.append, max_in_flight=0)
    if threads > 1:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(_unit_execute, units))
    else:
        for unit_id in units:
            collection_unit_execute(unit_id, enqueue_finish=lambda _run_id: None)
    run = collection_run_finish(run.pk)
    if run.status in CollectionRun.FINISHED_WITH_RESULTS:
        control_status_rollup_update(run_id=run.pk)
    return run


def _unit_execute(unit_id: int) -> None:
    try:
        collection_unit_execute(unit_id, enqueue_finish=lambda _run_id: None)
    finally:
        connection.close()  # each pool thread has its own database connection


def first_collection_wait(account: AwsAccount, timeout: float = 600) -> None:
    """Wait until the account has a finished run and nothing queued or running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = CollectionRun.objects.filter(account=account)
        if not runs.filter(status__in=CollectionRun.ACTIVE).exists() and runs.exists():
            return
        time.sleep(1)
    raise RuntimeError("the first collection did not finish within ten minutes")


def history_exists(account: AwsAccount) -> bool:
    cutoff = timezone.now() - dt.timedelta(days=2)
    return CollectionRun.objects.filter(account=account, created_at__lt=cutoff).exists()


def _reaper_enabled(enabled: bool) -> None:
    """The reaper ends runs older than a few hours: history runs look that old, so pause it."""
    PeriodicTask.objects.filter(task=REAPER_TASK).update(enabled=enabled)
    PeriodicTasks.update_changed()


def _at(days_ago: int) -> dt.datetime:
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    return timezone.make_aware(dt.datetime.combine(day, COLLECT_AT))


Clock = Callable[[dt.datetime | None], None]


def _day(
    session: boto3.Session,
    account: AwsAccount,
    days_ago: int,
    *,
    collect: bool,
    clock: Clock,
    threads: int = UNIT_THREADS,
) -> str:
    """Travel to the morning ``days_ago`` days back, make that day's changes, collect."""
    when = _at(days_ago)
    clock(when)
    with time_machine.travel(when, tick=True):
        for change in STORY:
            if change.days_ago == days_ago:
                change.apply(session, account.account_id)
                logger.info("%s: %s", when.date(), change.what)
        return collect_synchronously(account, threads).status if collect else "not collected"


def _sqlite_quick_commits(sender: Any, connection: Any, **_: Any) -> None:
    """The demo's SQLite file: commit without waiting for the disk (a power cut could lose the
    last days of simulated history, nothing else), and let the web pages read while it writes."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=OFF")


def history_build(
    session: boto3.Session,
    account: AwsAccount,
    days: int = HISTORY_DAYS,
    *,
    clock: Clock = moto_clock_set,
    threads: int = UNIT_THREADS,
) -> dict:
    """Collect ``account`` on each of the ``days`` days before today, then once more now.

    ``clock`` sets the AWS side's clock (the moto server's); an in-process moto shares this
    process's clock, so tests pass a no-op (and one thread: an in-memory test database).
    """
    started = time.monotonic()
    total = days + 1
    connection_created.connect(_sqlite_quick_commits)  # the unit threads' connections
    if connection.connection is not None:
        _sqlite_quick_commits(None, connection)
    progress_write(state="building", done=0, total=total, days=days, started_at=_now_iso())
    _reaper_enabled(False)
    try:
        for change in STORY:
            if change.days_ago > days:  # made before the first collected day
                _day(session, account, change.days_ago, collect=False, clock=clock)
        for done, days_ago in enumerate(range(days, 0, -1), start=1):
            status = _day(session, account, days_ago, collect=True, clock=clock, threads=threads)
            logger.info("day -%s collected: %s", days_ago, status)
            progress_write(done=done)
        clock(None)
        collect_synchronously(account, threads)  # today, at the real time, after the changes
    except Exception as exc:
        progress_write(state="failed", error=str(exc)[:500])
        raise
    finally:
        clock(None)
        _reaper_enabled(True)
        connection_created.disconnect(_sqlite_quick_commits)
    seconds = round(time.monotonic() - started, 1)
    progress_write(state="done", done=total, seconds=seconds, finished_at=_now_iso())
    return {"days": days, "seconds": seconds}


def _now_iso() -> str:
    return timezone.now().isoformat(timespec="seconds")
