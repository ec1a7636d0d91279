from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    """AWS Organizations: register every member account of an organization and keep them synced."""

    name = "evidence.organizations"
    label = "organizations"
    verbose_name = "Organizations"
