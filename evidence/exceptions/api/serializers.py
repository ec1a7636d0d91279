"""Exception API shapes. Writes validate shape only; the services decide what is allowed."""

from __future__ import annotations

from rest_framework import serializers

from evidence.collection.models import AwsAccount
from evidence.exceptions.models import RiskException
from grc.access.api.fields import account_field, username_field


class RiskExceptionSerializer(serializers.ModelSerializer):
    account = account_field(read_only=True, allow_null=True)
    requested_by = username_field("requested_by")
    decided_by = username_field("decided_by")
    revoked_by = username_field("revoked_by")
    active = serializers.SerializerMethodField(help_text="Approved and not past its end date.")

    class Meta:
        model = RiskException
        fields = [
            "id",
            "check_id",
            "scope",
            "scope_value",
            "account",
            "justification",
            "risk_rating",
            "compensating_controls",
            "ends_on",
            "state",
            "active",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "revoked_by",
            "revoked_at",
            "revoke_reason",
        ]
        read_only_fields = fields

    def get_active(self, exception: RiskException) -> bool:
        return exception.state == RiskException.State.APPROVED and not exception.expired


class RiskExceptionCreateSerializer(serializers.Serializer):
    check_id = serializers.CharField(max_length=100)
    scope = serializers.ChoiceField(choices=RiskException.Scope.choices)
    scope_value = serializers.CharField(max_length=1024, required=False, allow_blank=True)
    account = account_field(queryset=AwsAccount.objects.all(), required=False, allow_null=True)
    justification = serializers.CharField(max_length=4000)
    risk_rating = serializers.ChoiceField(choices=RiskException.Rating.choices)
    compensating_controls = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    ends_on = serializers.DateField(help_text="Last day it applies (at most a year away).")


class RiskExceptionDecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True)


class RiskExceptionRevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)
