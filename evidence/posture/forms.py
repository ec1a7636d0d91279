"""The posture pages' filter bar, bound to the query string."""

from __future__ import annotations

from typing import Any

from django import forms

from collectors.registry import load_checks
from collectors.types import Severity
from evidence.collection.models import AwsAccount
from evidence.organizations.selectors.organizations import account_pks_in_ou
from evidence.posture.models import ControlStatus
from evidence.posture.selectors.filters import (
    DEFAULT_TREND_DAYS,
    ENVIRONMENT_LABELS,
    TREND_RANGES,
    DashboardFilters,
    environment_matches,
    framework_control_ids,
)
from evidence.posture.selectors.findings import FINDING_STATES, SORTS, FindingFilters
from grc.catalog.models import ControlCheck, Framework, Responsibility


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
    q = forms.CharField(required=False, max_length=200, label="Search")
    ou = forms.CharField(required=False, max_length=1000, label="OU")  # e.g. Root/Workloads
    environment = forms.ChoiceField(
        required=False, choices=_blank("Any environment", ENVIRONMENT_LABELS)
    )
    group = forms.ChoiceField(
        required=False, choices=[("", "No grouping"), ("ou", "OU"), ("environment", "Environment")]
    )
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
        ou = (data.get("ou") or "").strip().rstrip("/")
        if ou:  # the OU and the OUs under it, from the organizations sync
            in_ou = set(account_pks_in_ou(ou))
            in_scope = tuple(a for a in in_scope if a.pk in in_ou)
        environment = data.get("environment") or ""
        if environment:
            in_scope = tuple(a for a in in_scope if environment_matches(a, environment))
        framework = data.get("framework") or ""
        return DashboardFilters(
            ou=ou,
            environment=environment,
            group=data.get("group") or "",
            accounts=in_scope,
            accounts_chosen=chosen,
            framework=framework,
            responsibility=data.get("responsibility") or "",
            status=data.get("status") or "",
            service=data.get("service") or "",
            query=(data.get("q") or "").strip(),
            days=data.get("days") or DEFAULT_TREND_DAYS,
            framework_controls=framework_control_ids(framework) if framework else None,
        )


class FindingFilterForm(forms.Form):
    """The findings page's query string; invalid values are dropped, never an error page."""

    account = forms.CharField(required=False)
    service = forms.ChoiceField(required=False)
    check = forms.CharField(required=False, max_length=100)
    control = forms.CharField(required=False, max_length=50, help_text="Control ref")
    severity = forms.ChoiceField(required=False)
    state = forms.ChoiceField(
        required=False, choices=[("", "Failing and excepted"), *((s, s) for s in FINDING_STATES)]
    )
    q = forms.CharField(required=False, max_length=200, label="Search")
    sort = forms.ChoiceField(required=False, choices=[(key, key) for key in SORTS])

    def __init__(self, data, *, accounts: list[AwsAccount]) -> None:
        super().__init__(data)
        self.accounts = accounts
        specs = load_checks().values()
        self.fields["service"].choices = _blank(
            "Any service", sorted({(s.service, s.service) for s in specs})
        )
        self.fields["severity"].choices = _blank(
            "Any severity", [(str(level), str(level)) for level in Severity]
        )

    def filters(self) -> FindingFilters:
        self.is_valid()
        data = {
            name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors
        }
        chosen = [a.pk for a in self.accounts if a.account_id == data.get("account")]
        control = data.get("control") or ""
        return FindingFilters(
            account_ids=chosen or [a.pk for a in self.accounts],
            control_checks=tuple(
                ControlCheck.objects.filter(control__ref=control).values_list("check_id", flat=True)
            )
            if control
            else None,
            service=data.get("service") or "",
            check_id=data.get("check") or "",
            severity=data.get("severity") or "",
            state=data.get("state") or "",
            query=(data.get("q") or "").strip(),
            sort=data.get("sort") or "severity",
        )
