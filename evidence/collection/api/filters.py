"""Query filters for the collection API (django-filter).

Results and events are filtered on the columns their indexes lead with: (account, check_id,
-collected_at), (account, status, -collected_at) and (-occurred_at).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django_filters import rest_framework as filters

from evidence.collection.models import AwsAccount, CheckResult, CollectionRun, Environment
from evidence.collection.selectors.results import results_in_runs
from grc.access.api.filters import AccountIdFilter, IdFilter, UtcDateTimeFilter


class AwsAccountFilter(filters.FilterSet):
    enabled = filters.BooleanFilter(help_text="Only enabled (true) or disabled (false) accounts.")
    environment = filters.ChoiceFilter(
        choices=Environment.choices, help_text="Only production or non-production accounts."
    )

    class Meta:
        model = AwsAccount
        fields = ["enabled", "environment"]


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
    run = IdFilter(
        method="filter_run",
        help_text="Collection run id: the results that run observed, including those first "
        "collected by an earlier run and unchanged since.",
    )
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

    def filter_run(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return results_in_runs([value], queryset)
