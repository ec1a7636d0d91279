"""Collection API shapes. Reads: ``<Model>Serializer``; writes: ``<Model>CreateSerializer`` etc.

Secrets never leave: ``external_id`` is a write-only field and API keys have no API at all.
"""

from __future__ import annotations

from typing import Any

from django_celery_beat.models import IntervalSchedule
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    Environment,
    EnvironmentSource,
    EvidenceDocument,
)
from evidence.collection.models.validators import (
    EXTERNAL_ID_MAX,
    EXTERNAL_ID_MIN,
    MAX_REGIONS,
    external_id_validator,
)
from grc.access.api.fields import account_field, username_field

MAX_SCHEDULE_HOURS = 24 * 30


# --- accounts ----------------------------------------------------------------------------------


class AwsAccountSerializer(serializers.ModelSerializer):
    owner = serializers.CharField(
        source="owner.username", read_only=True, allow_null=True, help_text="Owner's username."
    )
    schedule_hours = serializers.SerializerMethodField(
        help_text="Hours between scheduled collections, or null if there is no schedule."
    )
    regions = serializers.ListField(
        child=serializers.CharField(), help_text="Regions to collect; empty means all enabled."
    )
    environment = serializers.ChoiceField(
        choices=[*Environment.choices, ("", "Not set")],
        read_only=True,
        help_text="production, non-production, or empty when not set.",
    )
    environment_source = serializers.ChoiceField(
        choices=[*EnvironmentSource.choices, ("", "Not set")],
        read_only=True,
        help_text="tag (read from the account tags by an organization sync), manual (set by "
        "hand: wins over the tags), or empty.",
    )

    class Meta:
        model = AwsAccount
        fields = [
            "account_id",
            "name",
            "role_arn",
            "regions",
            "enabled",
            "environment",
            "environment_source",
            "owner",
            "schedule_hours",
            "created_at",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "account_id": {"help_text": "12-digit AWS account id."},
            "name": {"help_text": "Display name."},
            "role_arn": {"help_text": "The read-only IAM role we assume in the account."},
            "enabled": {"help_text": "Disabled accounts are not collected."},
            "created_at": {"help_text": "When the account was registered."},
        }

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_schedule_hours(self, account: AwsAccount) -> int | None:
        interval = account.schedule.interval if account.schedule else None
        if interval is None or interval.period != IntervalSchedule.HOURS:
            return None
        return interval.every


class AwsAccountCreateSerializer(serializers.ModelSerializer):
    external_id = serializers.CharField(
        write_only=True,
        max_length=EXTERNAL_ID_MAX,
        min_length=EXTERNAL_ID_MIN,
        trim_whitespace=False,
        validators=[external_id_validator],
        help_text="The external id the role's trust policy requires. Write-only: never returned.",
    )
    regions = serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        max_length=MAX_REGIONS,
        help_text="Region names of the role's partition (e.g. eu-west-1) to collect, each once "
        "(duplicates are dropped); empty or absent means every region enabled for the account.",
    )
    schedule_hours = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_SCHEDULE_HOURS,
        help_text="Hours between scheduled collections (default 24).",
    )
    environment = serializers.ChoiceField(
        choices=Environment.choices,
        required=False,
        allow_blank=True,
        help_text="production or non-production, set by hand (it wins over account tags); "
        "empty clears it.",
    )

    class Meta:
        model = AwsAccount
        fields = [
            "account_id",
            "name",
            "role_arn",
            "external_id",
            "regions",
            "schedule_hours",
            "environment",
        ]
        extra_kwargs = {
            "account_id": {"help_text": "12-digit AWS account id."},
            "name": {"help_text": "Display name."},
            "role_arn": {
                "help_text": "ARN of the read-only role in this account, e.g. "
                "arn:aws:iam::123456789012:role/GrcEvidenceReader."
            },
        }

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        account_id = attrs.get("account_id") or getattr(self.instance, "account_id", "")
        role_arn = attrs.get("role_arn")
        if role_arn and account_id and f":{account_id}:" not in role_arn:
            raise serializers.ValidationError(
                {"role_arn": f"The role must belong to account {account_id}."}
            )
        return attrs


class AwsAccountUpdateSerializer(AwsAccountCreateSerializer):
    class Meta(AwsAccountCreateSerializer.Meta):
        fields = [
            "name",
            "role_arn",
            "external_id",
            "regions",
            "enabled",
            "schedule_hours",
            "environment",
        ]
        extra_kwargs = {
            **AwsAccountCreateSerializer.Meta.extra_kwargs,
            "enabled": {"help_text": "false stops scheduled and new collections."},
        }


# --- runs and results ----------------------------------------------------------------------------


class CollectionErrorSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="AWS service (or sts).")
    region = serializers.CharField(help_text="Region, or global.")
    reason = serializers.CharField(help_text="What failed.")


class CollectionUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = CollectionUnit
        fields = ["service", "region", "status", "result_count", "error", "finished_at"]
        read_only_fields = fields
        extra_kwargs = {
            "service": {"help_text": "AWS service collected."},
            "region": {"help_text": "Region collected."},
            "status": {"help_text": "pending, done or error."},
            "result_count": {"help_text": "Check results stored."},
            "error": {"help_text": "Why the unit failed, if it did."},
            "finished_at": {"help_text": "When the unit was stored."},
        }


class CollectionRunSerializer(serializers.ModelSerializer):
    account = account_field(read_only=True)
    requested_by = username_field("requested_by")
    progress = serializers.FloatField(read_only=True, help_text="Share of units done, 0.0 to 1.0.")
    regions = serializers.ListField(child=serializers.CharField(), help_text="Regions collected.")
    errors = CollectionErrorSerializer(many=True, help_text="Failures, per service and region.")

    class Meta:
        model = CollectionRun
        fields = [
            "id",
            "account",
            "trigger",
            "status",
            "requested_by",
            "created_at",
            "started_at",
            "finished_at",
            "regions",
            "units_total",
            "units_done",
            "progress",
            "pass_count",
            "fail_count",
            "error_count",
            "not_applicable_count",
            "errors",
            "product_version",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Run id."},
            "trigger": {"help_text": "schedule, manual (UI) or api."},
            "status": {"help_text": "queued, running, succeeded, finished_with_errors or failed."},
            "created_at": {"help_text": "When the run was requested."},
            "started_at": {"help_text": "When a worker started it."},
            "finished_at": {"help_text": "When it finished."},
            "units_total": {"help_text": "Units (service x region) planned."},
            "units_done": {"help_text": "Units stored so far."},
            "pass_count": {"help_text": "PASS results."},
            "fail_count": {"help_text": "FAIL results."},
            "error_count": {"help_text": "ERROR results."},
            "not_applicable_count": {"help_text": "NOT_APPLICABLE results."},
            "product_version": {"help_text": "Version of this software that collected."},
        }


class CollectionRunDetailSerializer(CollectionRunSerializer):
    units = CollectionUnitSerializer(many=True, read_only=True, help_text="Per-unit progress.")

    class Meta(CollectionRunSerializer.Meta):
        fields = [*CollectionRunSerializer.Meta.fields, "units"]
        read_only_fields = fields


class CollectionRunCreateSerializer(serializers.Serializer):
    account = account_field(queryset=AwsAccount.objects.all())


class CheckResultSerializer(serializers.ModelSerializer):
    account = account_field(read_only=True)
    service = serializers.CharField(source="resource.service", help_text="AWS service.")
    resource = serializers.CharField(source="resource.arn", help_text="Resource ARN.")
    resource_type = serializers.CharField(
        source="resource.resource_type", help_text="CloudFormation-style type."
    )
    evidence = serializers.CharField(
        source="evidence.sha256",
        allow_null=True,
        default=None,
        help_text="SHA-256 of the evidence document (GET /api/v1/evidence-documents/<sha256>/).",
    )

    class Meta:
        model = CheckResult
        fields = [
            "id",
            "run",
            "account",
            "check_id",
            "check_version",
            "status",
            "reason",
            "region",
            "service",
            "resource",
            "resource_type",
            "evidence",
            "collected_at",
            "ended_run",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Result id."},
            "run": {
                "help_text": "Id of the run that first collected this exact result. Later runs "
                "that reproduced it unchanged observe the same result (filter with ?run=)."
            },
            "ended_run": {
                "help_text": "Id of the first later run that did not reproduce it (changed, "
                "gone or unreadable); null while it is current."
            },
            "check_id": {"help_text": "Stable collector check id."},
            "check_version": {"help_text": "Version of the check's logic."},
            "status": {"help_text": "PASS, FAIL, ERROR or NOT_APPLICABLE."},
            "reason": {"help_text": "Why, in a sentence."},
            "region": {"help_text": "Region of the resource (or global)."},
            "collected_at": {"help_text": "When the run in `run` collected it."},
        }


class EvidenceDocumentSerializer(serializers.ModelSerializer):
    content = serializers.JSONField(
        help_text="The configuration as AWS returned it and the API calls it was read from."
    )

    class Meta:
        model = EvidenceDocument
        fields = ["sha256", "content", "size", "created_at"]
        read_only_fields = fields
        extra_kwargs = {
            "sha256": {"help_text": "SHA-256 of the canonical JSON: the document's identity."},
            "size": {"help_text": "Bytes of the canonical JSON."},
            "created_at": {"help_text": "When it was first stored."},
        }
