"""What every page needs: the signed-in person's role and the filter bar."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evidence.forms import DashboardFilterForm
from evidence.selectors.accounts import accounts_visible
from evidence.selectors.filters import DashboardFilters
from grc.catalog.models import Framework
from grc.roles import Role, role_of

PARTIAL_HEADER = "HX-Request"


def role_for(request: HttpRequest) -> Role:
    """The request user's role, looked up once per request."""
    if not hasattr(request, "_grc_role"):
        request._grc_role = role_of(request.user)  # type: ignore[attr-defined]
    return request._grc_role  # type: ignore[attr-defined]


def page(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    role = role_for(request)
    context = {
        "role": role,
        "manager": role in (Role.ADMIN, Role.MANAGER),
        **context,
    }
    return render(request, template, context, status=status)


def filter_bar(request: HttpRequest) -> tuple[DashboardFilterForm, DashboardFilters]:
    """The filter form (bound to the query string) and the filters it yields. 2-3 queries."""
    form = DashboardFilterForm(
        request.GET,
        accounts=list(accounts_visible().only("account_id", "name", "enabled")),
        frameworks=list(Framework.objects.only("slug", "name", "version")),
    )
    return form, form.filters()


def is_partial(request: HttpRequest) -> bool:
    return request.headers.get(PARTIAL_HEADER) == "true"
