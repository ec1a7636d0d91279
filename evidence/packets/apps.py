from django.apps import AppConfig


class PacketsConfig(AppConfig):
    """Signed, immutable evidence packets an auditor exports for a framework and period."""

    name = "evidence.packets"
    label = "packets"
    verbose_name = "Evidence packets"
