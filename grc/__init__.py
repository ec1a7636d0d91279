"""GRC evidence dashboard: Django project wiring and the control catalog app."""

from grc.celery import app as celery_app

__all__ = ["celery_app"]
