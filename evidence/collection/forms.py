"""Account forms: register an account and set its collection schedule."""

from __future__ import annotations

from typing import Any

from django import forms

from evidence.collection.models import Environment
from evidence.collection.models.validators import (
    EXTERNAL_ID_MAX,
    EXTERNAL_ID_MIN,
    account_id_validator,
    external_id_validator,
    role_arn_validator,
)
from evidence.collection.services.accounts import DEFAULT_SCHEDULE_HOURS

MAX_SCHEDULE_HOURS = 24 * 31


ENVIRONMENT_CHOICES = [("", "Not set"), *Environment.choices]


class EnvironmentForm(forms.Form):
    environment = forms.ChoiceField(
        required=False,
        choices=ENVIRONMENT_CHOICES,
        help_text="Set by hand, it wins over the account tags; Not set hands it back to them.",
    )


class ScheduleForm(forms.Form):
    every_hours = forms.IntegerField(
        label="Collect every (hours)", min_value=1, max_value=MAX_SCHEDULE_HOURS
    )


def _regions(value: str) -> list[str]:
    return [part for part in value.replace(",", " ").split() if part]


class AccountCreateForm(forms.Form):
    """Register an AWS account; field rules match the model so errors show beside the field."""

    name = forms.CharField(max_length=200)
    account_id = forms.CharField(
        label="AWS account id",
        max_length=12,
        validators=[account_id_validator],
        help_text="12 digits",
    )
    role_arn = forms.CharField(
        label="Role ARN",
        max_length=600,
        validators=[role_arn_validator],
        help_text="The read-only role to assume, in this account",
    )
    external_id = forms.CharField(
        label="External id",
        min_length=EXTERNAL_ID_MIN,
        max_length=EXTERNAL_ID_MAX,
        strip=False,
        validators=[external_id_validator],
        widget=forms.PasswordInput(render_value=False),
        help_text="Shared secret in the role's trust policy; never shown again",
    )
    regions = forms.CharField(
        required=False,
        help_text="Space or comma separated, e.g. us-east-1 eu-west-1; empty: every enabled region",
    )
    schedule_hours = forms.IntegerField(
        label="Collect every (hours)",
        min_value=1,
        max_value=MAX_SCHEDULE_HOURS,
        initial=DEFAULT_SCHEDULE_HOURS,
    )
    environment = forms.ChoiceField(
        required=False,
        choices=ENVIRONMENT_CHOICES,
        help_text="Production or not; an organization sync can also read it from account tags",
    )

    def clean_regions(self) -> list[str]:
        # Shape only; the service removes duplicates and checks names against the partition.
        return _regions(self.cleaned_data.get("regions") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        account_id, role_arn = cleaned.get("account_id"), cleaned.get("role_arn")
        if account_id and role_arn and f":{account_id}:" not in role_arn:
            self.add_error("role_arn", "The role must belong to this account id.")
        return cleaned
