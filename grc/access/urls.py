"""Sign-in pages, the administrators' API key pages (mounted under /api/keys/) and users page."""

from django.contrib.auth import views as auth_views
from django.urls import path

from grc.access.views import apikeys, users

auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
apikey_urlpatterns = [
    path("", apikeys.api_key_list, name="apikey-list"),
    path("new/", apikeys.api_key_create_view, name="apikey-create"),
    path("<int:pk>/revoke/", apikeys.api_key_revoke_view, name="apikey-revoke"),
]
user_urlpatterns = [
    path("", users.user_index, name="user-list"),
    path("<int:pk>/role/", users.user_role_view, name="user-role"),
]
