"""Form helpers every app's HTML views share."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError


def errors_onto(form: forms.Form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on its field where the form has one.

    Forms check shape and the service checks the rules, so a rule the service refuses (a
    duplicate, a decision by the requester) must reach the page the same way a form error does.
    """
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)
