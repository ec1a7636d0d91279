"""Evidence packet API shapes."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evidence.collection.models import AwsAccount, Environment
from evidence.packets.models import EvidencePacket
from grc.access.api.fields import account_field, username_field
from grc.catalog.models import Framework


class EvidencePacketSerializer(serializers.ModelSerializer):
    framework = serializers.SlugRelatedField(
        slug_field="slug", read_only=True, help_text="Framework slug."
    )
    accounts = account_field(many=True, read_only=True)
    requested_by = username_field("requested_by")
    sample_dates = serializers.ListField(
        child=serializers.DateField(), help_text="Days whose raw results the packet samples."
    )
    environment = serializers.ChoiceField(
        choices=[*Environment.choices, ("", "Any")],
        read_only=True,
        help_text="production or non-production when it narrowed the accounts; empty otherwise.",
    )
    download_url = serializers.SerializerMethodField(
        help_text="Where to download the ZIP once ready; null before."
    )

    class Meta:
        model = EvidencePacket
        fields = [
            "id",
            "framework",
            "period_start",
            "period_end",
            "accounts",
            "ou_path",
            "environment",
            "sample_dates",
            "sample_seed",
            "sampling",
            "requested_by",
            "requested_at",
            "status",
            "progress",
            "progress_message",
            "error",
            "sha256",
            "size",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "id": {"help_text": "Packet id."},
            "period_start": {"help_text": "First day of the audit period."},
            "period_end": {"help_text": "Last day of the audit period."},
            "ou_path": {
                "help_text": "The OU the packet was requested for (its subtree's accounts at "
                "request time are `accounts`); empty when accounts were chosen."
            },
            "sample_seed": {"help_text": "Seed of a random sample draw, to repeat it."},
            "sampling": {"help_text": "Seed and sizes by frequency of the per-control samples."},
            "requested_at": {"help_text": "When it was requested."},
            "status": {"help_text": "queued, building, ready or failed."},
            "progress": {"help_text": "Build progress, 0.0 to 1.0."},
            "progress_message": {"help_text": "What the build is doing."},
            "error": {"help_text": "Why the build failed, if it did."},
            "sha256": {"help_text": "SHA-256 of the ZIP once ready."},
            "size": {"help_text": "Bytes of the ZIP once ready."},
            "finished_at": {"help_text": "When the build finished."},
        }

    @extend_schema_field(OpenApiTypes.URI)
    def get_download_url(self, packet: EvidencePacket) -> str | None:
        if packet.status != EvidencePacket.Status.READY or not packet.file:
            return None
        path = reverse("api:evidence-packet-download", kwargs={"pk": packet.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EvidencePacketCreateSerializer(serializers.Serializer):
    framework = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=Framework.objects.all(),
        help_text="Framework slug, e.g. soc2-2017.",
    )
    period_start = serializers.DateField(help_text="First day of the audit period.")
    period_end = serializers.DateField(help_text="Last day of the audit period.")
    accounts = account_field(
        queryset=AwsAccount.objects.all(), many=True, required=False, allow_empty=False
    )
    ou = serializers.CharField(
        source="ou_path",
        required=False,
        max_length=1000,
        help_text="An OU path, e.g. Root/Workloads: the packet covers its accounts and those of "
        "the OUs under it at request time (only the chosen ones among them, if accounts are "
        "given). Give accounts, an OU, or both.",
    )
    environment = serializers.ChoiceField(
        choices=Environment.choices,
        required=False,
        help_text="Only the accounts of this environment.",
    )
    sample_dates = serializers.ListField(
        child=serializers.DateField(),
        required=False,
        max_length=366,
        help_text="Days to sample raw results on (within the period).",
    )
    sample_count = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=366,
        help_text="Instead of dates: draw this many days at random (the seed is recorded).",
    )
    seed = serializers.CharField(
        required=False, max_length=64, help_text="Seed for the random draw, to repeat one."
    )
    sample_sizes = serializers.DictField(
        child=serializers.IntegerField(min_value=1, max_value=366),
        required=False,
        help_text="Per-control sample sizes by frequency, overriding the defaults (annual 1, "
        "quarterly 2, monthly 2, weekly 5, daily 25, continuous 25, event 25).",
    )
