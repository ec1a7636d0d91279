from django.urls import path

from evidence.posture.views import controls, findings, frameworks, overview

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("collections/", overview.collections_partial, name="collections-partial"),
    path("frameworks/", frameworks.framework_index, name="framework-list"),
    path("frameworks/<str:slug>/", frameworks.framework_detail, name="framework-detail"),
    path("findings/", findings.finding_index, name="finding-list"),
    path("findings/export.csv", findings.finding_export, name="finding-export"),
    path("controls/", controls.control_index, name="control-list"),
    path("controls/<str:ref>/", controls.control_detail, name="control-detail"),
    path(
        "controls/<str:ref>/parameters/<str:name>/",
        controls.control_parameter_update,
        name="control-parameter-update",
    ),
]
