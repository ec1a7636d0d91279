"""Catalog forms: a new value for a control parameter."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from grc.access.jsonlimits import JsonTooDeep, json_loads_limited
from grc.catalog.services.parameters import parameter_value_check


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
            return json_loads_limited(raw)
        except JsonTooDeep as exc:
            raise forms.ValidationError(str(exc)) from None
        except json.JSONDecodeError:
            if isinstance(self.current, str):
                return raw  # a bare word for a text parameter
            raise forms.ValidationError(
                'Enter a JSON value such as 14, true, "text" or ["a", "b"].'
            ) from None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if "value" in cleaned:
            try:
                parameter_value_check(cleaned["value"], like=self.current)
            except ValidationError as exc:
                self.add_error("value", exc.message_dict.get("value", exc.messages))
        return cleaned
