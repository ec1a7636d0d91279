"""Seed the simulated demo AWS account (a moto server), register it, and queue a collection.

Run from the repository root with ``python -m demo`` (scripts/run does). The demo lives outside
the product's packages: nothing in grc/, evidence/ or collectors/ imports it.
"""

from __future__ import annotations

import os
import secrets
import sys

import boto3
import django

DEMO_ROLE = "arn:aws:iam::{account_id}:role/GrcEvidenceReader"


def main() -> int:
    endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
    if not endpoint.startswith(("http://127.0.0.1", "http://localhost")):
        print("The demo only talks to a local moto server: set AWS_ENDPOINT_URL to it.")
        return 2
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "grc.settings.base")
    django.setup()
    from demo import DEFAULT_REGIONS, seed_demo_account
    from evidence.collection.models import AwsAccount, CollectionRun
    from evidence.collection.services.accounts import account_create
    from evidence.collection.services.runs import CollectionNotStarted, collection_run_start
    from evidence.collection.tasks import collection_run_enqueue

    summary = seed_demo_account(boto3.Session(region_name=DEFAULT_REGIONS[0]))
    account_id = summary["account_id"]
    state = "already seeded" if summary["already_seeded"] else "seeded"
    print(f"Demo AWS account {account_id} {state} at {endpoint}.")
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
    sys.exit(main())
