"""A URLconf with a view that raises, to see the 500 handlers (the project's handlers apply)."""

from django.urls import path

from grc.urls import handler400, handler404, handler500  # noqa: F401


def _boom(request):
    raise RuntimeError("boom")


urlpatterns = [path("api/v1/boom/", _boom), path("boom/", _boom)]
