"""Administrators' pages for API keys: list (with last use), create (shown once), revoke."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from grc.access.models import ApiKey
from grc.access.roles import Role, can_administer, role_of, role_required
from grc.access.services.apikeys import api_key_create, api_key_revoke


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What uses the key, e.g. 'Jira sync' or 'CI compliance gate'."
    )
    owner = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        help_text="The key acts with this person's role (an auditor's key is always read-only).",
    )
    read_only = forms.BooleanField(
        required=False, initial=True, help_text="Only GET requests: leave on unless it must write."
    )

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if role_of(owner) is Role.NONE:
            raise forms.ValidationError("This user has no role, so the key could do nothing.")
        return owner


@role_required(can_administer)
def api_key_list(request: HttpRequest) -> HttpResponse:
    api_keys = ApiKey.objects.select_related("owner", "created_by").order_by(
        "revoked_at", "-created_at"
    )
    return render(request, "access/apikey_list.html", {"api_keys": api_keys})


@role_required(can_administer)
@require_http_methods(["GET", "POST"])
def api_key_create_view(request: HttpRequest) -> HttpResponse:
    form = ApiKeyForm(request.POST or None, initial={"owner": request.user.pk})
    if request.method == "POST" and form.is_valid():
        api_key, plaintext = api_key_create(created_by=request.user, **form.cleaned_data)
        response = render(
            request, "access/apikey_created.html", {"api_key": api_key, "plaintext": plaintext}
        )
        add_never_cache_headers(response)  # the only time the key is shown: never cache it
        return response
    return render(request, "access/apikey_form.html", {"form": form})


@role_required(can_administer)
@require_POST
def api_key_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    api_key = api_key_revoke(api_key=get_object_or_404(ApiKey, pk=pk))
    messages.success(request, f"Revoked {api_key}. Requests with it now get 401.")
    return redirect("api:apikey-list")
