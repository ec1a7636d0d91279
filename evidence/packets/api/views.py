"""Evidence packet API: request a packet, follow its build, download the signed ZIP."""

from __future__ import annotations

from pathlib import PurePath

from django.db.models import Prefetch
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.collection.models import AwsAccount
from evidence.collection.tasks import TaskNotQueued
from evidence.packets.api import serializers as s
from evidence.packets.api.filters import EvidencePacketFilter
from evidence.packets.models import EvidencePacket
from evidence.packets.services.packets import packet_request
from evidence.packets.tasks import packet_build_enqueue
from grc.access.api.exceptions import Conflict, ServiceUnavailable
from grc.access.api.schema import ErrorSerializer
from grc.access.api.validation import valid_data
from grc.access.roles import can_export


class ZipRenderer(renderers.BaseRenderer):
    media_type = "application/zip"
    format = "zip"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # type: ignore[no-untyped-def]
        return data


@extend_schema_view(
    list=extend_schema(summary="List evidence packets", tags=["packets"]),
    retrieve=extend_schema(summary="Get an evidence packet and its progress", tags=["packets"]),
    create=extend_schema(
        summary="Request an evidence packet (built in the background)",
        tags=["packets"],
        request=s.EvidencePacketCreateSerializer,
        responses={202: s.EvidencePacketSerializer},
    ),
)
class EvidencePacketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Signed ZIP exports of a framework over an audit period. Auditors may request them."""

    queryset = EvidencePacket.objects.select_related("framework", "requested_by").prefetch_related(
        Prefetch("accounts", queryset=AwsAccount.objects.only("account_id"))
    )
    serializer_class = s.EvidencePacketSerializer
    filterset_class = EvidencePacketFilter
    lookup_value_regex = r"[0-9]{1,18}"
    write_rules = {"create": can_export}

    def create(self, request: Request) -> Response:
        data = valid_data(s.EvidencePacketCreateSerializer, request)
        packet = packet_request(requested_by=request.user, **data)
        try:
            packet_build_enqueue(packet.pk)
        except TaskNotQueued as exc:
            raise ServiceUnavailable(
                str(exc), code="broker_unavailable", packet_id=packet.pk
            ) from None
        body = s.EvidencePacketSerializer(
            self.get_queryset().get(pk=packet.pk), context={"request": request}
        ).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Download a ready packet (ZIP)",
        tags=["packets"],
        responses={
            (200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY, description="The ZIP."),
            409: OpenApiResponse(ErrorSerializer, description="Not built (yet)."),
        },
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, ZipRenderer])
    def download(self, request: Request, pk: str) -> FileResponse:
        packet = self.get_object()
        if packet.status != EvidencePacket.Status.READY or not packet.file:
            raise Conflict(f"The packet is {packet.status}, not ready.", code="not_ready")
        return FileResponse(
            packet.file.open("rb"),
            as_attachment=True,
            filename=PurePath(packet.file.name).name,
            content_type="application/zip",
        )
