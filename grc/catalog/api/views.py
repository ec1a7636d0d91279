"""Catalog API: frameworks, criteria, controls (with mappings and parameters), coverage.

Reading needs any role; writing (controls, mappings, parameters) needs a compliance manager or an
administrator: the project-wide permission class (settings.REST_FRAMEWORK) applies the role rules.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.response import Response

from grc.catalog.api import serializers as s
from grc.catalog.api.filters import ControlFilter, CriterionFilter, FrameworkFilter
from grc.catalog.models import Control, ControlMapping, ControlParameter, Criterion, Framework
from grc.catalog.selectors.coverage import framework_coverage
from grc.catalog.services.controls import (
    control_create,
    control_mapping_add,
    control_mapping_remove,
    control_update,
)
from grc.catalog.services.parameters import (
    control_parameter_create,
    control_parameter_reset,
    control_parameter_set,
)

MAPPING_ID = OpenApiParameter("mapping_id", int, OpenApiParameter.PATH, description="Mapping id.")
PARAMETER_NAME = OpenApiParameter(
    "name",
    str,
    OpenApiParameter.PATH,
    description="Parameter name.",
    pattern=s.PARAMETER_NAME_PATTERN,
)


@extend_schema_view(
    list=extend_schema(summary="List frameworks", tags=["catalog"]),
    retrieve=extend_schema(summary="Get a framework", tags=["catalog"]),
)
class FrameworkViewSet(viewsets.ReadOnlyModelViewSet):
    """Published frameworks (SOC 2, CIS AWS Foundations) at their versions."""

    queryset = Framework.objects.annotate(criteria_count=Count("criteria")).order_by("slug")
    serializer_class = s.FrameworkSerializer
    filterset_class = FrameworkFilter
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_.]{1,64}"


@extend_schema_view(
    list=extend_schema(summary="List criteria", tags=["catalog"]),
    retrieve=extend_schema(summary="Get a criterion", tags=["catalog"]),
)
class CriterionViewSet(viewsets.ReadOnlyModelViewSet):
    """Framework criteria (SOC 2 criteria, CIS recommendations) and the controls mapped on them."""

    queryset = (
        Criterion.objects.select_related("framework", "section")
        .prefetch_related(Prefetch("controls", queryset=Control.objects.only("ref")))
        .order_by("framework__slug", "position", "id")
    )
    serializer_class = s.CriterionSerializer
    filterset_class = CriterionFilter
    lookup_value_regex = r"[0-9]{1,18}"


@extend_schema_view(
    list=extend_schema(summary="List controls", tags=["controls"]),
    retrieve=extend_schema(summary="Get a control", tags=["controls"]),
    create=extend_schema(
        summary="Add a custom control",
        tags=["controls"],
        request=s.ControlCreateSerializer,
        responses={201: s.ControlSerializer},
    ),
    partial_update=extend_schema(
        summary="Edit a custom control",
        tags=["controls"],
        request=s.ControlUpdateSerializer,
        responses=s.ControlSerializer,
    ),
)
class ControlViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Company controls, their criteria mappings, checks and parameters."""

    queryset = Control.objects.select_related("attestation").prefetch_related(
        "checks",
        Prefetch(
            "mappings",
            queryset=ControlMapping.objects.select_related("criterion__framework").order_by("id"),
        ),
        "parameters",
    )
    serializer_class = s.ControlSerializer
    filterset_class = ControlFilter
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields = ["ref", "name", "updated_at"]
    ordering = ["ref"]
    lookup_field = "ref"
    lookup_value_regex = s.CONTROL_REF_PATTERN
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]  # no PUT

    def create(self, request: Request) -> Response:
        data = self._valid(s.ControlCreateSerializer, request)
        control = control_create(**data)
        return Response(self._read(control.ref), status=status.HTTP_201_CREATED)

    def partial_update(self, request: Request, ref: str) -> Response:
        data = self._valid(s.ControlUpdateSerializer, request, partial=True)
        control = control_update(control=self.get_object(), **data)
        return Response(self._read(control.ref))

    @extend_schema(
        summary="List a control's criteria mappings",
        tags=["controls"],
        responses=s.ControlCriterionSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=s.ControlCriterionSerializer,
        pagination_class=None,
    )
    def mappings(self, request: Request, ref: str) -> Response:
        control = self.get_object()
        return Response(s.ControlCriterionSerializer(control.mappings.all(), many=True).data)

    @extend_schema(
        summary="Map a control onto a criterion",
        tags=["controls"],
        request=s.ControlMappingCreateSerializer,
        responses={201: s.ControlCriterionSerializer},
    )
    @mappings.mapping.post
    def mapping_add(self, request: Request, ref: str) -> Response:
        data = self._valid(s.ControlMappingCreateSerializer, request)
        mapping = control_mapping_add(control=self.get_object(), **data)
        return Response(s.ControlCriterionSerializer(mapping).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Remove a custom mapping",
        tags=["controls"],
        parameters=[MAPPING_ID],
        request=None,
        responses={204: None},
    )
    @action(
        detail=True,
        methods=["delete"],
        url_path=r"mappings/(?P<mapping_id>[0-9]{1,18})",
        url_name="mapping-remove",
    )
    def mapping_remove(self, request: Request, ref: str, mapping_id: str) -> Response:
        mapping = get_object_or_404(ControlMapping, pk=mapping_id, control=self.get_object())
        control_mapping_remove(mapping=mapping)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="List a control's parameters",
        tags=["controls"],
        responses=s.ControlParameterSerializer(many=True),
    )
    @action(
        detail=True,
        methods=["get"],
        serializer_class=s.ControlParameterSerializer,
        pagination_class=None,
    )
    def parameters(self, request: Request, ref: str) -> Response:
        control = self.get_object()
        return Response(s.ControlParameterSerializer(control.parameters.all(), many=True).data)

    @extend_schema(
        summary="Add a parameter (with a reason)",
        tags=["controls"],
        request=s.ControlParameterCreateSerializer,
        responses={201: s.ControlParameterSerializer},
    )
    @parameters.mapping.post
    def parameter_create(self, request: Request, ref: str) -> Response:
        data = self._valid(s.ControlParameterCreateSerializer, request)
        control = self.get_object()
        if control.parameters.filter(name=data["name"]).exists():
            raise ValidationError({"name": ["This control already has that parameter."]})
        parameter = control_parameter_create(control=control, user=request.user, **data)
        body = s.ControlParameterSerializer(parameter).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Set a parameter's value (with a reason)",
        tags=["controls"],
        parameters=[PARAMETER_NAME],
        request=s.ControlParameterUpdateSerializer,
        responses=s.ControlParameterSerializer,
    )
    @action(
        detail=True,
        methods=["patch"],
        url_path=rf"parameters/(?P<name>{s.PARAMETER_NAME_PATTERN})",
        url_name="parameter-set",
    )
    def parameter_set(self, request: Request, ref: str, name: str) -> Response:
        data = self._valid(s.ControlParameterUpdateSerializer, request)
        parameter = control_parameter_set(
            parameter=self._parameter(name), user=request.user, **data
        )
        return Response(s.ControlParameterSerializer(parameter).data)

    @extend_schema(
        summary="Reset a parameter to the catalog default (with a reason)",
        tags=["controls"],
        parameters=[PARAMETER_NAME],
        request=s.ControlParameterResetSerializer,
        responses=s.ControlParameterSerializer,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=rf"parameters/(?P<name>{s.PARAMETER_NAME_PATTERN})/reset",
        url_name="parameter-reset",
    )
    def parameter_reset(self, request: Request, ref: str, name: str) -> Response:
        data = self._valid(s.ControlParameterResetSerializer, request)
        parameter = control_parameter_reset(
            parameter=self._parameter(name), user=request.user, **data
        )
        return Response(s.ControlParameterSerializer(parameter).data)

    # helpers

    def _valid(self, serializer_class: type, request: Request, **kwargs) -> dict:
        serializer = serializer_class(data=request.data, **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _read(self, ref: str) -> dict:
        return s.ControlSerializer(self.get_queryset().get(ref=ref)).data

    def _parameter(self, name: str) -> ControlParameter:
        return get_object_or_404(ControlParameter, control=self.get_object(), name=name)


@extend_schema_view(
    list=extend_schema(
        summary="Coverage of every framework",
        tags=["catalog"],
        responses=s.FrameworkCoverageSerializer(many=True),
    ),
    retrieve=extend_schema(
        summary="Coverage of one framework, per criterion",
        tags=["catalog"],
        responses=s.FrameworkCoverageDetailSerializer,
    ),
)
class CoverageViewSet(viewsets.GenericViewSet):
    """How each framework's criteria are evidenced: by checks, manual evidence or AWS reports."""

    queryset = Framework.objects.order_by("slug")
    serializer_class = s.FrameworkCoverageSerializer
    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_.]{1,64}"
    pagination_class = None
    filter_backends: list = []

    def list(self, request: Request) -> Response:
        coverages = [framework_coverage(framework) for framework in self.get_queryset()]
        return Response(s.FrameworkCoverageSerializer(coverages, many=True).data)

    def retrieve(self, request: Request, slug: str) -> Response:
        coverage = framework_coverage(self.get_object())
        return Response(s.FrameworkCoverageDetailSerializer(coverage).data)
