"""Submitting evidence, the review queue, reviewing, and downloading a submission's file."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.manual.forms import ReviewForm, SubmissionForm
from evidence.manual.models import EvidenceSubmission
from evidence.manual.rules import may_review, may_see_request
from evidence.manual.selectors.requests import attestations_pending_review, review_queue
from evidence.manual.services.submissions import (
    evidence_submission_create,
    evidence_submission_review,
)
from evidence.manual.views.downloads import stored_file_response
from evidence.manual.views.requests import request_for_submit
from grc.access.forms import errors_onto
from grc.access.roles import role_required


@require_http_methods(["GET", "POST"])
@login_required
def submission_create(request: HttpRequest, pk: int) -> HttpResponse:
    evidence_request = request_for_submit(request, pk)
    initial = {"kind": "file", "effective_date": timezone.localdate()}
    form = SubmissionForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and getattr(request, "upload_problem", ""):
        form.is_valid()
        form.add_error("file", request.upload_problem)
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            _, linked = evidence_submission_create(
                request=evidence_request,
                submitted_by=request.user,
                upload=data.pop("file"),
                **data,
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            note = " The same file was already stored: linked, not stored twice." if linked else ""
            messages.success(request, "Evidence submitted for review." + note)
            return redirect("manual:request-detail", pk=evidence_request.pk)
    context = {"form": form, "evidence_request": evidence_request}
    return render(
        request, "manual/submission_form.html", context, status=400 if form.errors else 200
    )


@require_GET
@role_required(may_review)
def review_queue_page(request: HttpRequest) -> HttpResponse:
    context = {
        "submissions": review_queue(user=request.user),
        "attestations": attestations_pending_review(user=request.user),
        "review_form": ReviewForm(),
    }
    return render(request, "manual/review_queue.html", context)


@require_POST
@login_required
def submission_review(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(EvidenceSubmission, pk=pk)
    if not may_review(request.user):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
    else:
        try:
            evidence_submission_review(
                submission=submission, reviewer=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Submission {form.cleaned_data['decision']}.")
    return redirect("manual:request-detail", pk=submission.request_id)


@require_GET
@login_required
def submission_download(request: HttpRequest, pk: int) -> FileResponse:
    submission = get_object_or_404(
        EvidenceSubmission.objects.select_related("request", "stored_file"), pk=pk
    )
    if not may_see_request(request.user, submission.request):
        raise PermissionDenied
    if submission.stored_file is None:
        raise Http404("This submission has no file.")
    return stored_file_response(submission.stored_file, submission.filename)
