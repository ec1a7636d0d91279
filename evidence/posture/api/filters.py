"""Posture API filters."""

from __future__ import annotations

from django_filters import rest_framework as filters

from evidence.posture.models import ControlStatus, ControlStatusEvent
from grc.access.api.filters import AccountIdFilter, UtcDateTimeFilter


class ControlStatusEventFilter(filters.FilterSet):
    account = AccountIdFilter()
    control = filters.CharFilter(field_name="control__ref", help_text="Control ref.")
    status = filters.ChoiceFilter(choices=ControlStatus.choices, help_text="Status after.")
    previous_status = filters.ChoiceFilter(
        choices=ControlStatus.choices, help_text="Status before."
    )
    occurred_after = UtcDateTimeFilter(
        field_name="occurred_at", lookup_expr="gte", help_text="At or after (ISO 8601)."
    )
    occurred_before = UtcDateTimeFilter(
        field_name="occurred_at", lookup_expr="lt", help_text="Before (ISO 8601)."
    )

    class Meta:
        model = ControlStatusEvent
        fields = [
            "account",
            "control",
            "status",
            "previous_status",
            "occurred_after",
            "occurred_before",
        ]
