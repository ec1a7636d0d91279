"""Evidence API: accounts, collection runs, results, evidence documents, control status, packets.

Views only validate, call a service or selector, and shape the response. Role rules come from the
project-wide permission class; ``write_rules`` names a rule other than ``can_manage``.
"""

from __future__ import annotations

from pathlib import PurePath

from django.db.models import Prefetch
from django.http import FileResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import generics, mixins, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.api import serializers as s
from evidence.api.exceptions import Conflict
from evidence.api.filters import (
    AwsAccountFilter,
    CheckResultFilter,
    CollectionRunFilter,
    ControlStatusEventFilter,
    EvidencePacketFilter,
)
from evidence.api.pagination import CheckResultCursorPagination, StatusEventCursorPagination
from evidence.api.schema import ErrorSerializer
from evidence.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    ControlStatusEvent,
    EvidenceDocument,
    EvidencePacket,
)
from evidence.packets.services import packet_request
from evidence.selectors.history import control_status_history
from evidence.services.accounts import account_create, account_schedule_set, account_update
from evidence.services.collection import CollectionAlreadyRunning, collection_run_start
from grc.catalog.api.serializers import CONTROL_REF_PATTERN
from grc.catalog.models import Control
from grc.roles import can_export


def _valid(serializer_class: type, request: Request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


@extend_schema_view(
    list=extend_schema(summary="List AWS accounts", tags=["accounts"]),
    retrieve=extend_schema(summary="Get an AWS account", tags=["accounts"]),
    create=extend_schema(
        summary="Register an AWS account",
        tags=["accounts"],
        request=s.AwsAccountCreateSerializer,
        responses={201: s.AwsAccountSerializer},
    ),
    partial_update=extend_schema(
        summary="Change an AWS account (enabled=false disables it)",
        tags=["accounts"],
        request=s.AwsAccountUpdateSerializer,
        responses=s.AwsAccountSerializer,
    ),
)
class AwsAccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """AWS accounts we collect from. The external id is write-only and never returned."""

    queryset = AwsAccount.objects.select_related("owner", "schedule__interval")
    serializer_class = s.AwsAccountSerializer
    filterset_class = AwsAccountFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["name", "account_id", "created_at"]
    ordering = ["name"]
    lookup_field = "account_id"
    lookup_value_regex = s.ACCOUNT_ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request) -> Response:
        data = _valid(s.AwsAccountCreateSerializer, request)
        account = account_create(owner=request.user, **data)
        return Response(self._read(account), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, account_id: str) -> Response:
        account = self.get_object()
        data = dict(_valid(s.AwsAccountUpdateSerializer, request, instance=account, partial=True))
        schedule_hours = data.pop("schedule_hours", None)
        account = account_update(account=account, **data)
        if schedule_hours is not None:
            account_schedule_set(account=account, every_hours=schedule_hours)
        return Response(self._read(account))

    @extend_schema(summary="Disable an AWS account", tags=["accounts"], request=None)
    @action(detail=True, methods=["post"])
    def disable(self, request: Request, account_id: str) -> Response:
        account = account_update(account=self.get_object(), enabled=False)
        return Response(self._read(account))

    def _read(self, account: AwsAccount) -> dict:
        return s.AwsAccountSerializer(self.get_queryset().get(pk=account.pk)).data


