"""Collect a large fake account from a moto server over real HTTP and print what it cost.

    .venv/bin/python bench/collect.py [--buckets 500] [--users 300] [--security-groups 500]
        [--snapshots 50] [--no-bucket-region]

Seeds buckets (every other one with bucket-level block public access, AWS's default for new
buckets), IAM users (with a console password and an access key each), security groups, log
groups and EBS snapshots (a fifth of them public) spread over two regions, then runs
``collect_account`` with AWS_ENDPOINT_URL pointing at the server. Prints wall time, API calls,
calls per resource per service, calls per bucket and the operations behind them; asserts nothing.

moto's ListBuckets leaves out ``BucketRegion``, which AWS returns; the benchmark adds it to the
response (all buckets are seeded in the first region) unless ``--no-bucket-region`` measures the
GetBucketLocation fallback. moto also ignores DescribeSnapshots' RestorableByUserIds filter, so
the public-snapshot listing returns every owned snapshot there: the call count is what matters.
"""

from __future__ import annotations

import argparse
import collections
import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import boto3
from moto.server import ThreadedMotoServer

from collectors.registry import CHECKS, SERVICES, ServiceReader, load_checks
from collectors.runner import CollectionOutcome, collect_account

ACCOUNT_ID = "123456789012"
REGIONS = ["us-east-1", "eu-west-1"]


def fake_environment(endpoint_url: str) -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION=REGIONS[0],
        AWS_ENDPOINT_URL=endpoint_url,
        MOTO_EC2_LOAD_DEFAULT_AMIS="false",
    )
    os.environ.pop("AWS_PROFILE", None)


def run_all(tasks: Iterable[Callable[[], Any]], workers: int = 16) -> None:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in [pool.submit(task) for task in tasks]:
            future.result()


BLOCK_ALL = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


def seed_bucket(s3: Any, n: int) -> None:
    name = f"bench-bucket-{n:04d}"
    s3.create_bucket(Bucket=name)
    if n % 2 == 0:
        s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=BLOCK_ALL)


def seed(
    session: boto3.Session, buckets: int, users: int, groups: int, log_groups: int, snapshots: int
) -> None:
    s3, iam = session.client("s3"), session.client("iam")
    run_all(lambda n=n: seed_bucket(s3, n) for n in range(buckets))

    def user(n: int) -> None:
        name = f"bench-user-{n:04d}"
        iam.create_user(UserName=name)
        iam.create_login_profile(UserName=name, Password="Bench-Passw0rd!")
        iam.create_access_key(UserName=name)

    run_all(lambda n=n: user(n) for n in range(users))
    for index, region in enumerate(REGIONS):
        seed_region(session, region, range(index, groups, len(REGIONS)), log_groups)
        seed_snapshots(session, region, snapshots)


def seed_snapshots(session: boto3.Session, region: str, count: int) -> None:
    ec2 = session.client("ec2", region_name=region)
    volume_id = ec2.create_volume(AvailabilityZone=f"{region}a", Size=1)["VolumeId"]
    for n in range(count):
        snapshot_id = ec2.create_snapshot(VolumeId=volume_id)["SnapshotId"]
        if n % 5 == 0:
            ec2.modify_snapshot_attribute(
                SnapshotId=snapshot_id,
                Attribute="createVolumePermission",
                OperationType="add",
                GroupNames=["all"],
            )


def seed_region(session: boto3.Session, region: str, groups: range, log_groups: int) -> None:
    ec2 = session.client("ec2", region_name=region)
    logs = session.client("logs", region_name=region)
    vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
    # One at a time: moto's CreateSecurityGroup iterates the VPC's groups while another request
    # adds one ("dictionary changed size during iteration", a 500) when run concurrently.
    run_all(
        (
            lambda n=n: ec2.create_security_group(
                GroupName=f"bench-sg-{n:04d}", Description="bench", VpcId=vpc_id
            )
            for n in groups
        ),
        workers=1,
    )
    run_all(
        lambda n=n: logs.create_log_group(logGroupName=f"bench-{n:04d}") for n in range(log_groups)
    )


