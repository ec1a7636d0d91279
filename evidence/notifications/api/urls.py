"""Routes under /api/v1/notifications/: subscriptions, webhooks, events, deliveries."""

from rest_framework.routers import SimpleRouter

from evidence.notifications.api import views

router = SimpleRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("subscriptions", views.SubscriptionViewSet, basename="notification-subscription")
router.register("webhooks", views.WebhookViewSet, basename="notification-webhook")
router.register("events", views.EventViewSet, basename="notification-event")
router.register("deliveries", views.DeliveryViewSet, basename="notification-delivery")

urlpatterns = router.urls
