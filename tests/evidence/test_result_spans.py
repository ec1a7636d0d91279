"""Results stored as spans: an unchanged result is written once and still belongs to every run
that reproduced it; every reader sees each run's results exactly as a row per result had them."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.db import transaction
from django.utils import timezone

from collectors.types import CheckResult as Collected
from collectors.types import Status
from evidence.collection.models import CheckResult, CollectionRun, CollectionUnit, EvidenceDocument
from evidence.collection.selectors.documents import evidence_document_read
from evidence.collection.selectors.results import results_in_run, results_in_runs
from evidence.collection.services.ingest import unit_results_store
from evidence.collection.services.retention import evidence_retention_apply
from evidence.packets.selectors.packets import sample_results
from evidence.packets.selectors.population import resource_population
from evidence.posture.selectors.findings import (
    FindingFilters,
    findings_describe,
    findings_queryset,
)
from tests.factories import AwsAccountFactory

pytestmark = pytest.mark.django_db

DAY0 = dt.datetime(2026, 3, 2, 6, tzinfo=dt.UTC)
S3 = ("s3", "global")
EC2 = ("ec2", "eu-west-1")


def verdict(arn: str, status: str = "PASS", check: str = "s3_bucket_versioning", **kw) -> Collected:
    return Collected(
        check_id=check,
        account_id="111122223333",
        region=kw.get("region", "global"),
        resource_id=arn,
        resource_type="AWS::S3::Bucket",
        status=Status(status),
        reason=kw.get("reason", f"{arn} {status}"),
        evidence={"Bucket": arn, "state": kw.get("state", status)},
    )


def collect(account, day: int, units: dict, *, pending=()) -> CollectionRun:
    """One run on DAY0 + ``day``: each scope's results stored as a unit does; ``pending``
    scopes never complete. The run ends as the run service would end it."""
    when = DAY0 + dt.timedelta(days=day)
    with time_machine.travel(when, tick=False):
        run = CollectionRun.objects.create(
            account=account, trigger="schedule", status="running", started_at=when
        )
        for service, region in [*units, *pending]:
            CollectionUnit.objects.create(run=run, service=service, region=region)
        for (service, region), results in units.items():
            unit = CollectionUnit.objects.get(run=run, service=service, region=region)
            with transaction.atomic():
                unit_results_store(unit=unit, results=results)
        CollectionRun.objects.filter(pk=run.pk).update(
            status="finished_with_errors" if pending else "succeeded",
            finished_at=when + dt.timedelta(minutes=5),
        )
    run.refresh_from_db()
    return run


def rows_of(run_or_runs) -> Counter:
    runs = run_or_runs if isinstance(run_or_runs, list) else [run_or_runs]
    results = results_in_runs([run.pk for run in runs])
    return Counter(results.values_list("resource__arn", "check_id", "status", "reason"))


def expected(*results: Collected) -> Counter:
    return Counter((r.resource_id, r.check_id, r.status.value, r.reason) for r in results)


@pytest.fixture
def account():
    return AwsAccountFactory(account_id="111122223333")


def test_an_unchanged_second_run_writes_no_result_and_still_has_them_all(account):
    results = [verdict("arn:aws:s3:::a"), verdict("arn:aws:s3:::b", "FAIL")]
    first = collect(account, 0, {S3: results})
    stored = CheckResult.objects.count()

    second = collect(account, 1, {S3: results})

    assert CheckResult.objects.count() == stored == 2
    assert rows_of(second) == rows_of(first) == expected(*results)
    assert not CheckResult.objects.filter(ended_run__isnull=False).exists()
    second.refresh_from_db()
    assert (second.pass_count, second.fail_count) == (1, 1)  # counters count observed results


def test_a_changed_verdict_ends_its_span_and_opens_a_new_one(account):
    first = collect(account, 0, {S3: [verdict("arn:aws:s3:::a"), verdict("arn:aws:s3:::b")]})
    changed = [verdict("arn:aws:s3:::a"), verdict("arn:aws:s3:::b", "FAIL")]

    second = collect(account, 1, {S3: changed})

    old = CheckResult.objects.get(resource__arn="arn:aws:s3:::b", status="PASS")
    new = CheckResult.objects.get(resource__arn="arn:aws:s3:::b", status="FAIL")
    assert (old.run, old.ended_run, new.run, new.ended_run) == (first, second, second, None)
    assert rows_of(first) == expected(verdict("arn:aws:s3:::a"), verdict("arn:aws:s3:::b"))
    assert rows_of(second) == expected(*changed)
    assert CheckResult.objects.count() == 3


def test_a_new_evidence_document_alone_is_a_change(account):
    collect(account, 0, {S3: [verdict("arn:aws:s3:::a", state="v1")]})
    second = collect(account, 1, {S3: [verdict("arn:aws:s3:::a", state="v2")]})

    (current,) = results_in_run(second.pk)
    assert current.run == second
    assert current.evidence.content["configuration"]["state"] == "v2"


def test_a_deleted_resource_span_ends(account):
    collect(account, 0, {S3: [verdict("arn:aws:s3:::a"), verdict("arn:aws:s3:::gone")]})

    second = collect(account, 1, {S3: [verdict("arn:aws:s3:::a")]})

    gone = CheckResult.objects.get(resource__arn="arn:aws:s3:::gone")
    assert gone.ended_run == second
    assert rows_of(second) == expected(verdict("arn:aws:s3:::a"))


def test_an_error_unit_observes_what_it_stored_and_ends_the_rest(account):
    collect(account, 0, {S3: [verdict("arn:aws:s3:::a"), verdict("arn:aws:s3:::b")]})
    unreadable = verdict("arn:aws:s3:::b", "ERROR", reason="AccessDenied")

    second = collect(account, 1, {S3: [verdict("arn:aws:s3:::a"), unreadable]})

    assert second.units.get().status == CollectionUnit.Status.ERROR
    assert rows_of(second) == expected(verdict("arn:aws:s3:::a"), unreadable)


def test_a_pending_unit_observes_nothing_and_ends_nothing(account):
    s3 = [verdict("arn:aws:s3:::a")]
    ec2 = [verdict("arn:aws:ec2:eu-west-1:111122223333:sg/sg-1", region="eu-west-1")]
    first = collect(account, 0, {S3: s3, EC2: ec2})

    second = collect(account, 1, {S3: s3}, pending=[EC2])
    third = collect(account, 2, {S3: s3, EC2: ec2})

    assert rows_of(first) == rows_of(third) == expected(*s3, *ec2)
    assert rows_of(second) == expected(*s3)
    assert CheckResult.objects.count() == 2


def test_a_unit_finishing_after_a_later_run_changes_nothing_the_later_run_saw(account):
    first = collect(account, 0, {S3: [verdict("arn:aws:s3:::a")]}, pending=[EC2])
    ec2 = [verdict("arn:aws:ec2:eu-west-1:111122223333:sg/sg-1", region="eu-west-1")]
    second = collect(account, 1, {S3: [verdict("arn:aws:s3:::a")], EC2: ec2})
    late = first.units.get(service="ec2")

    with transaction.atomic():
        unit_results_store(unit=late, results=[verdict("arn:aws:ec2:x", region="eu-west-1")])

    assert rows_of(second) == expected(verdict("arn:aws:s3:::a"), *ec2)
    assert not CheckResult.objects.filter(resource__arn="arn:aws:ec2:x").exists()


def test_other_accounts_and_other_scopes_are_not_observed(account):
    other = AwsAccountFactory(account_id="999988887777")
    collect(account, 0, {S3: [verdict("arn:aws:s3:::a")]})
    theirs = collect(other, 0, {EC2: [verdict("arn:aws:ec2:x", region="eu-west-1")]})

    assert rows_of(theirs) == expected(verdict("arn:aws:ec2:x", region="eu-west-1"))


# Three runs of history: every reader returns what a row per result returned.

RUN1 = [verdict("arn:aws:s3:::a"), verdict("arn:aws:s3:::b", "FAIL")]
RUN2 = [verdict("arn:aws:s3:::a"), verdict("arn:aws:s3:::b", "FAIL"), verdict("arn:aws:s3:::c")]
RUN3 = [verdict("arn:aws:s3:::a", "FAIL"), verdict("arn:aws:s3:::b", "FAIL")]


@pytest.fixture
def history(account):
    return [collect(account, day, {S3: results}) for day, results in enumerate([RUN1, RUN2, RUN3])]


def test_each_run_has_exactly_its_results(history):
    assert [rows_of(run) for run in history] == [expected(*r) for r in (RUN1, RUN2, RUN3)]
    assert CheckResult.objects.count() == 4  # a, b, c once; a again when it started failing


def test_findings_are_the_latest_run_failures_seen_when_it_collected(history, account):
    rows = list(findings_queryset(FindingFilters(account_ids=[account.pk])))
    findings = findings_describe(rows, [account.pk])

    assert sorted(r.resource.arn for r in rows) == ["arn:aws:s3:::a", "arn:aws:s3:::b"]
    assert {f.collected_at for f in findings} == {history[2].units.get().finished_at}
    b = next(f for f in findings if f.result.resource.arn.endswith(":b"))
    assert b.first_seen == history[0].units.get().finished_at  # failing since the first run


def test_packet_samples_are_per_run_with_that_run_time(history):
    for run, results in zip(history, (RUN1, RUN2, RUN3), strict=True):
        rows = list(sample_results(run_ids=[run.pk], check_ids=["s3_bucket_versioning"]))
        assert Counter((r[3], r[4], r[5], r[6]) for r in rows) == expected(*results)
        assert {r[0] for r in rows} == {run.units.get().finished_at}
        assert [r[3] for r in rows] == sorted(r[3] for r in rows)


def test_population_counts_every_observation_in_the_period(history, account):
    times = [run.units.get().finished_at for run in history]

    rows = resource_population(
        account_ids=[account.pk],
        check_ids=["s3_bucket_versioning"],
        start=DAY0.date(),
        end=DAY0.date() + dt.timedelta(days=2),
    )

    assert [(r[1], r[5], r[6], r[7], r[8]) for r in rows] == [
        ("arn:aws:s3:::a", times[0], times[2], 3, 1),
        ("arn:aws:s3:::b", times[0], times[2], 3, 3),
        ("arn:aws:s3:::c", times[1], times[1], 1, 0),
    ]
    later = resource_population(
        account_ids=[account.pk],
        check_ids=["s3_bucket_versioning"],
        start=DAY0.date() + dt.timedelta(days=1),
        end=DAY0.date() + dt.timedelta(days=1),
    )
    assert [(r[1], r[7]) for r in later] == [
        ("arn:aws:s3:::a", 1),
        ("arn:aws:s3:::b", 1),
        ("arn:aws:s3:::c", 1),
    ]


def test_a_document_is_last_seen_when_the_last_run_citing_it_collected(history):
    b = CheckResult.objects.get(resource__arn="arn:aws:s3:::b")
    view = evidence_document_read(b.evidence)

    assert view.first_seen == history[0].units.get().finished_at
    assert view.last_seen == history[2].units.get().finished_at


def test_retention_keeps_spans_a_kept_run_still_observes(history, settings):
    settings.GRC_EVIDENCE_RETENTION_DAYS = 30
    first, second, third = history
    CollectionRun.objects.filter(pk__in=[first.pk, second.pk]).update(
        created_at=timezone.now() - dt.timedelta(days=60)
    )

    deleted = evidence_retention_apply()

    # c (second run only) and a's passing span (first and second runs) are gone; b, failing
    # since the first run, is still observed by the third, so it and its first run stay.
    assert deleted["results"] == 2
    assert set(CollectionRun.objects.values_list("pk", flat=True)) == {first.pk, third.pk}
    assert rows_of(third) == expected(*RUN3)
    assert EvidenceDocument.objects.filter(results__isnull=True).count() == 0
