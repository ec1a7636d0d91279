"""Notification pages: own email subscriptions, events, webhooks (admins), unsubscribe. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.notifications.forms import EmailSubscriptionForm, SubscriptionForm, WebhookForm
from evidence.notifications.selectors.notifications import (
    events_recent,
    subscriptions_visible,
    webhook_delivery_log,
    webhooks_list,
)
from evidence.notifications.services.email import subscription_unsubscribe
from evidence.notifications.services.subscriptions import (
    subscription_create,
    subscription_deactivate,
    webhook_test_event,
)
from evidence.notifications.services.webhooks import (
    webhook_create,
    webhook_disable,
    webhook_enable,
)
from evidence.notifications.tasks import deliveries_send
from grc.access.forms import errors_onto
from grc.access.roles import can_administer, can_view, role_required


@role_required(can_view)
@require_http_methods(["GET", "POST"])
def subscription_index(request: HttpRequest) -> HttpResponse:
    form = EmailSubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription_create(created_by=request.user, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            messages.success(request, "Subscribed.")
            return redirect("notifications:subscription-list")
    context = {
        "subscriptions": subscriptions_visible(request.user).filter(user=request.user),
        "form": form,
        "is_admin": can_administer(request.user),
    }
    status = 400 if form.errors else 200
    return render(request, "notifications/subscription_list.html", context, status=status)


@role_required(can_view)
@require_POST
def subscription_delete(request: HttpRequest, pk: int) -> HttpResponse:
    subscription = get_object_or_404(subscriptions_visible(request.user), pk=pk)
    subscription_deactivate(subscription=subscription)
    messages.success(request, "Subscription removed.")
    if subscription.webhook_id:
        return redirect("notifications:webhook-detail", pk=subscription.webhook_id)
    return redirect("notifications:subscription-list")


@role_required(can_view)
@require_GET
def event_index(request: HttpRequest) -> HttpResponse:
    events = events_recent(request.user)[:300]
    return render(request, "notifications/event_list.html", {"events": events})


@role_required(can_view)
@require_GET
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_object_or_404(events_recent(request.user), pk=pk)
    return render(request, "notifications/event_detail.html", {"event": event})


@role_required(can_administer)
@require_http_methods(["GET", "POST"])
def webhook_index(request: HttpRequest) -> HttpResponse:
    form = WebhookForm(request.POST or None)
    secret = None
    webhook = None
    if request.method == "POST" and form.is_valid():
        try:
            webhook, secret = webhook_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            form = WebhookForm()
    context = {"webhooks": webhooks_list(), "form": form, "secret": secret, "created": webhook}
    status = 400 if form.errors else 201 if secret else 200
    response = render(request, "notifications/webhook_list.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the page may carry the secret
    return response


@role_required(can_administer)
@require_http_methods(["GET", "POST"])
def webhook_detail(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(webhooks_list(), pk=pk)
    form = SubscriptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            subscription_create(created_by=request.user, webhook=webhook, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            messages.success(request, "Subscription added.")
            return redirect("notifications:webhook-detail", pk=webhook.pk)
    subscriptions = subscriptions_visible(request.user).filter(webhook=webhook)
    context = {
        "webhook": webhook,
        "form": form,
        "subscriptions": subscriptions,
        "log": webhook_delivery_log(webhook_id=webhook.pk),
    }
    status = 400 if form.errors else 200
    return render(request, "notifications/webhook_detail.html", context, status=status)


@role_required(can_administer)
@require_POST
def webhook_test(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(webhooks_list(), pk=pk)
    with transaction.atomic():
        delivery = webhook_test_event(webhook=webhook, requested_by=request.user)
        deliveries_send([delivery.pk])
    messages.success(request, "Test event queued; its attempts appear in the delivery log.")
    return redirect("notifications:webhook-detail", pk=webhook.pk)


@role_required(can_administer)
@require_POST
def webhook_enable_view(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(webhooks_list(), pk=pk)
    webhook_enable(webhook=webhook)
    messages.success(request, "Webhook enabled.")
    return redirect("notifications:webhook-detail", pk=webhook.pk)


@role_required(can_administer)
@require_POST
def webhook_disable_view(request: HttpRequest, pk: int) -> HttpResponse:
    webhook = get_object_or_404(webhooks_list(), pk=pk)
    webhook_disable(webhook=webhook, reason=f"disabled by {request.user.get_username()}")
    messages.success(request, "Webhook disabled.")
    return redirect("notifications:webhook-detail", pk=webhook.pk)


@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """No sign-in needed: the signed token is the authority. GET asks, POST unsubscribes (mail
    scanners follow links with GET)."""
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", {"token": token})
    subscription = subscription_unsubscribe(token=token)
    if subscription is None:
        raise Http404("This unsubscribe link is not valid.")
    return render(request, "notifications/unsubscribe.html", {"done": True})
