from django.apps import AppConfig


class ManualConfig(AppConfig):
    """Evidence people provide: requests per control, uploads, reviews, provider attestations."""

    name = "evidence.manual"
    label = "manual"
    verbose_name = "Manual and provider evidence"
