"""Store one unit's collector results: resources, content-addressed evidence, check results."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict
from typing import Any

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


def evidence_documents_store(contents: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Insert each distinct document once; return sha256 -> row id for all of them."""
    return _documents_insert([hashed_document(content) for content in contents])


def _documents_insert(documents: list[Hashed]) -> dict[str, int]:
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


def unit_results_store(
    *, unit: CollectionUnit, results: list[CollectedResult], session_error: str = ""
) -> None:
    """Write a unit's results and close it. Called inside the unit's transaction."""
    run = unit.run
    now = timezone.now()
    documents = [hashed_document(evidence_content(result)) for result in results]
    document_ids = _documents_insert(documents)
    resource_ids = resources_store(run.account_id, unit.service, results)
    CheckResult.objects.bulk_create(
        [
            CheckResult(
                run=run,
                unit=unit,
                account_id=run.account_id,
                resource_id=resource_ids[result.resource_id],
                check_id=result.check_id,
                check_version=_check_version(result.check_id),
                region=result.region,
                status=result.status.value,
                reason=result.reason,
                evidence_id=document_ids[sha],
                collected_at=now,
            )
            for result, (sha, _, _) in zip(results, documents, strict=True)
        ],
        batch_size=1000,
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
