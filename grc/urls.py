"""URL wiring for the whole project."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from grc.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("auth/login/", auth_views.LoginView.as_view(), name="login"),
    path("auth/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/", include("grc.api_urls")),
    path("packets/", include("evidence.packets.urls")),
    path("", include("evidence.views.urls")),
]
