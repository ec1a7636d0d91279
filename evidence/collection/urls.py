from django.urls import path

from evidence.collection.views import accounts, documents, runs

urlpatterns = [
    path("accounts/", accounts.account_index, name="account-list"),
    path("accounts/new/", accounts.account_register, name="account-register"),
    path("accounts/<str:account_id>/", accounts.account_detail, name="account-detail"),
    path("accounts/<str:account_id>/runs/", accounts.account_runs_partial, name="account-runs"),
    path("accounts/<str:account_id>/collect/", accounts.account_collect, name="account-collect"),
    path("accounts/<str:account_id>/schedule/", accounts.account_schedule, name="account-schedule"),
    path(
        "accounts/<str:account_id>/environment/",
        accounts.account_environment,
        name="account-environment",
    ),
    path(
        "accounts/<str:account_id>/collect-card/",
        accounts.account_collect_card_partial,
        name="account-collect-card",
    ),
    path(
        "accounts/<str:account_id>/test-connection/",
        accounts.account_connection_test_view,
        name="account-connection-test",
    ),
    path("runs/<int:run_id>/", runs.run_detail, name="run-detail"),
    path("evidence/<str:sha256>/", documents.evidence_detail, name="evidence-detail"),
]
