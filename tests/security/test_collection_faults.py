"""A run against moto: a duplicated region is collected once and the run completes; an assumed
role that turns out to be in another account fails the run before anything is stored."""

from __future__ import annotations

from evidence.collection.models import AwsAccount, CheckResult, CollectionRun, CollectionUnit
from evidence.collection.services.runs import collection_run_execute
from tests.evidence.conftest import run_collection


def test_a_duplicated_region_is_collected_once(aws, account, django_capture_on_commit_callbacks):
    # A row written before regions were validated (or by hand) holds the region twice.
    AwsAccount.objects.filter(pk=account.pk).update(regions=["us-east-1", "us-east-1"])
    account.refresh_from_db()

    run = run_collection(account, django_capture_on_commit_callbacks)

    assert run.status in (CollectionRun.Status.SUCCEEDED, CollectionRun.Status.WITH_ERRORS)
    assert run.regions == ["us-east-1"]
    units = CollectionUnit.objects.filter(run=run)
    assert run.units_total == units.count() == run.units_done
    assert not units.filter(status=CollectionUnit.Status.PENDING).exists()
    pairs = list(units.values_list("service", "region"))
    assert len(pairs) == len(set(pairs))
    keys = list(CheckResult.objects.filter(run=run).values_list("check_id", "resource_id"))
    assert len(keys) == len(set(keys))  # no result stored twice


def test_an_identity_in_another_account_fails_the_run(
    aws, account, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(
        "evidence.collection.services.runs.caller_identity",
        lambda session: {
            "Account": "999988887777",
            "Arn": "arn:aws:sts::999988887777:assumed-role/GrcEvidenceReader/grc",
            "UserId": "AROA:grc",
        },
    )
    run = CollectionRun.objects.create(account=account, trigger=CollectionRun.Trigger.MANUAL)
    sent: list[int] = []
    with django_capture_on_commit_callbacks(execute=True):
        collection_run_execute(run.pk, enqueue_unit=sent.append)

    run.refresh_from_db()
    assert run.status == CollectionRun.Status.FAILED
    assert sent == [] and not run.units.exists()
    reason = run.errors[-1]["reason"]
    assert "999988887777" in reason and account.account_id in reason
    assert "not the registered account" in reason
    assert run.caller_identity["Account"] == "999988887777"  # recorded for the audit trail
