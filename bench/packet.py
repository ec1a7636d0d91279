"""Build 1-month and 12-month evidence packets for 10 accounts x 300 resources: time and RSS.

    .venv/bin/python bench/packet.py                    # SQLite file under a temp folder
    .venv/bin/python bench/packet.py --workdir /tmp/bench --reuse   # seed once, build again
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_packet .venv/bin/python bench/packet.py

Seeds synthetic rows through the real models: the shipped catalog (``catalog_load``), 10 accounts
with 300 resources each, two checks per resource taken from the checks mapped to SOC 2 controls,
one collection run per account per month (the 15th) with its results and content-addressed
evidence (5% of resources change configuration each month), and a year of daily
ControlStatusDaily rollups for every control and account. Each packet is then built by
``packet_build`` in a fresh child process, which reports its wall time and peak RSS
(VmHWM from /proc, else ``resource.getrusage``). Prints figures; asserts nothing about time.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ACCOUNTS = 10
RESOURCES = 300
CHECKS_PER_RESOURCE = 2
YEAR = 2025
CHANGE_SHARE = 0.05


def django_setup(workdir: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc.settings.base")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ.setdefault("GRC_DATA_DIR", str(workdir))
    os.environ.setdefault("GRC_MEDIA_ROOT", str(workdir / "media"))
    os.environ.setdefault("GRC_PACKET_SIGNING_KEY", base64.b64encode(bytes(range(32))).decode())
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()


def seed() -> dict[str, int]:
    from django.core.management import call_command
    from django.db import transaction
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
    from evidence.posture.models import ControlStatusDaily
    from grc.catalog.loader import catalog_load
    from grc.catalog.models import Control, ControlCheck

    call_command("migrate", verbosity=0)
    catalog_load()
    rng = random.Random(8)
    check_ids = sorted(
        set(
            ControlCheck.objects.filter(
                control__mappings__criterion__framework__slug="soc2-2017"
            ).values_list("check_id", flat=True)
        )
    )
    control_ids = list(Control.objects.values_list("pk", flat=True))
    counts = {"results": 0, "documents": 0, "rollups": 0}
    for number in range(ACCOUNTS):
        account_id = f"{100000000000 + number:012d}"
        with transaction.atomic():
            account = AwsAccount.objects.create(
                account_id=account_id,
                name=f"bench-{number:02d}",
                role_arn=f"arn:aws:iam::{account_id}:role/GrcEvidenceReader",
                external_id=f"bench-external-id-{number}",
            )
            Resource.objects.bulk_create(
                Resource(
                    account=account,
                    arn=f"arn:aws:s3:::bench-{number:02d}-bucket-{index:04d}",
                    resource_type="AWS::S3::Bucket",
                    region="us-east-1",
                    service="s3",
                )
                for index in range(RESOURCES)
            )
            resources = list(Resource.objects.filter(account=account).order_by("pk"))
            versions = [0] * RESOURCES
            for month in range(1, 13):
                finished = timezone.make_aware(dt.datetime(YEAR, month, 15, 12))
                run = CollectionRun.objects.create(
                    account=account, trigger="schedule", status="succeeded", finished_at=finished
                )
                unit = CollectionUnit.objects.create(
                    run=run, service="s3", region="us-east-1", status="done", finished_at=finished
                )
                # Each month's results are written whole: last month's end here (one-run spans).
                CheckResult.objects.filter(account=account, ended_run__isnull=True).update(
                    ended_run=run
                )
                for index in rng.sample(range(RESOURCES), int(RESOURCES * CHANGE_SHARE)):
                    versions[index] += 1
                documents, results = {}, []
                for index, item in enumerate(resources):
                    content = {
                        "configuration": {"bucket": item.arn, "revision": versions[index]},
                        "sources": [{"operation": "GetBucketVersioning", "parameters": {}}],
                    }
                    data = canonical_json(content)
                    sha = hashlib.sha256(data).hexdigest()
                    documents[sha] = EvidenceDocument(sha256=sha, content=content, size=len(data))
                    for offset in range(CHECKS_PER_RESOURCE):
                        failing = rng.random() < 0.2
                        results.append(
                            CheckResult(
                                run=run,
                                unit=unit,
                                account=account,
                                resource=item,
                                check_id=check_ids[(index + offset * 7) % len(check_ids)],
                                region="us-east-1",
                                status="FAIL" if failing else "PASS",
                                reason="setting off" if failing else "setting on",
                                collected_at=finished,
                                service=unit.service,
                                unit_region=unit.region,
                                evidence_id=sha,  # replaced by the row id below
                            )
                        )
                EvidenceDocument.objects.bulk_create(
                    documents.values(), ignore_conflicts=True, batch_size=1000
                )
                ids = dict(
                    EvidenceDocument.objects.filter(sha256__in=documents).values_list(
                        "sha256", "pk"
                    )
                )
                for result in results:
                    result.evidence_id = ids[result.evidence_id]
                CheckResult.objects.bulk_create(results, batch_size=2000)
                counts["results"] += len(results)
        rollups = []
        day = dt.date(YEAR, 1, 1)
        states = dict.fromkeys(control_ids, "pass")
        while day.year == YEAR:
            for control_id in control_ids:
                if rng.random() < 0.02:  # a status change now and then, held for days
                    states[control_id] = rng.choice(["pass", "pass", "fail", "partial"])
                status = states[control_id]
                rollups.append(
                    ControlStatusDaily(
                        account=account,
                        control_id=control_id,
                        day=day,
                        status=status,
                        pass_count=0 if status == "fail" else 5,
                        fail_count=0 if status == "pass" else 2,
                    )
                )
            day += dt.timedelta(days=1)
        ControlStatusDaily.objects.bulk_create(rollups, batch_size=5000)
        counts["rollups"] += len(rollups)
    counts["documents"] = EvidenceDocument.objects.count()
    return counts


def request(months: int) -> int:
    from django.db import transaction

    from evidence.collection.models import AwsAccount
    from evidence.packets.services.packets import packet_request
    from grc.catalog.models import Framework

    # No broker here and no enqueue: the bench builds each packet in a child process instead.
    start = dt.date(YEAR, 13 - months, 1)
    with transaction.atomic():
        packet = packet_request(
            framework=Framework.objects.get(slug="soc2-2017"),
            period_start=start,
            period_end=dt.date(YEAR, 12, 31),
            accounts=list(AwsAccount.objects.all()),
            requested_by=None,
            sample_dates=[dt.date(YEAR, month, 15) for month in range(13 - months, 13)],
        )
    return packet.pk


def peak_rss_kb() -> int:
    """This process's peak RSS. VmHWM, because Linux carries ru_maxrss over fork and exec, so
    getrusage in a child started by a big parent reports the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def build_in_this_process(packet_id: int) -> None:
    from evidence.packets.services.packets import packet_build

    baseline_kb = peak_rss_kb()
    started = time.perf_counter()
    packet = packet_build(packet_id)
    seconds = time.perf_counter() - started
    peak_kb = peak_rss_kb()
    print(
        json.dumps(
            {
                "status": packet.status,
                "error": packet.error,
                "seconds": round(seconds, 1),
                "peak_rss_mb": round(peak_kb / 1024, 1),
                "rss_before_build_mb": round(baseline_kb / 1024, 1),
                "zip_mb": round(packet.size / 1e6, 1),
                "path": packet.file.path if packet.file else "",
            }
        )
    )


