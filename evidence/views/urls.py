from django.urls import path

from evidence.views import accounts, controls, evidence_docs, frameworks, overview

urlpatterns = [
    path("", overview.overview, name="overview"),
    path("collections/", overview.collections_partial, name="collections-partial"),
    path("frameworks/<str:slug>/", frameworks.framework_detail, name="framework-detail"),
    path("controls/", controls.control_index, name="control-list"),
    path("controls/<str:ref>/", controls.control_detail, name="control-detail"),
    path(
        "controls/<str:ref>/parameters/<str:name>/",
        controls.control_parameter_update,
        name="control-parameter-update",
    ),
    path("accounts/", accounts.account_index, name="account-list"),
    path("accounts/new/", accounts.account_register, name="account-register"),
    path("accounts/<str:account_id>/", accounts.account_detail, name="account-detail"),
    path("accounts/<str:account_id>/runs/", accounts.account_runs_partial, name="account-runs"),
    path("accounts/<str:account_id>/collect/", accounts.account_collect, name="account-collect"),
    path("accounts/<str:account_id>/schedule/", accounts.account_schedule, name="account-schedule"),
    path("evidence/<str:sha256>/", evidence_docs.evidence_detail, name="evidence-detail"),
]
