"""Evidence request pages: mine, all (with bulk owner assignment), one request, a new one."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.manual.forms import AssignForm, RequestForm, ReviewForm, SubmissionForm
from evidence.manual.models import EvidenceRequest
from evidence.manual.rules import may_review, may_see_request, may_submit
from evidence.manual.selectors.requests import (
    STATUS_LABELS,
    all_request_rows,
    my_request_rows,
    request_row,
)
from evidence.manual.services.requests import (
    evidence_request_create,
    evidence_requests_assign,
    evidence_requests_seed,
)
from grc.access.forms import errors_onto
from grc.access.roles import can_manage, can_view, role_required


@require_GET
@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    rows = my_request_rows(user=request.user, today=timezone.localdate())
    return render(request, "manual/my_requests.html", {"rows": rows})


@require_GET
@role_required(can_view)
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in STATUS_LABELS else ""
    rows = all_request_rows(today=timezone.localdate(), status=status)
    context = {
        "rows": rows,
        "status": status,
        "status_labels": STATUS_LABELS,
        "assign_form": AssignForm() if can_manage(request.user) else None,
    }
    return render(request, "manual/request_list.html", context)


@require_GET
@login_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = request_row(request_id=pk, today=timezone.localdate())
    if row is None:
        raise Http404("No such evidence request.")
    if not may_see_request(request.user, row.request):
        raise PermissionDenied
    context = {
        "row": row,
        "evidence_request": row.request,
        "submissions": list(row.request.submissions.all()),
        "may_submit": may_submit(request.user, row.request),
        "may_review": may_review(request.user),
        "review_form": ReviewForm(),
        "form": SubmissionForm(initial={"kind": "file", "effective_date": timezone.localdate()}),
    }
    return render(request, "manual/request_detail.html", context)


@require_http_methods(["GET", "POST"])
@role_required(can_manage)
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestForm(request.POST or None, initial={"control": request.GET.get("control")})
    if request.method == "POST" and form.is_valid():
        try:
            created = evidence_request_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, f"Request “{created.title}” added to {created.control.ref}.")
            return redirect("manual:request-detail", pk=created.pk)
    return render(
        request, "manual/request_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
@role_required(can_manage)
def requests_assign(request: HttpRequest) -> HttpResponse:
    form = AssignForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose an owner and at least one request.")
    else:
        count = evidence_requests_assign(
            requests=form.cleaned_data["requests"],
            owner=form.cleaned_data["owner"],
            by=request.user,
        )
        messages.success(request, f"{count} request(s) now owned by {form.cleaned_data['owner']}.")
    return redirect("manual:request-list")


@require_POST
@role_required(can_manage)
def requests_seed(request: HttpRequest) -> HttpResponse:
    count = evidence_requests_seed()
    messages.success(request, f"{count} request(s) created from the catalog.")
    return redirect("manual:request-list")


def request_for_submit(request: HttpRequest, pk: int) -> EvidenceRequest:
    evidence_request = get_object_or_404(EvidenceRequest.objects.select_related("control"), pk=pk)
    if not may_submit(request.user, evidence_request):
        raise PermissionDenied
    return evidence_request