def build_in_child(packet_id: int, workdir: Path) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--workdir", str(workdir), "--build", str(packet_id)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ.copy(),
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", help="keep the SQLite file and packets here")
    parser.add_argument("--reuse", action="store_true", help="skip seeding a seeded database")
    parser.add_argument("--build", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-packet-"))
    django_setup(workdir)
    if args.build:
        build_in_this_process(args.build)
        return
    from django.db import connection

    from evidence.collection.models import AwsAccount

    if args.reuse and AwsAccount.objects.exists():
        print(f"reusing the seeded {connection.vendor} database")
    else:
        started = time.perf_counter()
        counts = seed()
        print(
            f"seeded on {connection.vendor} in {time.perf_counter() - started:.0f}s: "
            f"{ACCOUNTS} accounts x {RESOURCES} resources, {counts['results']} results, "
            f"{counts['documents']} evidence documents, {counts['rollups']} daily rollups"
        )
    connection.close()
    figures = {}
    for months in (1, 12):
        figures[months] = build_in_child(request(months), workdir)
        print(f"{months:>2}-month packet: {json.dumps(figures[months])}")
    ratio = figures[12]["peak_rss_mb"] / figures[1]["peak_rss_mb"]
    print(
        f"12-month peak RSS {figures[12]['peak_rss_mb']} MB vs 1-month {figures[1]['peak_rss_mb']}"
        f" MB: ratio {ratio:.2f} ({'within' if ratio <= 1.5 else 'OVER'} 1.5x)"
    )


if __name__ == "__main__":
    main()
