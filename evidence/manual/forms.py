"""Forms of the manual evidence pages: shape only; the services decide what is valid."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from evidence.manual.models import Decision, EvidenceRequest, EvidenceSubmission, Frequency
from evidence.manual.models import ProviderAttestation as Attestation
from grc.catalog.models import Control, Responsibility


class DateInput(forms.DateInput):
    input_type = "date"


def _users():
    return get_user_model().objects.filter(is_active=True).order_by("username")


class SubmissionForm(forms.Form):
    kind = forms.ChoiceField(choices=EvidenceSubmission.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(required=False, allow_empty_file=True)
    url = forms.CharField(required=False, max_length=2000, label="Link")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    statement = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="Written attestation"
    )
    effective_date = forms.DateField(
        widget=DateInput, help_text="The day the evidence speaks for (not the upload day)."
    )
    valid_until = forms.DateField(
        required=False, widget=DateInput, help_text="Empty: the request's frequency plus grace."
    )
    period_start = forms.DateField(required=False, widget=DateInput, label="Period covered from")
    period_end = forms.DateField(required=False, widget=DateInput, label="Period covered to")


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=Decision.choices)
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RequestForm(forms.Form):
    control = forms.ModelChoiceField(queryset=Control.objects.order_by("ref"), to_field_name="ref")
    title = forms.CharField(max_length=300)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    frequency = forms.ChoiceField(choices=Frequency.choices)
    owner = forms.ModelChoiceField(queryset=_users(), required=False)
    first_due_date = forms.DateField(required=False, widget=DateInput)


class AssignForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=_users())
    requests = forms.ModelMultipleChoiceField(queryset=EvidenceRequest.objects.all())


class AttestationForm(forms.Form):
    kind = forms.ChoiceField(choices=Attestation.Kind.choices)
    name = forms.CharField(max_length=200)
    issuer = forms.CharField(max_length=200, initial="Amazon Web Services")
    period_start = forms.DateField(widget=DateInput)
    period_end = forms.DateField(widget=DateInput)
    scope = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(required=False, allow_empty_file=True)
    controls = forms.ModelMultipleChoiceField(
        queryset=Control.objects.exclude(responsibility=Responsibility.CUSTOMER).order_by("ref"),
        widget=forms.CheckboxSelectMultiple,
    )
    cuecs = forms.CharField(
        required=False,
        label="CUECs answered",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line: the user entity control | how the company answers it.",
    )

    def clean_cuecs(self) -> list[dict[str, str]]:
        entries = []
        for line in self.cleaned_data["cuecs"].splitlines():
            if not line.strip():
                continue
            cuec, _, answer = line.partition("|")
            if not cuec.strip():
                raise ValidationError("Each line starts with the CUEC's text.")
            entries.append({"cuec": cuec.strip(), "answer": answer.strip()})
        return entries
