"""Seed the simulated demo AWS account (a moto server), register it, and queue a collection.

Run from the repository root with ``python -m demo`` (scripts/run does), then
``python -m demo history`` in the background: it waits for that first collection and builds 90
days of simulated history (demo/history.py). The demo lives outside the product's packages:
nothing in grc/, evidence/ or collectors/ imports it.
"""

from __future__ import annotations

import os
import secrets
import sys

import boto3
import django

DEMO_ROLE = "arn:aws:iam::{account_id}:role/GrcEvidenceReader"


def history() -> int:
    """Wait for the first collection, then build the simulated history (once per database)."""
    from demo import DEFAULT_REGIONS, seed_demo_account
    from demo.history import (
        HISTORY_DAYS,
        first_collection_wait,
        history_build,
        history_exists,
        progress_path,
        progress_write,
    )
    from evidence.collection.models import AwsAccount

    session = boto3.Session(region_name=DEFAULT_REGIONS[0])
    account = AwsAccount.objects.get(account_id=seed_demo_account(session)["account_id"])
    if history_exists(account):
        print("Simulated history already built.")
        return 0
    progress_path().unlink(missing_ok=True)
    progress_write(state="waiting", done=0, total=HISTORY_DAYS + 1, days=HISTORY_DAYS)
    first_collection_wait(account)
    figures = history_build(session, account)
    print(f"Simulated history: {figures['days']} days collected in {figures['seconds']} s.")
    return 0


def main(argv: list[str]) -> int:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if not endpoint.startswith(("http://127.0.0.1", "http://localhost")):
        print("The demo only talks to a local moto server: set AWS_ENDPOINT_URL to it.")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc.settings.base")
    django.setup()
    if argv[:1] == ["history"]:
        return history()
    return seed()


def seed() -> int:
    from demo import DEFAULT_REGIONS, seed_demo_account
    from evidence.collection.models import AwsAccount, CollectionRun
    from evidence.collection.services.accounts import account_create
    from evidence.collection.services.runs import CollectionNotStarted, collection_run_start
    from evidence.collection.tasks import collection_run_enqueue

    summary = seed_demo_account(boto3.Session(region_name=DEFAULT_REGIONS[0]))
    account_id = summary["account_id"]
    state = "already seeded" if summary["already_seeded"] else "seeded"
    print(f"Demo AWS account {account_id} {state} at {os.environ['AWS_ENDPOINT_URL']}.")
    account = AwsAccount.objects.filter(account_id=account_id).first()
    if account is None:
        account = account_create(
            account_id=account_id,
            name="Acme Analytics (demo)",
            role_arn=DEMO_ROLE.format(account_id=account_id),
            external_id=secrets.token_urlsafe(24),
            regions=list(DEFAULT_REGIONS),
        )
        print(f"Registered {account}.")
    from demo.manual import seed_manual_evidence

    print(seed_manual_evidence())
    try:
        run = collection_run_start(account=account, trigger=CollectionRun.Trigger.MANUAL)
    except CollectionNotStarted as exc:
        print(exc)
    else:
        collection_run_enqueue(run.pk)
        print(f"Queued collection run {run.pk}; the worker picks it up now.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
