import pytest

from evidence.collection.models import CheckResult, CollectionRun, CollectionUnit, EvidenceDocument
from evidence.collection.services.runs import CollectionAlreadyRunning, collection_run_start
from tests.evidence.conftest import run_collection

pytestmark = pytest.mark.django_db


def test_run_stores_results_evidence_and_provenance(
    aws, account, django_capture_on_commit_callbacks
):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acme-open-data")

    run = run_collection(account, django_capture_on_commit_callbacks)

    assert run.status in (CollectionRun.Status.SUCCEEDED, CollectionRun.Status.WITH_ERRORS)
    assert run.units_total == run.units_done == run.units.count() > 5
    assert run.caller_identity["Account"] == account.account_id
    assert "GrcEvidenceReader" in run.caller_identity["Arn"]
    versioning = CheckResult.objects.get(
        run=run, check_id="s3_bucket_versioning", resource__arn="arn:aws:s3:::acme-open-data"
    )
    assert versioning.status == CheckResult.Status.FAIL
    assert versioning.evidence.content["sources"], "evidence names the API calls it came from"
    operations = {source["operation"] for source in versioning.evidence.content["sources"]}
    assert any("Versioning" in operation for operation in operations)
    assert run.pass_count + run.fail_count + run.error_count + run.not_applicable_count == (
        run.results.count()
    )


def test_second_run_while_one_is_active_is_refused(account, django_capture_on_commit_callbacks):
    first = collection_run_start(account=account, trigger=CollectionRun.Trigger.MANUAL)

    with pytest.raises(CollectionAlreadyRunning) as refused:
        collection_run_start(account=account, trigger=CollectionRun.Trigger.API)

    assert refused.value.run == first
    assert CollectionRun.objects.filter(account=account).count() == 1


def test_unit_redelivered_after_completion_writes_nothing_twice(
    aws, account, django_capture_on_commit_callbacks
):
    from evidence.collection.services.runs import collection_unit_execute

    run = run_collection(account, django_capture_on_commit_callbacks)
    count = CheckResult.objects.filter(run=run).count()
    # The run is over; a late duplicate delivery of any unit must be a no-op.
    for unit in CollectionUnit.objects.filter(run=run):
        collection_unit_execute(unit.pk, enqueue_finish=lambda run_id: None)

    assert CheckResult.objects.filter(run=run).count() == count


def test_unchanged_account_stores_each_document_once_and_a_change_adds_only_it(
    aws, account, django_capture_on_commit_callbacks
):
    s3 = aws.client("s3")
    for name in ("acme-a", "acme-b", "acme-c"):
        s3.create_bucket(Bucket=name)
    run_collection(account, django_capture_on_commit_callbacks)
    documents_after_first = EvidenceDocument.objects.count()

    for _ in range(29):
        run_collection(account, django_capture_on_commit_callbacks)

    assert EvidenceDocument.objects.count() == documents_after_first
    assert CollectionRun.objects.exclude(status__in=CollectionRun.ACTIVE).count() == 30

    s3.put_bucket_versioning(Bucket="acme-b", VersioningConfiguration={"Status": "Enabled"})
    last = run_collection(account, django_capture_on_commit_callbacks)

    new_documents = (
        EvidenceDocument.objects.filter(results__run=last)
        .exclude(results__run__in=CollectionRun.objects.exclude(pk=last.pk))
        .distinct()
    )
    assert 1 <= new_documents.count() <= 2  # the versioning read, cited by its two checks
    for document in new_documents:
        assert "acme-b" in str(document.content), "only the changed bucket has new documents"
