"""One evidence document: its content, provenance and the results that cite it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Min

from evidence.collection.models import CheckResult, EvidenceDocument
from evidence.collection.selectors.results import last_observed_at
from grc.catalog.models import ControlCheck


@dataclass(frozen=True)
class EvidenceView:
    document: EvidenceDocument
    pretty: str
    sources: list[dict[str, Any]]
    first_seen: dt.datetime | None
    last_seen: dt.datetime | None


def evidence_document_read(document: EvidenceDocument) -> EvidenceView:
    """The document pretty-printed and when results citing it were first and last collected.
    Two queries."""
    citing = CheckResult.objects.filter(evidence=document)
    first_seen = citing.aggregate(first=Min("collected_at"))["first"]
    content = document.content if isinstance(document.content, dict) else {}
    sources = [
        {
            "service": source.get("service", ""),
            "operation": source.get("operation", ""),
            "params": json.dumps(source.get("params") or {}, sort_keys=True, default=str),
        }
        for source in content.get("sources", [])
        if isinstance(source, dict)
    ]
    return EvidenceView(
        document=document,
        pretty=json.dumps(document.content, indent=2, sort_keys=True, ensure_ascii=False),
        sources=sources,
        first_seen=first_seen,
        last_seen=last_observed_at(citing) if first_seen else None,
    )


def evidence_citations_page(
    document: EvidenceDocument, page_number: str | int | None, per_page: int = 50
) -> Page:
    """Results citing the document, newest first: each a span, shown with the run that first
    collected it. Two queries (count, page)."""
    results = (
        CheckResult.objects.filter(evidence=document)
        .select_related("resource", "account", "run")
        .only(
            "check_id",
            "status",
            "region",
            "reason",
            "collected_at",
            "run__id",
            "resource__arn",
            "account__name",
            "account__account_id",
        )
        .order_by("-collected_at", "-id")
    )
    return Paginator(results, per_page).get_page(page_number)


def check_control_refs(check_ids: set[str]) -> dict[str, list[str]]:
    """Check id -> refs of the controls it evidences, so a result can link to its controls."""
    refs: dict[str, list[str]] = {}
    rows = ControlCheck.objects.filter(check_id__in=check_ids).values_list(
        "check_id", "control__ref"
    )
    for check_id, ref in rows.order_by("control__ref"):
        refs.setdefault(check_id, []).append(ref)
    return refs
