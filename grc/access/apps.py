from django.apps import AppConfig


class AccessConfig(AppConfig):
    """Who may do what: roles, API keys and the REST plumbing every app's API uses."""

    name = "grc.access"
    label = "access"
    verbose_name = "Access"
