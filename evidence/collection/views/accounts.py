"""Accounts: list and register, schedule, collect now, and the runs with their progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.collection.forms import AccountCreateForm, ScheduleForm
from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.selectors.accounts import (
    account_collections,
    account_runs_page,
    accounts_visible,
)
from evidence.collection.services.accounts import account_create, account_schedule_set
from evidence.collection.services.runs import (
    CollectionAlreadyRunning,
    CollectionNotStarted,
    collection_run_start,
)
from evidence.collection.tasks import TaskNotQueued, collection_run_enqueue
from grc.access.roles import can_manage, can_view, role_required


def _account(account_id: str) -> AwsAccount:
    return get_object_or_404(
        accounts_visible().select_related("schedule__interval"), account_id=account_id
    )


@role_required(can_view)
@require_GET
def account_index(request: HttpRequest) -> HttpResponse:
    collections = account_collections()
    return render(
        request,
        "collection/awsaccount_list.html",
        {"collections": collections, "polling": any(c.active_run for c in collections)},
    )


@role_required(can_manage)
@require_http_methods(["GET", "POST"])
def account_register(request: HttpRequest) -> HttpResponse:
    form = AccountCreateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            account = account_create(**form.cleaned_data, owner=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)  # e.g. the account id is already registered
        else:
            messages.success(request, f"Registered {account.name} ({account.account_id}).")
            return redirect("account-detail", account_id=account.account_id)
    return render(
        request,
        "collection/awsaccount_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@role_required(can_view)
@require_GET
def account_detail(request: HttpRequest, account_id: str) -> HttpResponse:
    account = _account(account_id)
    collections = account_collections([account.pk])[0]
    return render(
        request,
        "collection/awsaccount_detail.html",
        {
            "account": account,
            "collections": collections,
            "schedule_form": ScheduleForm(initial={"every_hours": collections.schedule_hours}),
            "runs": account_runs_page(account, request.GET.get("page")),
            "polling": collections.active_run is not None,
        },
    )


@role_required(can_view)
@require_GET
def account_runs_partial(request: HttpRequest, account_id: str) -> HttpResponse:
    """The runs table alone, polled by the account page while a run is in progress."""
    account = _account(account_id)
    runs = account_runs_page(account, request.GET.get("page"))
    return render(
        request,
        "includes/run_table.html",
        {
            "account": account,
            "runs": runs,
            "polling": any(run.status in CollectionRun.ACTIVE for run in runs),
        },
    )


@role_required(can_manage)
@require_POST
def account_collect(request: HttpRequest, account_id: str) -> HttpResponse:
    account = _account(account_id)
    try:
        run = collection_run_start(
            account=account, trigger=CollectionRun.Trigger.MANUAL, requested_by=request.user
        )
    except CollectionAlreadyRunning as exc:
        messages.warning(
            request,
            f"A collection of {account.name} is already {exc.run.get_status_display().lower()} "
            f"(run {exc.run.pk}); wait for it to finish.",
        )
    except CollectionNotStarted as exc:
        messages.error(request, str(exc))
    else:
        try:
            collection_run_enqueue(run.pk)
        except TaskNotQueued as exc:
            messages.error(request, f"Collection run {run.pk} could not start: {exc} Try again.")
        else:
            messages.success(request, f"Collection run {run.pk} queued for {account.name}.")
    return redirect("account-detail", account_id=account.account_id)


@role_required(can_manage)
@require_POST
def account_schedule(request: HttpRequest, account_id: str) -> HttpResponse:
    account = _account(account_id)
    form = ScheduleForm(request.POST)
    if form.is_valid():
        account_schedule_set(account=account, every_hours=form.cleaned_data["every_hours"])
        messages.success(
            request, f"{account.name} is collected every {form.cleaned_data['every_hours']} h."
        )
    else:
        messages.error(request, "; ".join(form.errors.get("every_hours", ["Invalid interval."])))
    return redirect("account-detail", account_id=account.account_id)
