"""One stored evidence document, exactly as collected, and the results that cite it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from evidence.models import EvidenceDocument
from evidence.selectors.documents import evidence_citations_page, evidence_document_read
from evidence.views.common import page
from grc.roles import can_view, role_required


@role_required(can_view)
@require_GET
def evidence_detail(request: HttpRequest, sha256: str) -> HttpResponse:
    document = get_object_or_404(EvidenceDocument, sha256=sha256.lower())
    return page(
        request,
        "evidence/evidencedocument_detail.html",
        {
            "evidence": evidence_document_read(document),
            "citations": evidence_citations_page(document, request.GET.get("page")),
        },
    )
