"""The sign-in page: a password form, an SSO button, or straight to the IdP when local
passwords are switched off (GRC_LOCAL_PASSWORDS=false)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse


class SignInView(auth_views.LoginView):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if settings.GRC_OIDC_ENABLED and not settings.GRC_LOCAL_PASSWORDS:
            query = urlencode({"next": request.GET.get("next", settings.LOGIN_REDIRECT_URL)})
            return redirect(f"{reverse('oidc_authentication_init')}?{query}")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = settings.GRC_OIDC_ENABLED
        return context
