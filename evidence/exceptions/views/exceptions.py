"""Exception pages: list, request, detail with approve / reject / revoke. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from collectors.registry import load_checks
from evidence.exceptions.forms import DecisionForm, ExceptionRequestForm, RevokeForm
from evidence.exceptions.models import RiskException
from evidence.exceptions.selectors.exceptions import exceptions_list
from evidence.exceptions.services.exceptions import (
    exception_decide,
    exception_request,
    exception_revoke,
)
from grc.access.forms import errors_onto
from grc.access.roles import can_manage, can_view, role_required


def _errors_to_messages(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@role_required(can_view)
@require_GET
def exception_index(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    if state not in RiskException.State.values:
        state = ""
    return render(
        request,
        "exceptions/exception_list.html",
        {
            "exceptions": exceptions_list(state=state)[:500],
            "state": state,
            "states": RiskException.State.choices,
        },
    )


@role_required(can_manage)
@require_http_methods(["GET", "POST"])
def exception_create(request: HttpRequest) -> HttpResponse:
    form = ExceptionRequestForm(request.POST or None, initial=request.GET.dict())
    if request.method == "POST" and form.is_valid():
        try:
            exception = exception_request(requested_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            messages.success(request, "Exception requested; another manager must approve it.")
            return redirect("exception-detail", pk=exception.pk)
    status = 400 if form.errors else 200
    return render(request, "exceptions/exception_form.html", {"form": form}, status=status)


@role_required(can_view)
@require_GET
def exception_detail(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(exceptions_list(), pk=pk)
    spec = load_checks().get(exception.check_id)
    return render(
        request,
        "exceptions/exception_detail.html",
        {
            "exception": exception,
            "check_title": spec.title if spec else exception.check_id,
            "decision_form": DecisionForm(),
            "revoke_form": RevokeForm(),
        },
    )


@role_required(can_manage)
@require_POST
def exception_decision(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(RiskException, pk=pk)
    form = DecisionForm(request.POST)
    form.is_valid()
    try:
        exception_decide(
            exception=exception,
            approve=request.POST.get("decision") == "approve",
            decided_by=request.user,
            comment=form.cleaned_data.get("comment", ""),
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, "Decision recorded.")
    return redirect("exception-detail", pk=pk)


@role_required(can_manage)
@require_POST
def exception_revocation(request: HttpRequest, pk: int) -> HttpResponse:
    exception = get_object_or_404(RiskException, pk=pk)
    form = RevokeForm(request.POST)
    form.is_valid()
    try:
        exception_revoke(
            exception=exception,
            revoked_by=request.user,
            reason=form.cleaned_data.get("reason", ""),
        )
    except ValidationError as error:
        _errors_to_messages(request, error)
    else:
        messages.success(request, "Exception revoked; its findings count as failing again.")
    return redirect("exception-detail", pk=pk)
