"""Posture API filters."""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from evidence.collection.models import AwsAccount
from evidence.posture.models import ControlStatus, ControlStatusEvent
from evidence.posture.selectors.filters import ENVIRONMENT_LABELS, accounts_narrowed
from grc.access.api.filters import AccountIdFilter, UtcDateTimeFilter


def _accounts(name: str, value: str) -> QuerySet[AwsAccount]:
    return accounts_narrowed(AwsAccount.objects.all(), **{name: value})


class ControlStatusEventFilter(filters.FilterSet):
    account = AccountIdFilter()
    ou = filters.CharFilter(
        method="in_ou", help_text="Only accounts in this OU path and the OUs under it."
    )
    environment = filters.ChoiceFilter(
        method="of_environment",
        choices=ENVIRONMENT_LABELS,
        help_text="Only production, non-production or unset accounts.",
    )
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
            "ou",
            "environment",
            "control",
            "status",
            "previous_status",
            "occurred_after",
            "occurred_before",
        ]

    def in_ou(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(account__in=_accounts("ou", value)) if value else queryset

    def of_environment(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(account__in=_accounts("environment", value)) if value else queryset
