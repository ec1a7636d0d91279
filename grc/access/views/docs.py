"""The API docs pages (Swagger UI, Redoc): sign-in first unless GRC_API_DOCS_PUBLIC is set."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from drf_spectacular.views import SpectacularRedocView

from grc.access.roles import can_view


def docs_sign_in_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Checked per request, so the setting can change without reloading the URLconf."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not settings.GRC_API_DOCS_PUBLIC and not can_view(request.user):
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapped


class RedocView(SpectacularRedocView):
    """Redoc with its script loaded from a file: no inline script for the CSP to refuse."""

    template_name = "access/redoc.html"
