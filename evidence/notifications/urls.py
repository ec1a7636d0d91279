from django.urls import path

from evidence.notifications.views import pages

app_name = "notifications"

urlpatterns = [
    path("", pages.subscription_index, name="subscription-list"),
    path("subscriptions/<int:pk>/delete/", pages.subscription_delete, name="subscription-delete"),
    path("events/", pages.event_index, name="event-list"),
    path("events/<int:pk>/", pages.event_detail, name="event-detail"),
    path("integrations/", pages.webhook_index, name="webhook-list"),
    path("integrations/<int:pk>/", pages.webhook_detail, name="webhook-detail"),
    path("integrations/<int:pk>/test/", pages.webhook_test, name="webhook-test"),
    path("integrations/<int:pk>/enable/", pages.webhook_enable_view, name="webhook-enable"),
    path("integrations/<int:pk>/disable/", pages.webhook_disable_view, name="webhook-disable"),
    path("unsubscribe/<str:token>/", pages.unsubscribe, name="unsubscribe"),
]
