from django.apps import AppConfig


class ExceptionsConfig(AppConfig):
    """Risk acceptance: approved, time-boxed exceptions that turn matching failures 'excepted'."""

    name = "evidence.exceptions"
    label = "exceptions"
    verbose_name = "Exceptions"
