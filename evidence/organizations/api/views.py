"""Organizations API: register and sync organizations, list and exclude their members."""

from __future__ import annotations

from django.db.models import Count
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.organizations.api import serializers as s
from evidence.organizations.models import OrganizationAccount
from evidence.organizations.selectors.coverage import organization_coverage
from evidence.organizations.selectors.organizations import (
    members_in_ou,
    members_visible,
    organizations_visible,
)
from evidence.organizations.services.organizations import (
    organization_create,
    organization_member_exclude,
)
from evidence.organizations.tasks import (
    organization_connections_test_enqueue,
    organization_sync_enqueue,
)
from grc.access.api.validation import valid_data


@extend_schema_view(
    list=extend_schema(summary="List organizations", tags=["organizations"]),
    retrieve=extend_schema(summary="Get an organization", tags=["organizations"]),
    create=extend_schema(
        summary="Register an organization (management or delegated-admin account)",
        tags=["organizations"],
        request=s.OrganizationCreateSerializer,
        responses={201: s.OrganizationSerializer},
    ),
)
class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """AWS Organizations whose members are registered and kept in sync."""

    queryset = organizations_visible().annotate(member_count=Count("members")).order_by("name")
    serializer_class = s.OrganizationSerializer

    def create(self, request: Request) -> Response:
        organization = organization_create(**valid_data(s.OrganizationCreateSerializer, request))
        organization_sync_enqueue(organization.pk)
        read = s.OrganizationSerializer(self.get_queryset().get(pk=organization.pk)).data
        return Response(read, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Sync the organization's members now",
        tags=["organizations"],
        request=None,
        responses={202: None},
    )
    @action(detail=True, methods=["post"])
    def sync(self, request: Request, pk: str) -> Response:
        organization_sync_enqueue(self.get_object().pk)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="Test that every collected member's role can be assumed (results on members)",
        tags=["organizations"],
        request=None,
        responses={202: None},
    )
    @action(detail=True, methods=["post"], url_path="test-connections")
    def test_connections(self, request: Request, pk: str) -> Response:
        organization_connections_test_enqueue(self.get_object().pk)
        return Response({"queued": True}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        summary="The organization's recent syncs",
        tags=["organizations"],
        responses=s.OrganizationSyncSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def syncs(self, request: Request, pk: str) -> Response:
        recent = self.get_object().syncs.all()[:20]
        return Response(s.OrganizationSyncSerializer(recent, many=True).data)

    @extend_schema(
        summary="Each member's CloudTrail and AWS Config coverage (its latest finished run)",
        tags=["organizations"],
        responses=s.MemberCoverageSerializer(many=True),
    )
    @action(detail=True, methods=["get"])
    def coverage(self, request: Request, pk: str) -> Response:
        rows = organization_coverage(self.get_object())
        return Response(s.MemberCoverageSerializer(rows, many=True).data)


class OrganizationAccountFilter(filters.FilterSet):
    ou = filters.CharFilter(
        method="filter_ou", help_text="OU path, e.g. Root/Workloads (includes nested OUs)."
    )

    class Meta:
        model = OrganizationAccount
        fields = ["organization", "aws_status", "excluded"]

    def filter_ou(self, queryset, name: str, value: str):  # type: ignore[no-untyped-def]
        return members_in_ou(queryset, value)


@extend_schema_view(
    list=extend_schema(summary="List organization member accounts", tags=["organizations"]),
    retrieve=extend_schema(summary="Get an organization member", tags=["organizations"]),
    partial_update=extend_schema(
        summary="Exclude or include a member (excluded members are never collected)",
        tags=["organizations"],
        request=s.OrganizationAccountUpdateSerializer,
        responses=s.OrganizationAccountSerializer,
    ),
)
class OrganizationAccountViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Member accounts with their OU path, AWS status and last sync error."""

    queryset = members_visible()
    serializer_class = s.OrganizationAccountSerializer
    filterset_class = OrganizationAccountFilter
    http_method_names = ["get", "patch", "head", "options"]

    def partial_update(self, request: Request, pk: str) -> Response:
        data = valid_data(s.OrganizationAccountUpdateSerializer, request)
        member = organization_member_exclude(member=self.get_object(), excluded=data["excluded"])
        return Response(s.OrganizationAccountSerializer(self.get_queryset().get(pk=member.pk)).data)
