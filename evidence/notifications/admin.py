from django.contrib import admin

from evidence.notifications.models import Delivery, DeliveryAttempt, Event, Subscription, Webhook


class ReadOnlyAdmin(admin.ModelAdmin):
    """Read-only: events and deliveries are records; webhooks change through their pages (the
    secret is never displayed)."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["occurred_at", "kind", "severity", "title", "account"]
    list_filter = ["kind", "severity"]
    search_fields = ["key", "title"]


@admin.register(Webhook)
class WebhookAdmin(ReadOnlyAdmin):
    list_display = ["name", "url", "preset", "enabled", "consecutive_failures"]
    exclude = ["secret"]


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnlyAdmin):
    list_display = ["id", "user", "webhook", "min_severity", "digest", "active"]
    list_filter = ["active", "digest", "min_severity"]


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["id", "event", "subscription", "status", "attempts", "delivered_at"]
    list_filter = ["status"]
    inlines = [DeliveryAttemptInline]
