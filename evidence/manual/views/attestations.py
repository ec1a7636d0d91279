"""Provider attestations: the list, uploading one, reviewing one, downloading its file."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.manual.forms import AttestationForm, ReviewForm
from evidence.manual.models import ProviderAttestation
from evidence.manual.rules import may_review
from evidence.manual.selectors.requests import attestation_list
from evidence.manual.services.attestations import (
    provider_attestation_create,
    provider_attestation_review,
)
from evidence.manual.views.downloads import stored_file_response
from grc.access.forms import errors_onto
from grc.access.roles import can_manage, can_view, role_required


@require_GET
@role_required(can_view)
def attestation_index(request: HttpRequest) -> HttpResponse:
    context = {"attestations": attestation_list(), "review_form": ReviewForm()}
    return render(request, "manual/attestation_list.html", context)


@require_http_methods(["GET", "POST"])
@role_required(can_manage)
def attestation_create(request: HttpRequest) -> HttpResponse:
    form = AttestationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and getattr(request, "upload_problem", ""):
        form.is_valid()
        form.add_error("file", request.upload_problem)
    elif request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            provider_attestation_create(
                uploaded_by=request.user,
                upload=data.pop("file"),
                controls=list(data.pop("controls")),
                **data,
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            messages.success(request, "Attestation uploaded; another manager reviews it.")
            return redirect("manual:attestation-list")
    return render(
        request, "manual/attestation_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_POST
@role_required(may_review)
def attestation_review(request: HttpRequest, pk: int) -> HttpResponse:
    attestation = get_object_or_404(ProviderAttestation, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or reject.")
    else:
        try:
            provider_attestation_review(
                attestation=attestation, reviewer=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Attestation {form.cleaned_data['decision']}.")
    return redirect("manual:attestation-list")


@require_GET
@role_required(can_view)
def attestation_download(request: HttpRequest, pk: int) -> FileResponse:
    attestation = get_object_or_404(
        ProviderAttestation.objects.select_related("stored_file"), pk=pk
    )
    if attestation.stored_file is None:
        raise Http404("This attestation has no file.")
    return stored_file_response(attestation.stored_file, attestation.filename)
