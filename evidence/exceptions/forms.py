"""Exception forms: shape only; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from collectors.registry import load_checks
from evidence.collection.models import AwsAccount
from evidence.exceptions.models import RiskException


class ExceptionRequestForm(forms.Form):
    check_id = forms.ChoiceField(label="Check")
    scope = forms.ChoiceField(choices=RiskException.Scope.choices)
    scope_value = forms.CharField(
        max_length=1024,
        required=False,
        label="Scope value",
        help_text="The ARN, an ARN pattern (arn:aws:s3:::public-site-*), a tag key=value, or a "
        "region. Leave empty for a whole account.",
    )
    account = forms.ModelChoiceField(
        queryset=AwsAccount.objects.order_by("name"),
        required=False,
        help_text="Limit to one account (required for the whole-account scope).",
    )
    justification = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    risk_rating = forms.ChoiceField(choices=RiskException.Rating.choices)
    compensating_controls = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )
    ends_on = forms.DateField(
        label="Ends on", widget=forms.DateInput(attrs={"type": "date"}), help_text="Required."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["check_id"].choices = [
            (check_id, f"{check_id} · {spec.title}")
            for check_id, spec in sorted(load_checks().items())
        ]


class DecisionForm(forms.Form):
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)
