"""Seed the simulated demo AWS account (a moto server), register it, and queue a collection."""

import os
import secrets

import boto3
from django.core.management.base import BaseCommand, CommandError

from evidence.demo import DEFAULT_REGIONS, seed_demo_account
from evidence.models import AwsAccount, CollectionRun
from evidence.services.accounts import account_create
from evidence.services.collection import CollectionAlreadyRunning, collection_run_start

DEMO_ROLE = "arn:aws:iam::{account_id}:role/GrcEvidenceReader"


class Command(BaseCommand):
    help = "Seed the moto demo account at AWS_ENDPOINT_URL, register it and queue a collection."

    def handle(self, *args, **options):
        endpoint = os.environ.get("AWS_ENDPOINT_URL", "")
        if not endpoint.startswith(("http://127.0.0.1", "http://localhost")):
            raise CommandError(
                "demo_setup only talks to a local moto server: set AWS_ENDPOINT_URL to it."
            )
        session = boto3.Session(region_name=DEFAULT_REGIONS[0])
        summary = seed_demo_account(session)
        account_id = summary["account_id"]
        state = "already seeded" if summary["already_seeded"] else "seeded"
        self.stdout.write(f"Demo AWS account {account_id} {state} at {endpoint}.")
        account = AwsAccount.objects.filter(account_id=account_id).first()
        if account is None:
            account = account_create(
                account_id=account_id,
                name="Acme Analytics (demo)",
                role_arn=DEMO_ROLE.format(account_id=account_id),
                external_id=secrets.token_urlsafe(24),
                regions=list(DEFAULT_REGIONS),
            )
            self.stdout.write(f"Registered {account}.")
        try:
            run = collection_run_start(account=account, trigger=CollectionRun.Trigger.MANUAL)
        except CollectionAlreadyRunning as exc:
            self.stdout.write(str(exc))
        else:
            self.stdout.write(f"Queued collection run {run.pk}; the worker picks it up now.")
