"""Forms of the web UI: the GET filter bar and the few things managers can change."""

from __future__ import annotations

import json
from typing import Any

from django import forms

from collectors.registry import load_checks
from evidence.models import AwsAccount, ControlStatus
from evidence.models.accounts import account_id_validator, role_arn_validator, validate_regions
from evidence.selectors.filters import (
    DEFAULT_TREND_DAYS,
    TREND_RANGES,
    DashboardFilters,
    framework_control_ids,
)
from evidence.services.accounts import DEFAULT_SCHEDULE_HOURS
from grc.catalog.models import Framework, Responsibility

MAX_SCHEDULE_HOURS = 24 * 31


def _blank(label: str, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class DashboardFilterForm(forms.Form):
    """The filter bar. Read from the query string so every view is a shareable link."""

    account = forms.MultipleChoiceField(
        required=False, widget=forms.SelectMultiple(attrs={"size": 3})
    )
    framework = forms.ChoiceField(required=False)
    responsibility = forms.ChoiceField(
        required=False,
        choices=_blank(
            "Any responsibility", [(value, value.title()) for value in Responsibility.values]
        ),
    )
    status = forms.ChoiceField(required=False, choices=_blank("Any status", ControlStatus.choices))
    service = forms.ChoiceField(required=False)
    days = forms.TypedChoiceField(
        required=False,
        coerce=int,
        empty_value=DEFAULT_TREND_DAYS,
        choices=[(str(days), f"{days} days") for days in TREND_RANGES],
    )

    def __init__(self, data, *, accounts: list[AwsAccount], frameworks: list[Framework]):
        super().__init__(data)
        self.accounts = accounts
        self.fields["account"].choices = [
            (account.account_id, f"{account.name} ({account.account_id})") for account in accounts
        ]
        self.fields["framework"].choices = _blank(
            "Any framework", [(framework.slug, str(framework)) for framework in frameworks]
        )
        services = sorted({spec.service for spec in load_checks().values()})
        self.fields["service"].choices = _blank("Any service", [(name, name) for name in services])

    def filters(self) -> DashboardFilters:
        """The chosen filters; invalid values are dropped rather than failing the page."""
        self.is_valid()
        data: dict[str, Any] = {
            name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
        }
        chosen_ids = set(data.get("account") or ())
        chosen = tuple(a for a in self.accounts if a.account_id in chosen_ids)
        in_scope = chosen or tuple(a for a in self.accounts if a.enabled)
        framework = data.get("framework") or ""
        return DashboardFilters(
            accounts=in_scope,
            accounts_chosen=chosen,
            framework=framework,
            responsibility=data.get("responsibility") or "",
            status=data.get("status") or "",
            service=data.get("service") or "",
            days=data.get("days") or DEFAULT_TREND_DAYS,
            framework_controls=framework_control_ids(framework) if framework else None,
        )


class ParameterForm(forms.Form):
    """A new parameter value as JSON (14, true, "text", ["a", "b"]) and why it changed."""

    value = forms.CharField(max_length=2000)
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), strip=True)

    def __init__(self, *args, current: Any = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_value(self) -> Any:
        raw = self.cleaned_data["value"].strip()
        try:
            return json.loads(raw)
        except json.JSONDecodeError:
            if isinstance(self.current, str):
                return raw  # a bare word for a text parameter
            raise forms.ValidationError(
                'Enter a JSON value such as 14, true, "text" or ["a", "b"].'
            ) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        value = cleaned.get("value")
        if (
            "value" in cleaned
            and self.current is not None
            and type(value) is not type(self.current)
        ):
            self.add_error(
                "value",
                f"Expected a {type(self.current).__name__} like the current value "
                f"{json.dumps(self.current)}.",
            )
        return cleaned


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
        max_length=1224,
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

    def clean_regions(self) -> list[str]:
        regions = _regions(self.cleaned_data.get("regions") or "")
        validate_regions(regions)
        return regions

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        account_id, role_arn = cleaned.get("account_id"), cleaned.get("role_arn")
        if account_id and role_arn and f":{account_id}:" not in role_arn:
            self.add_error("role_arn", "The role must belong to this account id.")
        return cleaned