class CallCounter:
    """API calls per collector service: botocore's before-call event, attributed to the service
    whose reader runs on the calling thread (thread-safe)."""

    def __init__(self, session: boto3.Session) -> None:
        self.calls: collections.Counter[str] = collections.Counter()
        self.operations: collections.Counter[tuple[str, str]] = collections.Counter()
        self.per_bucket: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        self._current = threading.local()
        session.events.register("before-call", self._count)
        session.events.register("before-parameter-build.s3", self._bucket)
        load_checks()
        for name, reader in list(SERVICES.items()):
            SERVICES[name] = ServiceReader(name, reader.scope, self._attributed(name, reader.fetch))

    def _attributed(self, name: str, fetch: Callable[[Any, str], Any]) -> Callable[[Any, str], Any]:
        def run(session: Any, region: str) -> Any:
            self._current.service = name
            return fetch(session, region)

        return run

    def _count(self, model: Any, **kwargs: Any) -> None:
        service = getattr(self._current, "service", model.service_model.service_name)
        with self._lock:
            self.calls[service] += 1
            self.operations[(service, model.name)] += 1

    def _bucket(self, params: dict[str, Any], **kwargs: Any) -> None:
        if "Bucket" in params:
            with self._lock:
                self.per_bucket[params["Bucket"]] += 1


def add_bucket_region(session: boto3.Session) -> None:
    """What AWS's ListBuckets returns and moto's leaves out (see the module docstring)."""

    def add(parsed: dict[str, Any], **kwargs: Any) -> None:
        for bucket in parsed.get("Buckets", []):
            bucket.setdefault("BucketRegion", REGIONS[0])

    session.events.register("after-call.s3.ListBuckets", add)


def resources_per_service(outcome: CollectionOutcome) -> dict[str, int]:
    resources: dict[str, set[tuple[str, str]]] = collections.defaultdict(set)
    for result in outcome.results:
        resources[CHECKS[result.check_id].service].add((result.region, result.resource_id))
    return {service: len(ids) for service, ids in resources.items()}


def report(outcome: CollectionOutcome, counter: CallCounter, seconds: float) -> None:
    resources = resources_per_service(outcome)
    statuses = collections.Counter(result.status.value for result in outcome.results)
    print(
        f"\ncollect_account: {seconds:.1f} s wall, {len(outcome.results)} results {dict(statuses)}"
    )
    print(f"regions: {', '.join(outcome.regions)}; API calls: {sum(counter.calls.values())}\n")
    print(f"{'service':<16}{'API calls':>10}{'resources':>11}{'calls/resource':>16}")
    print("(calls made by the service's reader; resources = distinct resources in its results)")
    for service in sorted(set(counter.calls) | set(resources)):
        calls, count = counter.calls.get(service, 0), resources.get(service, 0)
        per = f"{calls / count:.2f}" if count else "-"
        print(f"{service:<16}{calls:>10}{count:>11}{per:>16}")
    per_bucket = sorted(counter.per_bucket.values())
    if per_bucket:
        print(
            f"\nS3 calls per bucket: min {per_bucket[0]}, max {per_bucket[-1]}, "
            f"mean {sum(per_bucket) / len(per_bucket):.2f} over {len(per_bucket)} buckets"
        )
    print("\noperations (service: operation x calls):")
    for service in sorted(counter.calls):
        made = sorted((op, n) for (svc, op), n in counter.operations.items() if svc == service)
        print(f"  {service}: " + ", ".join(f"{op} x{n}" for op, n in made))
    for error in outcome.errors:
        print(f"unit error: {error.service} {error.region}: {error.reason[:100]}")
    errors = collections.Counter(r.check_id for r in outcome.results if r.status.value == "ERROR")
    print(f"ERROR results by check: {dict(errors)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, default=500)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--security-groups", type=int, default=500)
    parser.add_argument("--log-groups", type=int, default=100, help="per region")
    parser.add_argument("--snapshots", type=int, default=50, help="per region")
    parser.add_argument("--no-bucket-region", action="store_true")
    parser.add_argument("--max-workers", type=int, default=8)
    args = parser.parse_args()
    # APIs moto's server lacks (Access Analyzer, SSM instance information) answer 500 with a
    # logged traceback each; the collector reports them as unit errors below, so mute the log.
    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    fake_environment(f"http://{host}:{port}")
    try:
        session = boto3.Session(region_name=REGIONS[0])
        started = time.perf_counter()
        seed(
            session,
            args.buckets,
            args.users,
            args.security_groups,
            args.log_groups,
            args.snapshots,
        )
        print(
            f"seeded {args.buckets} buckets, {args.users} users, {args.security_groups} security "
            f"groups, {args.log_groups} log groups and {args.snapshots} snapshots x "
            f"{len(REGIONS)} regions "
            f"in {time.perf_counter() - started:.1f} s (moto server at {host}:{port})"
        )
        collector_session = boto3.Session(region_name=REGIONS[0])
        counter = CallCounter(collector_session)
        if not args.no_bucket_region:
            add_bucket_region(collector_session)
        started = time.perf_counter()
        outcome = collect_account(
            collector_session,
            account_id=ACCOUNT_ID,
            regions=REGIONS,
            max_workers=args.max_workers,
        )
        report(outcome, counter, time.perf_counter() - started)
    finally:
        server.stop()


if __name__ == "__main__":
    main()
