"""Catalog forms: a new value for a control parameter."""

from __future__ import annotations

import json
from typing import Any

from django import forms


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
