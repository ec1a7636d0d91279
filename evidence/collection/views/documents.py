"""One stored evidence document, exactly as collected, and the results that cite it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from evidence.collection.models import EvidenceDocument
from evidence.collection.selectors.documents import (
    check_control_refs,
    evidence_citations_page,
    evidence_document_read,
)
from grc.access.roles import can_view, role_required


@role_required(can_view)
@require_GET
def evidence_detail(request: HttpRequest, sha256: str) -> HttpResponse:
    document = get_object_or_404(EvidenceDocument, sha256=sha256.lower())
    citations = evidence_citations_page(document, request.GET.get("page"))
    refs = check_control_refs({result.check_id for result in citations})
    for result in citations:
        result.control_refs = refs.get(result.check_id, [])
    return render(
        request,
        "collection/evidencedocument_detail.html",
        {"evidence": evidence_document_read(document), "citations": citations},
    )
