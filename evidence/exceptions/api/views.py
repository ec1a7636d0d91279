"""Exception API: list, request, approve, reject, revoke. Role rules as in the UI."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.exceptions.api import serializers as s
from evidence.exceptions.models import RiskException
from evidence.exceptions.selectors.exceptions import exceptions_list
from evidence.exceptions.services.exceptions import (
    exception_decide,
    exception_request,
    exception_revoke,
)
from grc.access.api.validation import valid_data


@extend_schema_view(
    list=extend_schema(summary="List risk exceptions", tags=["exceptions"]),
    retrieve=extend_schema(summary="Get a risk exception with its trail", tags=["exceptions"]),
    create=extend_schema(
        summary="Request a risk exception (another manager must approve it)",
        tags=["exceptions"],
        request=s.RiskExceptionCreateSerializer,
        responses={201: s.RiskExceptionSerializer},
    ),
)
class RiskExceptionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Accepted risks: matching failures count as excepted while approved and unexpired."""

    queryset = exceptions_list()
    serializer_class = s.RiskExceptionSerializer
    filterset_fields = ["state", "check_id", "risk_rating"]
    lookup_value_regex = r"[0-9]{1,18}"

    def create(self, request: Request) -> Response:
        data = valid_data(s.RiskExceptionCreateSerializer, request)
        exception = exception_request(requested_by=request.user, **data)
        return Response(self._read(exception), status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve a requested exception",
        tags=["exceptions"],
        request=s.RiskExceptionDecisionSerializer,
        responses=s.RiskExceptionSerializer,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=True)

    @extend_schema(
        summary="Reject a requested exception (a comment is required)",
        tags=["exceptions"],
        request=s.RiskExceptionDecisionSerializer,
        responses=s.RiskExceptionSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        return self._decide(request, approve=False)

    @extend_schema(
        summary="Revoke an approved exception",
        tags=["exceptions"],
        request=s.RiskExceptionRevokeSerializer,
        responses=s.RiskExceptionSerializer,
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        data = valid_data(s.RiskExceptionRevokeSerializer, request)
        exception = exception_revoke(
            exception=self.get_object(), revoked_by=request.user, reason=data["reason"]
        )
        return Response(self._read(exception))

    def _decide(self, request: Request, *, approve: bool) -> Response:
        data = valid_data(s.RiskExceptionDecisionSerializer, request)
        exception = exception_decide(
            exception=self.get_object(),
            approve=approve,
            decided_by=request.user,
            comment=data.get("comment", ""),
        )
        return Response(self._read(exception))

    def _read(self, exception: RiskException) -> dict:
        return s.RiskExceptionSerializer(self.get_queryset().get(pk=exception.pk)).data
