from django.urls import path

from evidence.organizations.views import organizations

urlpatterns = [
    path("organizations/", organizations.organization_index, name="organization-list"),
    path("organizations/new/", organizations.organization_register, name="organization-register"),
    path(
        "organizations/<int:pk>/sync/",
        organizations.organization_sync_now,
        name="organization-sync",
    ),
    path(
        "organizations/<int:pk>/test-connections/",
        organizations.organization_connections_test_now,
        name="organization-test-connections",
    ),
    path(
        "organizations/members/<int:pk>/exclude/",
        organizations.organization_member_exclude_toggle,
        name="organization-member-exclude",
    ),
]
