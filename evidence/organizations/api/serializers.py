"""Organizations API shapes. External ids are write-only and never returned."""

from __future__ import annotations

from rest_framework import serializers

from evidence.collection.models.accounts import validate_regions
from evidence.organizations.models import Organization, OrganizationAccount, OrganizationSync


class OrganizationSyncSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrganizationSync
        fields = [
            "id",
            "status",
            "error",
            "registered",
            "disabled",
            "updated",
            "member_errors",
            "started_at",
            "finished_at",
        ]


class OrganizationSerializer(serializers.ModelSerializer):
    member_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organization
        fields = [
            "id",
            "name",
            "account_id",
            "role_arn",
            "member_role_name",
            "default_regions",
            "organization_id",
            "management_account_id",
            "last_synced_at",
            "last_sync_error",
            "member_count",
            "created_at",
        ]


class OrganizationCreateSerializer(serializers.ModelSerializer):
    external_id = serializers.CharField(
        write_only=True,
        min_length=2,
        max_length=1224,
        trim_whitespace=False,
        help_text="External id of the management (or delegated admin) role. Write-only.",
    )
    member_external_id = serializers.CharField(
        write_only=True,
        min_length=2,
        max_length=1224,
        trim_whitespace=False,
        help_text="External id of the collection role in every member account. Write-only.",
    )
    default_regions = serializers.ListField(
        child=serializers.CharField(max_length=32),
        required=False,
        max_length=64,
        validators=[validate_regions],
        help_text="Regions new members are collected in; empty means every enabled region.",
    )

    class Meta:
        model = Organization
        fields = [
            "name",
            "account_id",
            "role_arn",
            "external_id",
            "member_role_name",
            "member_external_id",
            "default_regions",
        ]


class OrganizationAccountSerializer(serializers.ModelSerializer):
    account_id = serializers.CharField(source="account.account_id", read_only=True)
    name = serializers.CharField(source="account.name", read_only=True)
    enabled = serializers.BooleanField(source="account.enabled", read_only=True)
    organization = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = OrganizationAccount
        fields = [
            "id",
            "organization",
            "account_id",
            "name",
            "email",
            "ou_path",
            "aws_status",
            "excluded",
            "enabled",
            "last_sync_error",
            "connection_error",
            "connection_checked_at",
            "first_seen_at",
            "last_seen_at",
        ]


class OrganizationAccountUpdateSerializer(serializers.Serializer):
    excluded = serializers.BooleanField(help_text="true: never collect this member.")


class TopicCoverageSerializer(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=["PASS", "FAIL", "ERROR", "NOT_COLLECTED"], read_only=True
    )
    reason = serializers.CharField(read_only=True)


class MemberCoverageSerializer(serializers.Serializer):
    """One member's CloudTrail and AWS Config coverage from its latest finished run."""

    member = serializers.IntegerField(source="member.pk", read_only=True)
    account_id = serializers.CharField(source="member.account.account_id", read_only=True)
    name = serializers.CharField(source="member.account.name", read_only=True)
    ou_path = serializers.CharField(source="member.ou_path", read_only=True)
    aws_status = serializers.CharField(source="member.aws_status", read_only=True)
    excluded = serializers.BooleanField(source="member.excluded", read_only=True)
    enabled = serializers.BooleanField(source="member.account.enabled", read_only=True)
    run = serializers.IntegerField(source="run.pk", read_only=True, allow_null=True, default=None)
    run_finished_at = serializers.DateTimeField(
        source="run.finished_at", read_only=True, allow_null=True, default=None
    )
    cloudtrail = TopicCoverageSerializer(read_only=True)
    config = TopicCoverageSerializer(read_only=True)
