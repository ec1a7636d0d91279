"""Organizations page: each organization's members by OU, sync now, register, exclude."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from evidence.organizations.forms import OrganizationCreateForm
from evidence.organizations.selectors.organizations import (
    members_visible,
    organization_pages,
    organizations_visible,
)
from evidence.organizations.services.organizations import (
    organization_create,
    organization_member_exclude,
)
from evidence.organizations.tasks import (
    organization_connections_test_enqueue,
    organization_sync_enqueue,
)
from grc.access.roles import can_manage, can_view, role_required


@role_required(can_view)
@require_GET
def organization_index(request: HttpRequest) -> HttpResponse:
    return render(request, "organizations/organization_list.html", {"pages": organization_pages()})


@role_required(can_manage)
@require_http_methods(["GET", "POST"])
def organization_register(request: HttpRequest) -> HttpResponse:
    form = OrganizationCreateForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            organization = organization_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            organization_sync_enqueue(organization.pk)
            messages.success(request, f"Registered {organization.name}; its first sync is queued.")
            return redirect("organization-list")
    return render(
        request,
        "organizations/organization_form.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@role_required(can_manage)
@require_POST
def organization_sync_now(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(organizations_visible(), pk=pk)
    organization_sync_enqueue(organization.pk)
    messages.success(request, f"Sync of {organization.name} queued.")
    return redirect("organization-list")


@role_required(can_manage)
@require_POST
def organization_connections_test_now(request: HttpRequest, pk: int) -> HttpResponse:
    organization = get_object_or_404(organizations_visible(), pk=pk)
    organization_connections_test_enqueue(organization.pk)
    messages.success(
        request, f"Testing the member roles of {organization.name}; reload in a minute."
    )
    return redirect("organization-list")


@role_required(can_manage)
@require_POST
def organization_member_exclude_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_object_or_404(members_visible(), pk=pk)
    member = organization_member_exclude(member=member, excluded=not member.excluded)
    state = "excluded from" if member.excluded else "included in"
    messages.success(request, f"{member.account.name} is {state} collection.")
    return redirect("organization-list")
