"""One collection run: who it ran as, what each unit (service and region) stored or hit."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evidence.collection.selectors.runs import collection_run_read
from grc.access.roles import can_view, role_required


@role_required(can_view)
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    run = collection_run_read(run_id)
    return render(request, "collection/collectionrun_detail.html", {"run": run})
