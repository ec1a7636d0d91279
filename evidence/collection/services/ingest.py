"""Store one unit's collector results: resources, content-addressed evidence, check results."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any, NamedTuple

from django.db.models import F
from django.utils import timezone

from collectors.registry import load_checks
from collectors.types import CheckResult as CollectedResult
from collectors.types import Status
from evidence.collection.models import (
    CheckResult,
    CollectionRun,
    CollectionUnit,
    EvidenceDocument,
    Resource,
)

MAX_UNIT_ERROR_CHARS = 2000


def canonical_json(content: Any) -> bytes:
    """The exact bytes we hash: sorted keys, no whitespace, UTF-8."""
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    ).encode()


def evidence_content(result: CollectedResult) -> dict[str, Any]:
    return {
        "configuration": result.evidence,
        "sources": [asdict(call) for call in result.sources],
    }


Hashed = tuple[str, Mapping[str, Any], int]  # sha256, content, size of the canonical JSON


def hashed_document(content: Mapping[str, Any]) -> Hashed:
    data = canonical_json(content)
    return hashlib.sha256(data).hexdigest(), content, len(data)


def evidence_documents_insert(documents: list[Hashed]) -> dict[str, int]:
    """Insert each distinct (hashed) document once; return sha256 -> row id for all of them."""
    by_hash = {sha: (content, size) for sha, content, size in documents}
    EvidenceDocument.objects.bulk_create(
        [
            EvidenceDocument(sha256=sha, content=content, size=size)
            for sha, (content, size) in by_hash.items()
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    return dict(EvidenceDocument.objects.filter(sha256__in=by_hash).values_list("sha256", "pk"))


def resources_store(account_id: int, service: str, results: list[CollectedResult]) -> dict:
    """Upsert the resources the results name; return arn -> row id."""
    wanted = {
        result.resource_id: Resource(
            account_id=account_id,
            arn=result.resource_id,
            resource_type=result.resource_type,
            region=result.region,
            service=service,
        )
        for result in results
    }
    Resource.objects.bulk_create(wanted.values(), ignore_conflicts=True, batch_size=500)
    return dict(
        Resource.objects.filter(account_id=account_id, arn__in=wanted).values_list("arn", "pk")
    )


class Verdict(NamedTuple):
    """What makes two results the same: equal verdicts extend one span instead of a new row."""

    resource_id: int
    check_id: str
    check_version: str
    region: str
    status: str
    reason: str
    evidence_id: int | None


def spans_store(*, unit: CollectionUnit, now: dt.datetime, results: list[Verdict]) -> int:
    """Compare the unit's results with the account's current spans of the same scope: an equal
    result writes nothing (the unit row is its observation), a new or different one opens a
    span, and a current span the unit did not reproduce is ended by this run. Returns the number
    of spans opened.

    A unit that completes after a later run already completed its scope (a lost unit of a reaped
    run, finishing late) is older news than the current spans: it writes and ends nothing, so
    the later run keeps exactly what it observed."""
    run = unit.run
    if CollectionUnit.objects.filter(
        run__account_id=run.account_id,
        run_id__gt=run.pk,
        service=unit.service,
        region=unit.region,
        status__in=(CollectionUnit.Status.DONE, CollectionUnit.Status.ERROR),
    ).exists():
        return 0
    current = CheckResult.objects.filter(
        account_id=run.account_id,
        service=unit.service,
        unit_region=unit.region,
        ended_run__isnull=True,
        run_id__lt=run.pk,
    ).values_list("pk", *Verdict._fields)
    open_spans: dict[Verdict, list[int]] = {}
    for pk, *fields in current.iterator(chunk_size=5000):
        open_spans.setdefault(Verdict(*fields), []).append(pk)
    new: list[Verdict] = []
    for verdict in results:
        if open_spans.get(verdict):
            open_spans[verdict].pop()  # reproduced: it stays current
        else:
            new.append(verdict)
    ended = [pk for pks in open_spans.values() for pk in pks]
    for start in range(0, len(ended), 1000):
        CheckResult.objects.filter(pk__in=ended[start : start + 1000]).update(ended_run=run)
    CheckResult.objects.bulk_create(
        [
            CheckResult(
                run=run,
                unit=unit,
                account_id=run.account_id,
                service=unit.service,
                unit_region=unit.region,
                collected_at=now,
                **verdict._asdict(),
            )
            for verdict in new
        ],
        batch_size=1000,
    )
    return len(new)


def unit_results_store(
    *, unit: CollectionUnit, results: list[CollectedResult], session_error: str = ""
) -> None:
    """Write a unit's results and close it. Called inside the unit's transaction."""
    run = unit.run
    now = timezone.now()
    documents = [hashed_document(evidence_content(result)) for result in results]
    document_ids = evidence_documents_insert(documents)
    resource_ids = resources_store(run.account_id, unit.service, results)
    spans_store(
        unit=unit,
        now=now,
        results=[
            Verdict(
                resource_ids[result.resource_id],
                result.check_id,
                _check_version(result.check_id),
                result.region,
                result.status.value,
                result.reason,
                document_ids[sha],
            )
            for result, (sha, _, _) in zip(results, documents, strict=True)
        ],
    )
    counts = {status: 0 for status in Status}
    for result in results:
        counts[result.status] += 1
    errors = sorted({result.reason for result in results if result.status is Status.ERROR})
    if session_error:
        errors.insert(0, session_error)
    unit.status = CollectionUnit.Status.ERROR if errors else CollectionUnit.Status.DONE
    unit.error = "; ".join(errors)[:MAX_UNIT_ERROR_CHARS]
    unit.result_count = len(results)
    unit.finished_at = now
    unit.save(update_fields=["status", "error", "result_count", "finished_at"])
    _add_counts(run.pk, counts)


def _add_counts(run_id: int, counts: dict[Status, int]) -> None:
    CollectionRun.objects.filter(pk=run_id).update(
        pass_count=F("pass_count") + counts[Status.PASS],
        fail_count=F("fail_count") + counts[Status.FAIL],
        error_count=F("error_count") + counts[Status.ERROR],
        not_applicable_count=F("not_applicable_count") + counts[Status.NOT_APPLICABLE],
    )


def _check_version(check_id: str) -> str:
    spec = load_checks().get(check_id)
    return spec.version if spec else "?"
