"""API test fixtures: users per role, API keys, clients, evidence rows, and a secret scan.

Every response a test client receives is recorded; at teardown no body may contain an account's
external id, an API key's plaintext or its stored hash.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    EvidenceDocument,
    Resource,
)
from evidence.collection.services.accounts import account_create
from grc.access.models import ApiKey
from grc.access.roles import Role
from grc.access.services.apikeys import api_key_create
from tests.factories import UserFactory

RATES = {"api_key": "100000/minute", "user": "100000/minute", "anon": "100000/minute"}
EXTERNAL_ID = "ext-secret-Zq81-do-not-leak"


@pytest.fixture(autouse=True)
def api_settings_for_tests(settings) -> Iterator[None]:
    """High rates unless a test lowers them; throttle counters start empty."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": RATES}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def secret_scan(request, monkeypatch) -> Iterator[list[bytes]]:
    """Record every test-client response body; fail the test if one contains a secret."""
    uses_db = "db" in request.fixturenames
    if uses_db:
        request.getfixturevalue("db")  # set up first, so torn down after this scan
    bodies: list[bytes] = []
    original = Client.request

    def recording(self, **request_kwargs):
        response = original(self, **request_kwargs)
        if not getattr(response, "streaming", False):
            bodies.append(bytes(response.content))
        return response

    monkeypatch.setattr(Client, "request", recording)
    plaintexts: list[str] = []
    request.node.api_key_plaintexts = plaintexts
    yield bodies
    if not uses_db:
        return
    secrets = [*plaintexts, EXTERNAL_ID]
    secrets += [value for value in AwsAccount.objects.values_list("external_id", flat=True)]
    for hashed in ApiKey.objects.values_list("hashed_secret", flat=True):
        secrets += [hashed, hashed.partition("$")[2]]
    secrets += [text.partition(".")[2] for text in plaintexts]
    for body in bodies:
        for secret in filter(None, secrets):
            assert secret.encode() not in body, f"a response contains a secret: {secret[:6]}…"


def user_with_role(role: Role, username: str | None = None):
    user = UserFactory(username=username or f"{role.name.lower()}-user")
    if role is Role.ADMIN:
        user.is_superuser = True
        user.is_staff = True
        user.save()
    elif role is not Role.NONE:
        user.groups.add(Group.objects.get(name=role.value))
    return user


@pytest.fixture
def users(db) -> dict[str, object]:
    return {
        "admin": user_with_role(Role.ADMIN),
        "manager": user_with_role(Role.MANAGER),
        "auditor": user_with_role(Role.AUDITOR),
        "norole": user_with_role(Role.NONE),
    }


@pytest.fixture
def make_key(request) -> Callable[..., tuple[ApiKey, str]]:
    def make(user, *, read_only: bool = False, name: str = "integration") -> tuple[ApiKey, str]:
        api_key, plaintext = api_key_create(name=name, owner=user, read_only=read_only)
        request.node.api_key_plaintexts.append(plaintext)
        return api_key, plaintext

    return make


def key_client(plaintext: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {plaintext}")
    return client


def session_client(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


@pytest.fixture
def manager_client(users, make_key) -> APIClient:
    return key_client(make_key(users["manager"])[1])


@pytest.fixture
def auditor_client(users, make_key) -> APIClient:
    return key_client(make_key(users["auditor"], read_only=True)[1])


@pytest.fixture
def aws_account(db) -> AwsAccount:
    return account_create(
        account_id="111122223333",
        name="Production",
        role_arn="arn:aws:iam::111122223333:role/GrcEvidenceReader",
        external_id=EXTERNAL_ID,
        regions=["eu-west-1"],
    )


@dataclass
class ResultSpec:
    check_id: str = "s3_bucket_versioning"
    status: str = CheckResult.Status.PASS
    region: str = "eu-west-1"
    service: str = "s3"
    arn: str = "arn:aws:s3:::bucket-0"


def finished_run(account: AwsAccount, *, finished_at: dt.datetime | None = None) -> CollectionRun:
    finished_at = finished_at or timezone.now()
    return CollectionRun.objects.create(
        account=account,
        trigger=CollectionRun.Trigger.SCHEDULE,
        status=CollectionRun.Status.SUCCEEDED,
        started_at=finished_at,
        finished_at=finished_at,
    )


def add_results(
    account: AwsAccount,
    specs: list[ResultSpec],
    *,
    collected_at: dt.datetime | None = None,
    run: CollectionRun | None = None,
    evidence: EvidenceDocument | None = None,
) -> list[CheckResult]:
    """Store results the way a unit does: one timestamp for the whole batch."""
    collected_at = collected_at or timezone.now()
    run = run or finished_run(account, finished_at=collected_at)
    results = []
    for spec in specs:
        unit, _ = CollectionUnit.objects.get_or_create(
            run=run,
            service=spec.service,
            region=spec.region,
            defaults={"status": CollectionUnit.Status.DONE, "finished_at": collected_at},
        )
        resource, _ = Resource.objects.get_or_create(
            account=account,
            arn=spec.arn,
            defaults={
                "resource_type": "AWS::S3::Bucket",
                "region": spec.region,
                "service": spec.service,
            },
        )
        results.append(
            CheckResult(
                run=run,
                unit=unit,
                account=account,
                resource=resource,
                check_id=spec.check_id,
                region=spec.region,
                status=spec.status,
                reason=f"{spec.check_id} is {spec.status}",
                evidence=evidence,
                collected_at=collected_at,
                service=unit.service,
                unit_region=unit.region,
            )
        )
    return CheckResult.objects.bulk_create(results)


def error_of(response) -> dict:
    """The error object of a JSON error body, checking its shape."""
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message", "fields"} <= set(error), error
    assert isinstance(error["code"], str) and error["code"]
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["fields"], dict)
    return error
