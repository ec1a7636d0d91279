"""Query filters for the evidence API (django-filter).

Results and events are filtered on the columns their indexes lead with: (account, check_id,
-collected_at), (account, status, -collected_at) and (-occurred_at).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField

from evidence.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    ControlStatus,
    ControlStatusEvent,
    EvidencePacket,
)

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
        pk = AwsAccount.objects.filter(account_id=value).values_list("pk", flat=True).first()
        return queryset.filter(account_id=pk if pk is not None else -1)


class AwsAccountFilter(filters.FilterSet):
    enabled = filters.BooleanFilter(help_text="Only enabled (true) or disabled (false) accounts.")

    class Meta:
        model = AwsAccount
        fields = ["enabled"]


class CollectionRunFilter(filters.FilterSet):
    account = AccountIdFilter()
    status = filters.ChoiceFilter(choices=CollectionRun.Status.choices, help_text="Run status.")
    trigger = filters.ChoiceFilter(
        choices=CollectionRun.Trigger.choices, help_text="What started the run."
    )
    created_after = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="gte", help_text="Requested at or after (ISO 8601)."
    )
    created_before = UtcDateTimeFilter(
        field_name="created_at", lookup_expr="lt", help_text="Requested before (ISO 8601)."
    )

    class Meta:
        model = CollectionRun
        fields = ["account", "status", "trigger", "created_after", "created_before"]


class CheckResultFilter(filters.FilterSet):
    account = AccountIdFilter()
    check = filters.CharFilter(field_name="check_id", help_text="Collector check id.")
    status = filters.ChoiceFilter(
        choices=CheckResult.Status.choices, help_text="PASS, FAIL, ERROR or NOT_APPLICABLE."
    )
    region = filters.CharFilter(help_text="Region, e.g. eu-west-1 (or global).")
    service = filters.CharFilter(field_name="resource__service", help_text="AWS service, e.g. s3.")
    resource = filters.CharFilter(field_name="resource__arn", help_text="Exact resource ARN.")
    run = IdFilter(field_name="run_id", help_text="Collection run id.")
    collected_after = UtcDateTimeFilter(
        field_name="collected_at", lookup_expr="gte", help_text="Collected at or after (ISO 8601)."
    )
    collected_before = UtcDateTimeFilter(
        field_name="collected_at", lookup_expr="lt", help_text="Collected before (ISO 8601)."
    )

    class Meta:
        model = CheckResult
        fields = [
            "account",
            "check",
            "status",
            "region",
            "service",
            "resource",
            "run",
            "collected_after",
            "collected_before",
        ]


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


class EvidencePacketFilter(filters.FilterSet):
    framework = filters.CharFilter(field_name="framework__slug", help_text="Framework slug.")
    status = filters.ChoiceFilter(choices=EvidencePacket.Status.choices, help_text="Build status.")

    class Meta:
        model = EvidencePacket
        fields = ["framework", "status"]
