from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Events (status changes, failed runs, due evidence...) sent to email and signed webhooks."""

    name = "evidence.notifications"
    label = "notifications"
    verbose_name = "Notifications"
