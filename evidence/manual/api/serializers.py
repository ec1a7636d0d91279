"""Manual evidence API shapes: reads, and writes that the services validate again."""

from __future__ import annotations

from django.utils import timezone
from rest_framework import serializers

from evidence.manual.models import (
    Decision,
    EvidenceRequest,
    EvidenceSubmission,
    Frequency,
    ProviderAttestation,
    Review,
)
from evidence.manual.selectors.requests import STATUS_LABELS, request_status
from grc.access.api.fields import username_field
from grc.catalog.models import Control


class EvidenceRequestSerializer(serializers.ModelSerializer):
    control = serializers.SlugRelatedField(
        slug_field="ref", read_only=True, help_text="Control ref."
    )
    owner = username_field("owner")
    status = serializers.SerializerMethodField(help_text=", ".join(STATUS_LABELS))
    next_due = serializers.SerializerMethodField(help_text="When evidence is next due; null: done.")

    class Meta:
        model = EvidenceRequest
        fields = [
            "id",
            "control",
            "title",
            "description",
            "frequency",
            "owner",
            "first_due_date",
            "next_due",
            "status",
            "created_at",
        ]
        read_only_fields = fields

    def _row(self, obj: EvidenceRequest):  # type: ignore[no-untyped-def]
        return request_status(obj, list(obj.submissions.all()), timezone.localdate())

    def get_status(self, obj: EvidenceRequest) -> str:
        return self._row(obj).status

    def get_next_due(self, obj: EvidenceRequest) -> str | None:
        due = self._row(obj).next_due
        return due.isoformat() if due else None


class EvidenceRequestCreateSerializer(serializers.Serializer):
    control = serializers.SlugRelatedField(slug_field="ref", queryset=Control.objects.all())
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    frequency = serializers.ChoiceField(choices=Frequency.choices)
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=EvidenceRequest._meta.get_field("owner").related_model.objects.all(),
        required=False,
        allow_null=True,
        default=None,
    )
    first_due_date = serializers.DateField(required=False, allow_null=True, default=None)


class EvidenceRequestAssignSerializer(serializers.Serializer):
    owner = serializers.SlugRelatedField(
        slug_field="username",
        queryset=EvidenceRequest._meta.get_field("owner").related_model.objects.all(),
    )
    requests = serializers.PrimaryKeyRelatedField(
        many=True, queryset=EvidenceRequest.objects.all(), help_text="Request ids."
    )


class ReviewSerializer(serializers.ModelSerializer):
    reviewer = username_field("reviewer")

    class Meta:
        model = Review
        fields = ["id", "submission", "reviewer", "decision", "comment", "reviewed_at"]
        read_only_fields = fields


class ReviewCreateSerializer(serializers.Serializer):
    submission = serializers.PrimaryKeyRelatedField(queryset=EvidenceSubmission.objects.all())
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class EvidenceSubmissionSerializer(serializers.ModelSerializer):
    submitted_by = username_field("submitted_by")
    sha256 = serializers.CharField(source="stored_file.sha256", read_only=True, allow_null=True)
    content_type = serializers.CharField(
        source="stored_file.content_type", read_only=True, allow_null=True
    )
    size = serializers.IntegerField(source="stored_file.size", read_only=True, allow_null=True)
    review = ReviewSerializer(read_only=True, allow_null=True)

    class Meta:
        model = EvidenceSubmission
        fields = [
            "id",
            "request",
            "kind",
            "filename",
            "sha256",
            "content_type",
            "size",
            "url",
            "description",
            "statement",
            "effective_date",
            "valid_until",
            "period_start",
            "period_end",
            "submitted_by",
            "submitted_at",
            "status",
            "review",
        ]
        read_only_fields = fields


class EvidenceSubmissionCreateSerializer(serializers.Serializer):
    request = serializers.PrimaryKeyRelatedField(queryset=EvidenceRequest.objects.all())
    kind = serializers.ChoiceField(choices=EvidenceSubmission.Kind.choices)
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    url = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    statement = serializers.CharField(required=False, allow_blank=True, default="")
    effective_date = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    period_start = serializers.DateField(required=False, allow_null=True, default=None)
    period_end = serializers.DateField(required=False, allow_null=True, default=None)


class ProviderAttestationSerializer(serializers.ModelSerializer):
    controls = serializers.SlugRelatedField(slug_field="ref", many=True, read_only=True)
    uploaded_by = username_field("uploaded_by")
    reviewed_by = username_field("reviewed_by")
    sha256 = serializers.CharField(source="stored_file.sha256", read_only=True, allow_null=True)

    class Meta:
        model = ProviderAttestation
        fields = [
            "id",
            "kind",
            "name",
            "issuer",
            "period_start",
            "period_end",
            "scope",
            "filename",
            "sha256",
            "controls",
            "cuecs",
            "uploaded_by",
            "uploaded_at",
            "status",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]
        read_only_fields = fields


class CuecSerializer(serializers.Serializer):
    cuec = serializers.CharField(max_length=2000)
    answer = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ProviderAttestationCreateSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ProviderAttestation.Kind.choices)
    name = serializers.CharField(max_length=200)
    issuer = serializers.CharField(max_length=200)
    period_start = serializers.DateField()
    period_end = serializers.DateField()
    scope = serializers.CharField(required=False, allow_blank=True, default="")
    file = serializers.FileField(required=False, allow_empty_file=True, use_url=False)
    controls = serializers.SlugRelatedField(
        slug_field="ref", many=True, queryset=Control.objects.all()
    )
    cuecs = serializers.JSONField(required=False, default=list, help_text='[{"cuec", "answer"}]')


class AttestationReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=Decision.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
