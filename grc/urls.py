"""URL wiring for the whole project: each app's routes, mounted where they have always been."""

from django.contrib import admin
from django.urls import include, path

from grc.access.urls import auth_urlpatterns, user_urlpatterns
from grc.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("auth/", include(auth_urlpatterns)),
    path("users/", include(user_urlpatterns)),
    path("api/", include("grc.api_urls")),
    path("packets/", include("evidence.packets.urls")),
    path("manual/", include("evidence.manual.urls")),
    path("notifications/", include("evidence.notifications.urls")),
    path("", include("evidence.collection.urls")),
    path("", include("evidence.organizations.urls")),
    path("", include("evidence.exceptions.urls")),
    path("", include("evidence.posture.urls")),
]

handler400 = "grc.access.views.errors.bad_request"
handler404 = "grc.access.views.errors.not_found"
handler500 = "grc.access.views.errors.server_error"
