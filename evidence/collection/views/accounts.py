"""Accounts: list and register, schedule, collect now, and the runs with their progress."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.collection.forms import AccountCreateForm, EnvironmentForm, ScheduleForm
from evidence.collection.models import AwsAccount, CollectionRun
from evidence.collection.selectors.accounts import (
    account_collections,
    account_runs_page,
    accounts_visible,
)
from evidence.collection.services.accounts import (
    account_create,
    account_environment_set,
    account_schedule_set,
)
from evidence.collection.services.connection import ConnectionReport, account_connection_test
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
            _registered_message(request, account, account_connection_test(account=account))
            return redirect("account-detail", account_id=account.account_id)
    return render(
        request,
        "collection/awsaccount_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _registered_message(
    request: HttpRequest, account: AwsAccount, connection: ConnectionReport
) -> None:
    """Registration tests the connection at once, so a wrong role is never silently saved."""
    if not connection.assumed:
        messages.warning(
            request,
            f"Registered {account.name} ({account.account_id}), unverified: the role could not "
            f"be assumed ({connection.error}). Fix the role or external id, then test the "
            "connection again; collections fail until it works.",
        )
        return
    readable = len(connection.probes) - len(connection.unreadable)
    refused = ", ".join(probe.service for probe in connection.unreadable)
    messages.success(
        request,
        f"Registered {account.name} ({account.account_id}) and connected as "
        f"{connection.identity.get('Arn', '?')}: {readable} of {len(connection.probes)} services "
        f"readable{f'; refused: {refused}' if refused else ''}.",
    )


def _detail(request: HttpRequest, account: AwsAccount, **extra: object) -> HttpResponse:
    collections = account_collections([account.pk])[0]
    return render(
        request,
        "collection/awsaccount_detail.html",
        {
            "account": account,
            "collections": collections,
            "schedule_form": ScheduleForm(initial={"every_hours": collections.schedule_hours}),
            "environment_form": EnvironmentForm(initial={"environment": account.environment}),
            "runs": account_runs_page(account, request.GET.get("page")),
            "polling": collections.active_run is not None,
            **extra,
        },
    )


@role_required(can_view)
@require_GET
def account_detail(request: HttpRequest, account_id: str) -> HttpResponse:
    return _detail(request, _account(account_id))


@role_required(can_manage)
@require_POST
def account_connection_test_view(request: HttpRequest, account_id: str) -> HttpResponse:
    """Assume the role now and try one read per service; the page shows what worked."""
    account = get_object_or_404(AwsAccount, account_id=account_id)  # needs the external id
    return _detail(request, account, connection=account_connection_test(account=account))


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


@role_required(can_view)
@require_GET
def account_collect_card_partial(request: HttpRequest, account_id: str) -> HttpResponse:
    """The collect card alone, polled while a run is active; it stops once the run ends."""
    account = _account(account_id)
    return render(
        request,
        "includes/collect_card.html",
        {"account": account, "collections": account_collections([account.pk])[0]},
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


@role_required(can_manage)
@require_POST
def account_environment(request: HttpRequest, account_id: str) -> HttpResponse:
    """Set the environment by hand (it then wins over the account tags), or clear it."""
    account = _account(account_id)
    form = EnvironmentForm(request.POST)
    if form.is_valid():
        account_environment_set(account=account, environment=form.cleaned_data["environment"])
        label = account.get_environment_display() or "not set (the account tags decide)"
        messages.success(request, f"{account.name}: environment {label}.")
    else:
        messages.error(request, "; ".join(form.errors.get("environment", ["Invalid choice."])))
    return redirect("account-detail", account_id=account.account_id)
