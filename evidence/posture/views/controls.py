"""Controls: the filtered list, one control's page, and changing a parameter (managers)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from evidence.manual.selectors.requests import control_manual_evidence
from evidence.posture.selectors.controls import (
    control_checks,
    control_criteria,
    control_list,
    failing_resources_page,
    history_calendars,
    parameter_changes_recent,
)
from evidence.posture.selectors.groups import control_accounts_not_passing
from evidence.posture.selectors.status import STATUS_LABELS
from evidence.posture.views.common import filter_bar
from grc.access.roles import can_manage, can_view, role_required
from grc.catalog.forms import ParameterForm
from grc.catalog.models import Control, ControlParameter
from grc.catalog.services.parameters import control_parameter_set


@role_required(can_view)
@require_GET
def control_index(request: HttpRequest) -> HttpResponse:
    form, filters = filter_bar(request)
    return render(
        request,
        "posture/control_list.html",
        {"form": form, "filters": filters, "rows": control_list(filters)},
    )


def _parameter_form(parameter: ControlParameter) -> ParameterForm:
    return ParameterForm(current=parameter.value, initial={"value": json.dumps(parameter.value)})


def _control_page(
    request: HttpRequest, control: Control, forms: dict[int, ParameterForm] | None = None
) -> HttpResponse:
    form, filters = filter_bar(request)
    parameters = list(control.parameters.all())
    forms = forms or {}
    checks = control_checks(control)
    return render(
        request,
        "posture/control_detail.html",
        {
            "control": control,
            "form": form,
            "filters": filters,
            "criteria": control_criteria(control),
            "parameters": [
                (
                    parameter,
                    json.dumps(parameter.value),
                    json.dumps(parameter.default_value),
                    forms.get(parameter.pk) or _parameter_form(parameter),
                )
                for parameter in parameters
            ],
            "changes": parameter_changes_recent(control),
            "checks": checks,
            "calendars": history_calendars(control, list(filters.accounts)),
            "not_passing": control_accounts_not_passing(control.pk, filters.accounts),
            "failing": failing_resources_page(
                [check.check_id for check in checks],
                filters.account_ids,
                request.GET.get("page"),
            ),
            "status_labels": STATUS_LABELS,
            "manual_evidence": control_manual_evidence(
                control_id=control.pk, today=timezone.localdate()
            ),
        },
        status=400 if forms else 200,
    )


@role_required(can_view)
@require_GET
def control_detail(request: HttpRequest, ref: str) -> HttpResponse:
    control = get_object_or_404(Control.objects.select_related("attestation"), ref=ref)
    return _control_page(request, control)


@role_required(can_manage)
@require_POST
def control_parameter_update(request: HttpRequest, ref: str, name: str) -> HttpResponse:
    parameter = get_object_or_404(
        ControlParameter.objects.select_related("control__attestation"),
        control__ref=ref,
        name=name,
    )
    form = ParameterForm(request.POST, current=parameter.value)
    if form.is_valid():
        try:
            control_parameter_set(
                parameter=parameter,
                value=form.cleaned_data["value"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            form.add_error("reason", exc)
        else:
            messages.success(
                request, f"{parameter.name} set to {json.dumps(form.cleaned_data['value'])}."
            )
            return redirect(reverse("control-detail", args=[ref]) + "#parameters")
    return _control_page(request, parameter.control, forms={parameter.pk: form})