@extend_schema_view(
    list=extend_schema(summary="List collection runs", tags=["collection"]),
    retrieve=extend_schema(
        summary="Get a collection run with per-unit progress",
        tags=["collection"],
        responses=s.CollectionRunDetailSerializer,
    ),
    create=extend_schema(
        summary="Start a collection of an account",
        tags=["collection"],
        request=s.CollectionRunCreateSerializer,
        responses={
            202: s.CollectionRunSerializer,
            409: OpenApiResponse(
                ErrorSerializer,
                description="A run is already queued or running: its id is `error.active_run_id`.",
            ),
        },
    ),
)
class CollectionRunViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Collections of an account: one at a time per account, progress per service and region."""

    queryset = CollectionRun.objects.select_related("account", "requested_by")
    serializer_class = s.CollectionRunSerializer
    filterset_class = CollectionRunFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["created_at", "finished_at"]
    ordering = ["-created_at", "-id"]
    lookup_value_regex = r"[0-9]{1,18}"

    def get_queryset(self):
        queryset = super().get_queryset()
        if self.action == "retrieve":
            units = CollectionUnit.objects.order_by("service", "region")
            queryset = queryset.prefetch_related(Prefetch("units", queryset=units))
        return queryset

    def get_serializer_class(self) -> type:
        return (
            s.CollectionRunDetailSerializer
            if self.action == "retrieve"
            else super().get_serializer_class()
        )

    def create(self, request: Request) -> Response:
        data = _valid(s.CollectionRunCreateSerializer, request)
        try:
            run = collection_run_start(
                account=data["account"],
                trigger=CollectionRun.Trigger.API,
                requested_by=request.user,
            )
        except CollectionAlreadyRunning as exc:
            raise Conflict(str(exc), code="collection_running", active_run_id=exc.run.pk) from None
        return Response(s.CollectionRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(summary="List check results (newest first)", tags=["results"]),
    retrieve=extend_schema(summary="Get a check result", tags=["results"]),
)
class CheckResultViewSet(viewsets.ReadOnlyModelViewSet):
    """One check on one resource in one run. Cursor-paginated: follow `next`."""

    queryset = CheckResult.objects.select_related("account", "resource", "evidence").defer(
        "evidence__content"
    )
    serializer_class = s.CheckResultSerializer
    filterset_class = CheckResultFilter
    pagination_class = CheckResultCursorPagination
    lookup_value_regex = r"[0-9]{1,18}"


@extend_schema_view(retrieve=extend_schema(summary="Get an evidence document", tags=["results"]))
class EvidenceDocumentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Raw configuration documents, addressed by the SHA-256 of their canonical JSON."""

    queryset = EvidenceDocument.objects.all()
    serializer_class = s.EvidenceDocumentSerializer
    lookup_field = "sha256"
    lookup_value_regex = s.SHA256_PATTERN


@extend_schema_view(
    list=extend_schema(summary="List control status changes (newest first)", tags=["status"]),
    retrieve=extend_schema(summary="Get a control status change", tags=["status"]),
)
class ControlStatusEventViewSet(viewsets.ReadOnlyModelViewSet):
    """A control's status changed in an account (e.g. pass -> fail). Cursor-paginated."""

    queryset = ControlStatusEvent.objects.select_related("account", "control")
    serializer_class = s.ControlStatusEventSerializer
    filterset_class = ControlStatusEventFilter
    pagination_class = StatusEventCursorPagination
    lookup_value_regex = r"[0-9]{1,18}"


class ControlHistoryView(generics.GenericAPIView):
    """A control's daily status per account, read from the daily rollup."""

    queryset = Control.objects.all()
    serializer_class = s.ControlHistorySerializer
    lookup_field = "ref"
    filter_backends: list = []
    pagination_class = None

    @extend_schema(
        summary="A control's daily status per account",
        tags=["status"],
        parameters=[
            s.HistoryQuerySerializer,
            OpenApiParameter(
                "ref",
                str,
                OpenApiParameter.PATH,
                description="Control ref.",
                pattern=CONTROL_REF_PATTERN,
            ),
        ],
    )
    def get(self, request: Request, ref: str) -> Response:
        query = s.HistoryQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        control = self.get_object()
        accounts = AwsAccount.objects.order_by("name", "account_id")
        if "account" in query.validated_data:
            accounts = accounts.filter(account_id=query.validated_data["account"])
        names = {account.pk: account for account in accounts}
        series = control_status_history(
            control_id=control.pk, account_ids=list(names), days=query.validated_data["days"]
        )
        days = next(iter(series.values()), [])
        body = {
            "control": control.ref,
            "since": days[0].day if days else None,
            "until": days[-1].day if days else None,
            "accounts": [
                {"account": names[pk].account_id, "name": names[pk].name, "days": entries}
                for pk, entries in series.items()
            ],
        }
        return Response(s.ControlHistorySerializer(body).data)


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
        data = _valid(s.EvidencePacketCreateSerializer, request)
        packet = packet_request(requested_by=request.user, **data)
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
