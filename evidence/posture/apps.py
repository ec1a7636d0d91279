from django.apps import AppConfig


class PostureConfig(AppConfig):
    """Control status per account and day, status changes, and the pages that read them."""

    name = "evidence.posture"
    label = "posture"
    verbose_name = "Posture"
