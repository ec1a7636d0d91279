"""Posture API: control status changes and a control's daily status history."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.collection.models import AwsAccount
from evidence.posture.api import serializers as s
from evidence.posture.api.filters import ControlStatusEventFilter
from evidence.posture.models import ControlStatusEvent
from evidence.posture.selectors.filters import accounts_narrowed
from evidence.posture.selectors.findings import (
    FindingFilters,
    findings_describe,
    findings_queryset,
    findings_with_state,
)
from evidence.posture.selectors.history import control_status_history
from grc.access.api.pagination import StatusEventCursorPagination
from grc.catalog.api.serializers import CONTROL_REF_PATTERN
from grc.catalog.models import Control


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
        accounts = accounts_narrowed(
            accounts,
            ou=query.validated_data.get("ou", ""),
            environment=query.validated_data.get("environment", ""),
        )
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


class FindingListView(generics.GenericAPIView):
    """Today's failing and excepted results across every control and account."""

    serializer_class = s.FindingSerializer
    filter_backends: list = []

    @extend_schema(
        summary="List findings (failing and excepted results of the latest collections)",
        tags=["status"],
        parameters=[s.FindingQuerySerializer],
        responses=s.FindingSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        query = s.FindingQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        accounts = AwsAccount.objects.all()
        if "account" in data:
            accounts = accounts.filter(account_id=data["account"])
        accounts = accounts_narrowed(
            accounts, ou=data.get("ou", ""), environment=data.get("environment", "")
        )
        filters = FindingFilters(
            account_ids=list(accounts.values_list("pk", flat=True)),
            service=data.get("service", ""),
            check_id=data.get("check", ""),
            severity=data.get("severity", ""),
            state=data.get("state", ""),
            query=data.get("q", "").strip(),
            sort=data.get("sort", "severity"),
        )
        rows = findings_queryset(filters).select_related("evidence")
        if filters.state:
            rows = rows.filter(pk__in=findings_with_state(filters))
        page = self.paginate_queryset(rows)
        findings = findings_describe(list(page), filters.account_ids)
        return self.get_paginated_response(s.FindingSerializer(findings, many=True).data)
