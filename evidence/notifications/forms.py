"""Forms validate shape; the services decide what is allowed."""

from __future__ import annotations

from django import forms

from evidence.collection.models import AwsAccount
from evidence.notifications.models import EventKind, Severity, Webhook
from grc.catalog.models import Control, Framework


class SubscriptionForm(forms.Form):
    event_kinds = forms.MultipleChoiceField(
        choices=[c for c in EventKind.choices if c[0] != EventKind.TEST],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every type.",
    )
    account = forms.ModelChoiceField(AwsAccount.objects.all(), required=False)
    framework = forms.ModelChoiceField(Framework.objects.all(), required=False)
    control = forms.ModelChoiceField(Control.objects.all(), required=False)
    min_severity = forms.ChoiceField(choices=Severity.choices, initial=Severity.LOW)


class EmailSubscriptionForm(SubscriptionForm):
    digest = forms.BooleanField(required=False, help_text="One email a day instead of one each")


class WebhookForm(forms.Form):
    name = forms.CharField(max_length=200)
    url = forms.URLField(max_length=2000, assume_scheme="https")
    preset = forms.ChoiceField(choices=Webhook.Preset.choices)
