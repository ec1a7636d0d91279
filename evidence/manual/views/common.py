"""Helpers the manual evidence views share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def errors_onto(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on its field where the form has one."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)
