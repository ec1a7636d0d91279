"""Evidence immutability, retention and account validation."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from evidence.collection.models import (
    AuditPeriod,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    EvidenceDocument,
    ImmutableEvidenceError,
    Resource,
)
from evidence.collection.services.accounts import (
    account_create,
    account_schedule_set,
    account_update,
)
from evidence.collection.services.ingest import (
    Verdict,
    evidence_documents_insert,
    hashed_document,
    spans_store,
)
from evidence.collection.services.retention import evidence_retention_apply


def store(contents):
    return evidence_documents_insert([hashed_document(content) for content in contents])


pytestmark = pytest.mark.django_db


def test_same_document_is_stored_once_under_its_hash():
    content = {"configuration": {"Bucket": "a", "Versioning": "Enabled"}, "sources": []}
    reordered = {"sources": [], "configuration": {"Versioning": "Enabled", "Bucket": "a"}}

    first = store([content])
    second = store([reordered, content])

    assert first == second
    assert EvidenceDocument.objects.count() == 1


def test_evidence_document_cannot_be_changed_through_the_model():
    (document_id,) = store([{"configuration": {}, "sources": []}]).values()
    document = EvidenceDocument.objects.get(pk=document_id)
    document.content = {"configuration": {"forged": True}}

    with pytest.raises(ImmutableEvidenceError):
        document.save()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger is Postgres-only")
def test_database_refuses_updates_to_evidence():
    (document_id,) = store([{"configuration": {}, "sources": []}]).values()

    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        EvidenceDocument.objects.filter(pk=document_id).update(size=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger is Postgres-only")
def test_database_allows_a_result_to_be_ended_once_and_nothing_else(account):
    (document_id,) = store([{"configuration": {}, "sources": []}]).values()
    first = _run_on(account, timezone.localdate(), document_id)
    later = CollectionRun.objects.create(account=account, trigger="schedule", status="succeeded")
    span = CheckResult.objects.filter(run=first)

    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        span.update(ended_run=later, status="FAIL")
    span.update(ended_run=later)
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        span.update(ended_run=first)

    assert span.get().ended_run == later


@pytest.fixture
def account():
    return account_create(
        account_id="111122223333",
        name="Prod",
        external_id="shh",
        role_arn="arn:aws:iam::111122223333:role/GrcEvidenceReader",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("account_id", "12345", "exactly 12 digits"),
        ("role_arn", "arn:aws:iam::111122223333:user/bob", "IAM role ARN"),
        ("role_arn", "arn:aws:iam::999999999999:role/GrcEvidenceReader", "belong to this account"),
        ("regions", ["us-east-1", "mars-north-1x"], "mars-north-1x"),
    ],
)
def test_account_validation_names_the_field(field, value, message):
    values = {
        "account_id": "111122223333",
        "name": "Prod",
        "external_id": "shh",
        "role_arn": "arn:aws:iam::111122223333:role/GrcEvidenceReader",
        "regions": [],
    }
    values[field] = value

    with pytest.raises(ValidationError) as error:
        account_create(**values)

    assert field in error.value.message_dict
    assert message in " ".join(error.value.message_dict[field])


def test_account_gets_an_editable_daily_schedule(account):
    assert account.schedule.interval.every == 24
    assert account.schedule.task == "evidence.collection.tasks.collection_scheduled_task"

    account_schedule_set(account=account, every_hours=6)
    account_update(account=account, enabled=False)

    account.schedule.refresh_from_db()
    assert account.schedule.interval.every == 6
    assert account.schedule.enabled is False


def test_external_id_is_not_in_the_account_text(account):
    assert "shh" not in str(account) and "shh" not in repr(account)


def _run_on(account, day: dt.date, document_id: int) -> CollectionRun:
    """A run on ``day`` whose one result cites the document, stored as ingest stores it."""
    run = CollectionRun.objects.create(account=account, trigger="schedule", status="succeeded")
    CollectionRun.objects.filter(pk=run.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(day, dt.time(3)))
    )
    unit = CollectionUnit.objects.create(run=run, service="s3", region="global", status="done")
    resource, _ = Resource.objects.get_or_create(
        account=account,
        arn="arn:aws:s3:::b",
        resource_type="AWS::S3::Bucket",
        region="global",
        service="s3",
    )
    verdict = Verdict(resource.pk, "s3_bucket_versioning", "1", "global", "PASS", "ok", document_id)
    spans_store(unit=unit, now=timezone.now(), results=[verdict])
    return run


def test_retention_keeps_audit_periods_and_cited_evidence(account, settings):
    settings.GRC_EVIDENCE_RETENTION_DAYS = 365
    old, audited, cited_by_recent = store(
        [{"configuration": {"n": n}, "sources": []} for n in range(3)]
    ).values()
    today = timezone.localdate()
    expired_run = _run_on(account, today - dt.timedelta(days=800), old)
    _run_on(account, today - dt.timedelta(days=790), cited_by_recent)
    audited_run = _run_on(account, today - dt.timedelta(days=700), audited)
    recent_run = _run_on(account, today - dt.timedelta(days=10), cited_by_recent)
    AuditPeriod.objects.create(
        name="FY2024",
        start=today - dt.timedelta(days=720),
        end=today - dt.timedelta(days=600),
        closed=True,
    )

    deleted = evidence_retention_apply()

    remaining = set(CollectionRun.objects.values_list("pk", flat=True))
    assert expired_run.pk not in remaining
    assert {audited_run.pk, recent_run.pk} <= remaining
    assert deleted["runs"] == 2
    assert set(EvidenceDocument.objects.values_list("pk", flat=True)) == {audited, cited_by_recent}


def test_external_id_is_encrypted_at_rest(account):
    with connection.cursor() as cursor:
        cursor.execute("SELECT external_id FROM evidence_awsaccount WHERE id = %s", [account.pk])
        (stored,) = cursor.fetchone()

    assert "shh" not in stored and len(stored) > 50
    assert type(account).objects.get(pk=account.pk).external_id == "shh"
