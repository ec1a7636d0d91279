"""The packet request form: scope and samples, validated again by ``packet_request``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from evidence.collection.models import AwsAccount, Environment
from evidence.organizations.selectors.organizations import ou_paths_known
from grc.catalog.models import Framework

DATE_SPLIT = re.compile(r"[\s,;]+")


class DateInput(forms.DateInput):
    input_type = "date"


class PacketRequestForm(forms.Form):
    framework = forms.ModelChoiceField(queryset=Framework.objects.order_by("kind", "slug"))
    period_start = forms.DateField(widget=DateInput)
    period_end = forms.DateField(widget=DateInput)
    accounts = forms.ModelMultipleChoiceField(
        required=False,
        queryset=AwsAccount.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text="Or leave empty and choose an OU: its accounts and those of the OUs under it.",
    )
    ou = forms.ChoiceField(
        required=False,
        label="Organizational unit",
        help_text="The OU's accounts at request time (with the OUs under it), recorded in the "
        "packet; with accounts ticked, only those in the OU.",
    )
    environment = forms.ChoiceField(
        required=False,
        choices=[("", "Any environment"), *Environment.choices],
        help_text="Only production or only non-production accounts.",
    )
    sample_dates = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Dates you chose (YYYY-MM-DD, separated by spaces or commas). Leave empty to "
        "draw them at random.",
    )
    sample_count = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=366,
        help_text="How many dates to draw at random when you give none. Neither: the last day.",
    )
    seed = forms.CharField(
        required=False, max_length=64, help_text="Seed for the random draw (a new one if empty)."
    )

    sample_sizes = forms.CharField(
        required=False,
        help_text="Per-control sample sizes by frequency, overriding the defaults, e.g. "
        "'continuous=40, quarterly=3' (defaults: annual 1, quarterly 2, monthly 2, weekly 5, "
        "daily 25, continuous 25).",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ou"].choices = [("", "No OU"), *((path, path) for path in ou_paths_known())]

    def clean_sample_sizes(self) -> dict[str, int]:
        sizes = {}
        for part in filter(None, DATE_SPLIT.split(self.cleaned_data["sample_sizes"].strip())):
            frequency, _, size = part.partition("=")
            if not size.strip().isdigit():
                raise ValidationError(f"Not frequency=size: {part!r}.")
            sizes[frequency.strip().lower()] = int(size)
        return sizes

    def clean_sample_dates(self) -> list[dt.date]:
        text = self.cleaned_data["sample_dates"].strip()
        dates = []
        for part in filter(None, DATE_SPLIT.split(text)):
            try:
                dates.append(dt.date.fromisoformat(part))
            except ValueError:
                raise ValidationError(f"Not a date: {part!r} (use YYYY-MM-DD).") from None
        return dates
