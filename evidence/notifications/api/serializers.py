"""Notification API shapes. Writes validate shape only; the services decide what is allowed."""

from __future__ import annotations

from rest_framework import serializers

from evidence.collection.models import AwsAccount
from evidence.notifications.models import (
    Delivery,
    DeliveryAttempt,
    Event,
    EventKind,
    Severity,
    Subscription,
    Webhook,
)
from grc.access.api.fields import account_field
from grc.catalog.models import Control, Framework


class SubscriptionSerializer(serializers.ModelSerializer):
    account = account_field(read_only=True, allow_null=True)
    control = serializers.SlugRelatedField(slug_field="ref", read_only=True, allow_null=True)
    channel = serializers.CharField(read_only=True)
    # Plain strings: the same choice set as an exception's risk rating would make the schema
    # name one enum twice (a drf-spectacular warning that the deploy check fails on).
    min_severity = serializers.CharField(read_only=True, help_text="low, medium, high or critical")

    class Meta:
        model = Subscription
        fields = [
            "id",
            "channel",
            "webhook",
            "event_kinds",
            "account",
            "framework",
            "control",
            "min_severity",
            "digest",
            "active",
            "created_at",
        ]
        read_only_fields = fields


class SubscriptionCreateSerializer(serializers.Serializer):
    webhook = serializers.PrimaryKeyRelatedField(
        queryset=Webhook.objects.all(),
        required=False,
        allow_null=True,
        help_text="Empty: an email subscription for yourself. Set (administrators): a webhook.",
    )
    event_kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=EventKind.choices), required=False
    )
    account = account_field(queryset=AwsAccount.objects.all(), required=False, allow_null=True)
    framework = serializers.PrimaryKeyRelatedField(
        queryset=Framework.objects.all(), required=False, allow_null=True
    )
    control = serializers.SlugRelatedField(
        slug_field="ref", queryset=Control.objects.all(), required=False, allow_null=True
    )
    min_severity = serializers.CharField(
        max_length=16,
        default=Severity.LOW,
        help_text="low, medium, high or critical" + " (checked by the service)",
    )
    digest = serializers.BooleanField(default=False)


class WebhookSerializer(serializers.ModelSerializer):
    class Meta:
        model = Webhook
        fields = [
            "id",
            "name",
            "url",
            "preset",
            "enabled",
            "consecutive_failures",
            "disabled_at",
            "disabled_reason",
            "created_at",
        ]
        read_only_fields = fields


class WebhookCreateSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    url = serializers.URLField(max_length=2000)
    preset = serializers.ChoiceField(choices=Webhook.Preset.choices, default=Webhook.Preset.GENERIC)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown in this response only.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class EventSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True, help_text="The event type, as in event_kinds.")
    severity = serializers.CharField(read_only=True, help_text="low, medium, high or critical")
    account = account_field(read_only=True, allow_null=True)
    control = serializers.SlugRelatedField(slug_field="ref", read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = [
            "id",
            "key",
            "kind",
            "severity",
            "title",
            "account",
            "control",
            "framework",
            "run",
            "data",
            "occurred_at",
        ]
        read_only_fields = fields


class DeliveryAttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeliveryAttempt
        fields = ["number", "ok", "response_code", "latency_ms", "error", "attempted_at"]
        read_only_fields = fields


class DeliverySerializer(serializers.ModelSerializer):
    log = DeliveryAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = Delivery
        fields = [
            "id",
            "event",
            "subscription",
            "status",
            "attempts",
            "last_error",
            "created_at",
            "delivered_at",
            "log",
        ]
        read_only_fields = fields
