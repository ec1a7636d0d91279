"""Findings: a page, a CSV export. Thin: the selector does the work."""

from __future__ import annotations

import csv
from collections.abc import Iterator

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evidence.collection.selectors.accounts import accounts_visible
from evidence.posture.forms import FindingFilterForm
from evidence.posture.selectors.findings import (
    FindingFilters,
    findings_describe,
    findings_queryset,
    findings_with_state,
)
from grc.access.exports import csv_cell
from grc.access.roles import can_view, role_required

PAGE_SIZE = 50
CSV_HEADER = [
    "severity", "state", "check_id", "title", "account_id", "account", "region", "resource",
    "reason", "collected_at", "first_seen_failing", "controls", "exception_id", "evidence_sha256",
]  # fmt: skip


def _filtered(request: HttpRequest) -> tuple[FindingFilterForm, FindingFilters, object]:
    form = FindingFilterForm(request.GET, accounts=list(accounts_visible()))
    filters = form.filters()
    rows = findings_queryset(filters)
    if filters.state:
        rows = rows.filter(pk__in=findings_with_state(filters))
    return form, filters, rows


@role_required(can_view)
@require_GET
def finding_index(request: HttpRequest) -> HttpResponse:
    form, filters, rows = _filtered(request)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "posture/findings.html",
        {
            "form": form,
            "page": page,
            "findings": findings_describe(list(page.object_list), filters.account_ids),
            "query": query.urlencode(),
        },
    )


def _csv_rows(filters: FindingFilters, rows) -> Iterator[list[object]]:
    yield CSV_HEADER
    batch = []
    for result in rows.iterator(chunk_size=500):
        batch.append(result)
        if len(batch) == 500:
            yield from _csv_batch(batch, filters)
            batch = []
    yield from _csv_batch(batch, filters)


def _csv_batch(results: list, filters: FindingFilters) -> Iterator[list[object]]:
    for finding in findings_describe(results, filters.account_ids):
        result = finding.result
        yield [
            finding.severity, finding.state, result.check_id, finding.title,
            result.account.account_id, result.account.name, result.region, result.resource.arn,
            result.reason, finding.collected_at.isoformat() if finding.collected_at else "",
            finding.first_seen.isoformat() if finding.first_seen else "",
            " ".join(finding.controls), finding.exception.pk if finding.exception else "",
            result.evidence.sha256 if result.evidence_id else "",
        ]  # fmt: skip


class _Echo:
    def write(self, value: str) -> str:
        return value


@role_required(can_view)
@require_GET
def finding_export(request: HttpRequest) -> StreamingHttpResponse:
    _, filters, rows = _filtered(request)
    writer = csv.writer(_Echo())
    lines = (
        writer.writerow([csv_cell(value) for value in row])
        for row in _csv_rows(filters, rows.select_related("evidence"))
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="findings.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
