"""Sign-in pages (password and OpenID Connect), the API key pages (under /api/keys/) and users."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from grc.access.views import apikeys, users
from grc.access.views.login import SignInView

auth_urlpatterns = [
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # OpenID Connect: /auth/oidc/authenticate/ (start) and /auth/oidc/callback/ (the IdP's
    # redirect URI to register). They refuse to work until GRC_OIDC_* is configured.
    path("oidc/", include("mozilla_django_oidc.urls")),
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
