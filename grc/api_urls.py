"""REST API routes: /api/v1/..., the OpenAPI schema, its docs, and the API key admin pages."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from evidence.collection.api import views as collection_views
from evidence.exceptions.api import views as exception_views
from evidence.manual.api import views as manual_views
from evidence.organizations.api import views as org_views
from evidence.packets.api import views as packet_views
from evidence.posture.api import views as posture_views
from grc.access.urls import apikey_urlpatterns
from grc.access.views.docs import RedocView, docs_sign_in_required
from grc.catalog.api import views as catalog_views
from grc.catalog.api.serializers import CONTROL_REF_PATTERN

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_format_suffixes = False
router.register("frameworks", catalog_views.FrameworkViewSet, basename="framework")
router.register("criteria", catalog_views.CriterionViewSet, basename="criterion")
router.register("controls", catalog_views.ControlViewSet, basename="control")
router.register("coverage", catalog_views.CoverageViewSet, basename="coverage")
router.register("accounts", collection_views.AwsAccountViewSet, basename="account")
router.register("collection-runs", collection_views.CollectionRunViewSet, basename="collection-run")
router.register("check-results", collection_views.CheckResultViewSet, basename="check-result")
router.register(
    "evidence-documents", collection_views.EvidenceDocumentViewSet, basename="evidence-document"
)
router.register("organizations", org_views.OrganizationViewSet, basename="organization")
router.register(
    "organization-members", org_views.OrganizationAccountViewSet, basename="organization-member"
)
router.register("status-events", posture_views.ControlStatusEventViewSet, basename="status-event")
router.register("exceptions", exception_views.RiskExceptionViewSet, basename="exception")
router.register(
    "evidence-requests", manual_views.EvidenceRequestViewSet, basename="evidence-request"
)
router.register(
    "evidence-submissions", manual_views.EvidenceSubmissionViewSet, basename="evidence-submission"
)
router.register("reviews", manual_views.ReviewViewSet, basename="review")
router.register(
    "provider-attestations",
    manual_views.ProviderAttestationViewSet,
    basename="provider-attestation",
)
router.register("evidence-packets", packet_views.EvidencePacketViewSet, basename="evidence-packet")

urlpatterns = [
    re_path(
        rf"^v1/controls/(?P<ref>{CONTROL_REF_PATTERN})/history/$",
        posture_views.ControlHistoryView.as_view(),
        name="control-history",
    ),
    path("v1/findings/", posture_views.FindingListView.as_view(), name="finding-list"),
    path("v1/notifications/", include("evidence.notifications.api.urls")),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        docs_sign_in_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")),
        name="docs",
    ),
    path("redoc/", docs_sign_in_required(RedocView.as_view(url_name="api:schema")), name="redoc"),
    path("keys/", include(apikey_urlpatterns)),
]
