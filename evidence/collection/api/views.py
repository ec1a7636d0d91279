"""Collection API: accounts, collection runs, check results and evidence documents.

Views only validate, call a service or selector, and shape the response. Role rules come from the
project-wide permission class; ``write_rules`` names a rule other than ``can_manage``.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.collection.api import serializers as s
from evidence.collection.api.filters import AwsAccountFilter, CheckResultFilter, CollectionRunFilter
from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    EvidenceDocument,
)
from evidence.collection.services.accounts import (
    account_create,
    account_environment_set,
    account_schedule_set,
    account_update,
)
from evidence.collection.services.runs import (
    AccountDisabled,
    CollectionAlreadyRunning,
    collection_run_start,
)
from evidence.collection.tasks import TaskNotQueued, collection_run_enqueue
from grc.access.api.exceptions import Conflict, ServiceUnavailable
from grc.access.api.fields import ACCOUNT_ID_PATTERN, SHA256_PATTERN
from grc.access.api.pagination import CheckResultCursorPagination
from grc.access.api.schema import ErrorSerializer
from grc.access.api.validation import valid_data


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
    lookup_value_regex = ACCOUNT_ID_PATTERN
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request: Request) -> Response:
        data = valid_data(s.AwsAccountCreateSerializer, request)
        account = account_create(owner=request.user, **data)
        return Response(self._read(account), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, account_id: str) -> Response:
        account = self.get_object()
        data = dict(
            valid_data(s.AwsAccountUpdateSerializer, request, instance=account, partial=True)
        )
        schedule_hours = data.pop("schedule_hours", None)
        environment = data.pop("environment", None)
        account = account_update(account=account, **data)
        if environment is not None:
            account = account_environment_set(account=account, environment=environment)
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
        data = valid_data(s.CollectionRunCreateSerializer, request)
        try:
            run = collection_run_start(
                account=data["account"],
                trigger=CollectionRun.Trigger.API,
                requested_by=request.user,
            )
        except CollectionAlreadyRunning as exc:
            raise Conflict(str(exc), code="collection_running", active_run_id=exc.run.pk) from None
        except AccountDisabled as exc:
            raise ValidationError({"account": [str(exc)]}) from None
        try:
            collection_run_enqueue(run.pk)
        except TaskNotQueued as exc:
            raise ServiceUnavailable(str(exc), code="broker_unavailable", run_id=run.pk) from None
        return Response(s.CollectionRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(summary="List check results (newest first)", tags=["results"]),
    retrieve=extend_schema(summary="Get a check result", tags=["results"]),
)
class CheckResultViewSet(viewsets.ReadOnlyModelViewSet):
    """One check's verdict on one resource, stored once from the run that first collected it
    (`run`) until a later run did not reproduce it (`ended_run`). `?run=` lists what one run
    observed. Cursor-paginated: follow `next`."""

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
    lookup_value_regex = SHA256_PATTERN
