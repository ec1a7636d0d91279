"""Filters every app's API shares: ids, UTC datetimes and account ids."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

ACCOUNT_HELP = "12-digit AWS account id."


class IdFilter(filters.NumberFilter):
    """A positive integer id (not a decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601, converted to UTC here: Postgres refuses offsets beyond +-15:59 (Python allows
    up to 24 h), and a value that leaves the representable range in UTC is a field error."""

    def to_python(self, value):  # type: ignore[no-untyped-def]
        value = super().to_python(value)
        if value is None:
            return None
        try:
            return value.astimezone(dt.UTC)
        except OverflowError:
            raise ValidationError("Date and time out of range.", code="invalid") from None


class UtcDateTimeFilter(filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class AccountIdFilter(filters.CharFilter):
    """By 12-digit account id, resolved to the row id first: then the planner sees a constant
    leading column of the (account, ..., -collected_at) indexes and reads them in order instead
    of sorting every matching row."""

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("help_text", ACCOUNT_HELP)
        super().__init__(*args, **kwargs)

    def filter(self, queryset, value):  # type: ignore[no-untyped-def]
        if value in ([], (), {}, "", None):
            return queryset
        # The account model comes from the filtered model's ``account`` foreign key, so this
        # shared filter needs no import of the app that owns accounts.
        accounts = queryset.model._meta.get_field("account").related_model._default_manager
        pk = accounts.filter(account_id=value).values_list("pk", flat=True).first()
        return queryset.filter(account_id=pk if pk is not None else -1)
