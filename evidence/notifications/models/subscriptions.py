from django.conf import settings
from django.db import models
from django.db.models import Q
from encrypted_fields.fields import EncryptedCharField

from evidence.notifications.models.events import Severity

__all__ = ["Subscription", "Webhook"]


class Webhook(models.Model):
    """An integration endpoint: events are POSTed to ``url`` as signed JSON (or a chat preset)."""

    class Preset(models.TextChoices):
        GENERIC = "generic", "Signed JSON (schema v1)"
        SLACK = "slack", "Slack incoming webhook"
        TEAMS = "teams", "Microsoft Teams incoming webhook"

    name = models.CharField(max_length=200)
    url = models.URLField(max_length=2000)
    preset = models.CharField(max_length=16, choices=Preset.choices, default=Preset.GENERIC)
    # HMAC key of the signature header; encrypted at rest, shown once when created.
    secret = EncryptedCharField(max_length=200)
    enabled = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """Who hears of which events: a user by email (now or in a daily digest) or a webhook.

    Empty filters match everything: no event types means every type, no account every account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notification_subscriptions",
    )
    webhook = models.ForeignKey(
        Webhook, null=True, blank=True, on_delete=models.CASCADE, related_name="subscriptions"
    )
    event_kinds = models.JSONField(default=list, blank=True)
    account = models.ForeignKey(
        "collection.AwsAccount", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    framework = models.ForeignKey(
        "catalog.Framework", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    control = models.ForeignKey(
        "catalog.Control", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    min_severity = models.CharField(max_length=16, choices=Severity.choices, default=Severity.LOW)
    digest = models.BooleanField(default=False, help_text="Email: one message a day")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(webhook__isnull=True))
                | (Q(user__isnull=True) & Q(webhook__isnull=False)),
                name="subscription_one_channel",
            )
        ]

    def __str__(self) -> str:
        target = self.webhook or self.user
        return f"subscription {self.pk} of {target}"

    @property
    def channel(self) -> str:
        return "webhook" if self.webhook_id else "email"
