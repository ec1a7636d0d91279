"""Manual evidence API: requests, submissions (multipart upload), reviews, provider attestations.

Role rules as in the UI: every role reads; managers and administrators write; a request's owner
submits for it; auditors never write; nobody reviews their own submission.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, parsers, renderers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from evidence.manual.api import serializers as s
from evidence.manual.api.permissions import RoleOrOwnerPermission
from evidence.manual.models import EvidenceRequest, EvidenceSubmission, ProviderAttestation, Review
from evidence.manual.rules import may_review
from evidence.manual.selectors.requests import attestation_list, requests_visible
from evidence.manual.services.attestations import (
    provider_attestation_create,
    provider_attestation_review,
)
from evidence.manual.services.requests import evidence_request_create, evidence_requests_assign
from evidence.manual.services.submissions import (
    evidence_submission_create,
    evidence_submission_review,
)
from evidence.manual.views.downloads import stored_file_response
from grc.access.api.validation import valid_data
from grc.access.roles import Role, can_view, role_of

ID = r"[0-9]{1,18}"
MULTIPART = [parsers.MultiPartParser, parsers.FormParser, parsers.JSONParser]


def refuse_unsafe_names(request: Request) -> None:
    """Refuse what the upload middleware found wrong with the body (a path in a file name...)."""
    problem = getattr(request._request, "upload_problem", "")
    if problem:
        raise ValidationError({"file": [problem]})


def not_auditor(user) -> bool:  # type: ignore[no-untyped-def]
    """Managers submit for any request, owners for theirs: the service checks the request."""
    return role_of(user) is not Role.AUDITOR


class BinaryRenderer(renderers.BaseRenderer):
    media_type = "application/octet-stream"
    format = "bin"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):  # type: ignore[no-untyped-def]
        return data


DOWNLOAD = extend_schema(
    summary="Download the file (always an attachment)",
    tags=["manual evidence"],
    responses={
        (200, "application/octet-stream"): OpenApiResponse(OpenApiTypes.BINARY, description="File.")
    },
)
TAG = ["manual evidence"]


@extend_schema_view(
    list=extend_schema(summary="List evidence requests with their status", tags=TAG),
    retrieve=extend_schema(summary="Get an evidence request", tags=TAG),
    create=extend_schema(
        summary="Add an evidence request to a control",
        tags=TAG,
        request=s.EvidenceRequestCreateSerializer,
        responses={201: s.EvidenceRequestSerializer},
    ),
)
class EvidenceRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Evidence requests per control. An owner without a role sees only their own."""

    serializer_class = s.EvidenceRequestSerializer
    permission_classes = [RoleOrOwnerPermission]
    owner_actions = ("list", "retrieve")
    lookup_value_regex = ID
    filterset_fields = ["frequency"]

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return EvidenceRequest.objects.none()
        return requests_visible(self.request.user)

    def create(self, request: Request) -> Response:
        data = valid_data(s.EvidenceRequestCreateSerializer, request)
        created = evidence_request_create(created_by=request.user, **data)
        body = s.EvidenceRequestSerializer(self.get_queryset().get(pk=created.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Assign an owner to several requests",
        tags=TAG,
        request=s.EvidenceRequestAssignSerializer,
        responses={200: OpenApiResponse(description='How many changed: {"assigned": n}')},
    )
    @action(detail=False, methods=["post"])
    def assign(self, request: Request) -> Response:
        data = valid_data(s.EvidenceRequestAssignSerializer, request)
        count = evidence_requests_assign(
            requests=data["requests"], owner=data["owner"], by=request.user
        )
        return Response({"assigned": count})


@extend_schema_view(
    list=extend_schema(summary="List submissions", tags=TAG),
    retrieve=extend_schema(summary="Get a submission and its review", tags=TAG),
    create=extend_schema(
        summary="Submit evidence: a file (multipart), a link or a written attestation",
        tags=TAG,
        request={"multipart/form-data": s.EvidenceSubmissionCreateSerializer},
        responses={201: s.EvidenceSubmissionSerializer},
    ),
)
class EvidenceSubmissionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Evidence submitted for requests. An owner without a role sees and submits their own."""

    serializer_class = s.EvidenceSubmissionSerializer
    permission_classes = [RoleOrOwnerPermission]
    owner_actions = ("list", "retrieve", "create", "download")
    parser_classes = MULTIPART
    lookup_value_regex = ID
    filterset_fields = ["request", "status", "kind"]
    write_rules = {"create": not_auditor}

    def get_queryset(self) -> QuerySet:
        submissions = EvidenceSubmission.objects.select_related(
            "submitted_by", "stored_file", "review__reviewer"
        )
        user = self.request.user
        if getattr(self, "swagger_fake_view", False) or can_view(user):
            return submissions
        return submissions.filter(request__owner=user)

    def create(self, request: Request) -> Response:
        refuse_unsafe_names(request)
        data = dict(valid_data(s.EvidenceSubmissionCreateSerializer, request))
        submission, linked = evidence_submission_create(
            submitted_by=request.user, upload=data.pop("file", None), **data
        )
        body = s.EvidenceSubmissionSerializer(self.get_queryset().get(pk=submission.pk)).data
        headers = {"X-Evidence-Linked": "true"} if linked else {}
        return Response(body, status=status.HTTP_201_CREATED, headers=headers)

    @DOWNLOAD
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, BinaryRenderer])
    def download(self, request: Request, pk: str) -> FileResponse:
        submission = self.get_object()
        if submission.stored_file is None:
            raise Http404
        return stored_file_response(submission.stored_file, submission.filename)


@extend_schema_view(
    list=extend_schema(summary="List reviews (the review trail)", tags=TAG),
    retrieve=extend_schema(summary="Get a review", tags=TAG),
    create=extend_schema(
        summary="Approve or reject a pending submission (not your own)",
        tags=TAG,
        request=s.ReviewCreateSerializer,
        responses={201: s.ReviewSerializer},
    ),
)
class ReviewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    queryset = Review.objects.select_related("reviewer")
    serializer_class = s.ReviewSerializer
    lookup_value_regex = ID
    filterset_fields = ["submission", "decision"]
    write_rules = {"create": may_review}

    def create(self, request: Request) -> Response:
        data = valid_data(s.ReviewCreateSerializer, request)
        review = evidence_submission_review(reviewer=request.user, **data)
        return Response(s.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="List provider attestations", tags=TAG),
    retrieve=extend_schema(summary="Get a provider attestation", tags=TAG),
    create=extend_schema(
        summary="Upload a provider attestation (multipart) for inherited and shared controls",
        tags=TAG,
        request={"multipart/form-data": s.ProviderAttestationCreateSerializer},
        responses={201: s.ProviderAttestationSerializer},
    ),
)
class ProviderAttestationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.ProviderAttestationSerializer
    parser_classes = MULTIPART
    lookup_value_regex = ID
    filterset_fields = ["kind", "status"]
    write_rules = {"review": may_review}

    def get_queryset(self) -> QuerySet:
        return attestation_list()

    def create(self, request: Request) -> Response:
        refuse_unsafe_names(request)
        data = dict(valid_data(s.ProviderAttestationCreateSerializer, request))
        attestation = provider_attestation_create(
            uploaded_by=request.user, upload=data.pop("file", None), **data
        )
        body = s.ProviderAttestationSerializer(self.get_queryset().get(pk=attestation.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Approve or reject an attestation (not one you uploaded)",
        tags=TAG,
        request=s.AttestationReviewSerializer,
        responses={200: s.ProviderAttestationSerializer},
    )
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        data = valid_data(s.AttestationReviewSerializer, request)
        attestation = provider_attestation_review(
            attestation=self.get_object(), reviewer=request.user, **data
        )
        body = s.ProviderAttestationSerializer(self.get_queryset().get(pk=attestation.pk)).data
        return Response(body)

    @DOWNLOAD
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, BinaryRenderer])
    def download(self, request: Request, pk: str) -> FileResponse:
        attestation: ProviderAttestation = self.get_object()
        if attestation.stored_file is None:
            raise Http404
        return stored_file_response(attestation.stored_file, attestation.filename)
