"""Fixtures for evidence tests: a moto AWS account and a way to drive a run without a broker."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import boto3
import pytest
from moto import mock_aws

from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.services.accounts import account_create
from evidence.collection.services.runs import (
    _sessions,
    collection_run_execute,
    collection_run_finish,
    collection_unit_execute,
)
from evidence.posture.services.rollup import control_status_rollup_update

MOTO_ACCOUNT = "123456789012"
ROLE_ARN = f"arn:aws:iam::{MOTO_ACCOUNT}:role/GrcEvidenceReader"


@contextmanager
def mocked_aws() -> Iterator[boto3.Session]:
    """An in-process moto AWS for as long as the block lasts (a test, or a module's fixture)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        for name in ("AWS_ENDPOINT_URL", "AWS_PROFILE"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
        monkeypatch.setenv("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")  # thousands of public snapshots
        # Assumed-role sessions are cached per process; one from another test's moto would carry
        # credentials this moto does not know (and its identity would be moto's default user).
        _sessions.clear()
        with mock_aws():
            yield boto3.Session(region_name="us-east-1")
        _sessions.clear()


@pytest.fixture
def aws() -> Iterator[boto3.Session]:
    with mocked_aws() as session:
        yield session


def production_account() -> AwsAccount:
    return account_create(
        account_id=MOTO_ACCOUNT,
        name="Production",
        role_arn=ROLE_ARN,
        external_id="ext-secret-7f3a",
        regions=["us-east-1"],
    )


@pytest.fixture
def account(db) -> AwsAccount:
    return production_account()


def run_collection(account: AwsAccount, capture) -> CollectionRun:
    """Drive a whole run through the services, in order, as the Celery tasks would: the run
    sends its first units and each stored unit sends the next (``units`` grows as it runs)."""
    run = CollectionRun.objects.create(account=account, trigger=CollectionRun.Trigger.MANUAL)
    units: list[int] = []
    finishes: list[int] = []
    with capture(execute=True):
        collection_run_execute(run.pk, enqueue_unit=units.append)
    for unit_id in units:
        with capture(execute=True):
            collection_unit_execute(
                unit_id, enqueue_finish=finishes.append, enqueue_unit=units.append
            )
    assert finishes == [run.pk]
    collection_run_finish(run.pk)
    control_status_rollup_update(run_id=run.pk)  # the task settings.GRC_RUN_FINISHED_TASKS names
    run.refresh_from_db()
    return run
