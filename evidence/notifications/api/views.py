"""Notification API: own email subscriptions for every role; webhooks for administrators."""

from __future__ import annotations

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.notifications.api import serializers as s
from evidence.notifications.models import Delivery, Subscription
from evidence.notifications.selectors.notifications import (
    deliveries_visible,
    events_recent,
    subscriptions_visible,
    webhooks_list,
)
from evidence.notifications.services.subscriptions import (
    subscription_create,
    subscription_deactivate,
    webhook_test_event,
)
from evidence.notifications.services.webhooks import webhook_create, webhook_disable
from evidence.notifications.tasks import deliveries_send
from grc.access.roles import can_administer, can_view

TAGS = ["notifications"]


@extend_schema_view(
    list=extend_schema(summary="List your subscriptions (and webhooks' for admins)", tags=TAGS),
    retrieve=extend_schema(summary="Get a subscription", tags=TAGS),
    create=extend_schema(
        summary="Subscribe yourself by email, or (administrators) a webhook",
        tags=TAGS,
        request=s.SubscriptionCreateSerializer,
        responses={201: s.SubscriptionSerializer},
    ),
    destroy=extend_schema(summary="Unsubscribe", tags=TAGS),
)
class SubscriptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Who hears of which events."""

    queryset = Subscription.objects.none()  # per user: see get_queryset
    serializer_class = s.SubscriptionSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    write_rules = {"create": can_view, "destroy": can_view}

    def get_queryset(self):
        return subscriptions_visible(self.request.user).order_by("id")

    def create(self, request: Request) -> Response:
        data = s.SubscriptionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        webhook = fields.pop("webhook", None)
        subscription = subscription_create(
            created_by=request.user,
            user=None if webhook else request.user,
            webhook=webhook,
            **fields,
        )
        body = s.SubscriptionSerializer(subscription).data
        return Response(body, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance) -> None:
        subscription_deactivate(subscription=instance)


@extend_schema_view(
    list=extend_schema(summary="List webhooks (administrators)", tags=TAGS),
    retrieve=extend_schema(summary="Get a webhook", tags=TAGS),
    create=extend_schema(
        summary="Create a webhook; the response carries its signing secret, once",
        tags=TAGS,
        request=s.WebhookCreateSerializer,
        responses={201: s.WebhookCreatedSerializer},
    ),
    destroy=extend_schema(summary="Disable a webhook (its log is kept)", tags=TAGS),
)
class WebhookViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Signed webhook integrations (Slack and Teams presets). Administrators only."""

    serializer_class = s.WebhookSerializer
    lookup_value_regex = r"[0-9]{1,18}"
    write_rules = {"create": can_administer, "test": can_administer, "destroy": can_administer}

    def get_queryset(self):
        if not can_administer(self.request.user):
            return webhooks_list().none()
        return webhooks_list().order_by("id")

    def create(self, request: Request) -> Response:
        data = s.WebhookCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        webhook, secret = webhook_create(created_by=request.user, **data.validated_data)
        body = {**s.WebhookSerializer(webhook).data, "secret": secret}
        response = Response(body, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    def perform_destroy(self, instance) -> None:
        webhook_disable(webhook=instance, reason=f"disabled by {self.request.user.get_username()}")

    @extend_schema(
        summary="Send a test event", tags=TAGS, request=None, responses={202: s.DeliverySerializer}
    )
    @action(detail=True, methods=["post"])
    def test(self, request: Request, pk: str) -> Response:
        webhook = self.get_object()
        with transaction.atomic():
            delivery = webhook_test_event(webhook=webhook, requested_by=request.user)
            deliveries_send([delivery.pk])
        return Response(s.DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(summary="List notification events", tags=TAGS),
    retrieve=extend_schema(summary="Get a notification event", tags=TAGS),
)
class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Events, newest first; the ``data`` field is the payload's ``data``."""

    serializer_class = s.EventSerializer
    filterset_fields = ["kind", "severity"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return events_recent(self.request.user)


@extend_schema_view(
    list=extend_schema(summary="List deliveries with their attempt log", tags=TAGS),
    retrieve=extend_schema(summary="Get a delivery with its attempt log", tags=TAGS),
)
class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    """Deliveries of your subscriptions (all of them for administrators)."""

    queryset = Delivery.objects.none()  # per user: see get_queryset
    serializer_class = s.DeliverySerializer
    filterset_fields = ["status", "subscription"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        return deliveries_visible(self.request.user).prefetch_related("log")
