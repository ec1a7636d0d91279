"""Posture API shapes: status changes and a control's daily status history."""

from __future__ import annotations

from rest_framework import serializers

from evidence.posture.models import ControlStatus, ControlStatusEvent
from evidence.posture.selectors.filters import ENVIRONMENT_LABELS
from grc.access.api.fields import ACCOUNT_ID_PATTERN, account_field


class ControlStatusEventSerializer(serializers.ModelSerializer):
    account = account_field(read_only=True)
    control = serializers.SlugRelatedField(
        slug_field="ref", read_only=True, help_text="Control ref."
    )

    class Meta:
        model = ControlStatusEvent
        fields = ["id", "account", "control", "previous_status", "status", "occurred_at", "run"]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Event id."},
            "previous_status": {"help_text": "Status before; empty for a first status."},
            "status": {"help_text": "Status after the change."},
            "occurred_at": {"help_text": "When the run that found the change finished."},
            "run": {"help_text": "Id of that run, if still kept."},
        }


class AccountScopeQuerySerializer(serializers.Serializer):
    ou = serializers.CharField(
        required=False,
        max_length=1000,
        help_text="Only accounts in this OU path (e.g. Root/Workloads) and the OUs under it.",
    )
    environment = serializers.ChoiceField(
        required=False,
        choices=ENVIRONMENT_LABELS,
        help_text="Only production, non-production, or unset (no environment) accounts.",
    )


class HistoryQuerySerializer(AccountScopeQuerySerializer):
    account = serializers.RegexField(
        f"^{ACCOUNT_ID_PATTERN}$",
        required=False,
        help_text="Only this account (12-digit id); default: every account.",
    )
    days = serializers.IntegerField(
        min_value=1, max_value=730, default=90, help_text="Days back from today (1 to 730)."
    )


class DayStatusSerializer(serializers.Serializer):
    day = serializers.DateField(help_text="The day.")
    status = serializers.ChoiceField(
        choices=[("", "No collection"), *ControlStatus.choices],
        help_text=(
            "pass, fail, excepted, incomplete, evidence_overdue, evidence_expired, "
            "not_evidenced; empty when nothing was collected that day."
        ),
    )


class AccountHistorySerializer(serializers.Serializer):
    account = serializers.CharField(help_text="12-digit AWS account id.")
    name = serializers.CharField(help_text="Account name.")
    days = DayStatusSerializer(many=True, help_text="One entry per day, oldest first.")


class ControlHistorySerializer(serializers.Serializer):
    control = serializers.CharField(help_text="Control ref.")
    since = serializers.DateField(
        allow_null=True, help_text="First day of the series; null when there are no days."
    )
    until = serializers.DateField(
        allow_null=True, help_text="Last day of the series (today); null when there are no days."
    )
    accounts = AccountHistorySerializer(many=True, help_text="A series per account.")


class FindingQuerySerializer(AccountScopeQuerySerializer):
    account = serializers.RegexField(f"^{ACCOUNT_ID_PATTERN}$", required=False)
    service = serializers.CharField(required=False, max_length=64)
    check = serializers.CharField(required=False, max_length=100)
    severity = serializers.ChoiceField(
        required=False, choices=["low", "medium", "high", "critical"]
    )
    state = serializers.ChoiceField(required=False, choices=["failing", "excepted"])
    q = serializers.CharField(required=False, max_length=200, help_text="Search text.")
    sort = serializers.ChoiceField(
        required=False, choices=["severity", "account", "service", "check", "newest"]
    )


class GuidanceSerializer(serializers.Serializer):
    rationale = serializers.CharField()
    console = serializers.CharField()
    cli = serializers.CharField()


class FindingSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="result.pk", help_text="Check result id.")
    check_id = serializers.CharField(source="result.check_id")
    title = serializers.CharField()
    severity = serializers.CharField()
    state = serializers.ChoiceField(choices=["failing", "excepted"])
    account = serializers.CharField(source="result.account.account_id")
    region = serializers.CharField(source="result.region")
    resource = serializers.CharField(source="result.resource.arn")
    reason = serializers.CharField(source="result.reason")
    collected_at = serializers.DateTimeField(help_text="When the latest run collected it.")
    first_seen_failing = serializers.DateTimeField(source="first_seen", allow_null=True)
    controls = serializers.ListField(child=serializers.CharField())
    exception = serializers.IntegerField(source="exception.pk", allow_null=True, default=None)
    evidence_sha256 = serializers.CharField(
        source="result.evidence.sha256", allow_null=True, default=None
    )
    guidance = GuidanceSerializer(allow_null=True)
