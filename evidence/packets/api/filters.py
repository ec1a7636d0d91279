"""Evidence packet API filters."""

from __future__ import annotations

from django_filters import rest_framework as filters

from evidence.packets.models import EvidencePacket


class EvidencePacketFilter(filters.FilterSet):
    framework = filters.CharFilter(field_name="framework__slug", help_text="Framework slug.")
    status = filters.ChoiceFilter(choices=EvidencePacket.Status.choices, help_text="Build status.")

    class Meta:
        model = EvidencePacket
        fields = ["framework", "status"]
