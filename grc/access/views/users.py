"""Administrators' page of people: invite a user with a role, change anyone's role."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_http_methods, require_POST

from grc.access.roles import Role, can_administer, role_of, role_required
from grc.access.services.users import ROLES, user_invite, user_role_set

ROLE_CHOICES = [(role.value, role.value) for role in ROLES] + [(Role.NONE.value, "No role")]


class InviteForm(forms.Form):
    username = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    role = forms.ChoiceField(choices=ROLE_CHOICES, initial=Role.AUDITOR.value)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=ROLE_CHOICES)


def _page(request: HttpRequest, form: InviteForm, status: int = 200) -> HttpResponse:
    users = get_user_model().objects.prefetch_related("groups").order_by("username")
    rows = [(user, role_of(user)) for user in users]
    return render(
        request,
        "access/user_list.html",
        {"rows": rows, "form": form, "role_choices": ROLE_CHOICES},
        status=status,
    )


@role_required(can_administer)
@require_http_methods(["GET", "POST"])
def user_index(request: HttpRequest) -> HttpResponse:
    form = InviteForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        return _page(request, form, status=400 if form.errors else 200)
    try:
        user, password = user_invite(
            username=form.cleaned_data["username"],
            email=form.cleaned_data["email"],
            role=Role(form.cleaned_data["role"]),
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _page(request, form, status=400)
    response = render(request, "access/user_invited.html", {"invited": user, "password": password})
    add_never_cache_headers(response)  # the only time the password is shown
    return response


@role_required(can_administer)
@require_POST
def user_role_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = get_object_or_404(get_user_model(), pk=pk)
    form = RoleForm(request.POST)
    if form.is_valid():
        try:
            user_role_set(user=user, role=Role(form.cleaned_data["role"]), acting=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            role = form.cleaned_data["role"] or "no role"
            messages.success(request, f"{user.get_username()} is now: {role}.")
    return redirect("user-list")
