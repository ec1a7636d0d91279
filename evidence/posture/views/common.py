"""The filter bar the posture pages share."""

from __future__ import annotations

from django.http import HttpRequest

from evidence.collection.selectors.accounts import accounts_visible
from evidence.posture.forms import DashboardFilterForm
from evidence.posture.selectors.filters import DashboardFilters
from grc.catalog.models import Framework


def filter_bar(request: HttpRequest) -> tuple[DashboardFilterForm, DashboardFilters]:
    """The filter form (bound to the query string) and the filters it yields. 2-3 queries."""
    form = DashboardFilterForm(
        request.GET,
        accounts=list(accounts_visible().only("account_id", "name", "enabled", "environment")),
        frameworks=list(Framework.objects.only("slug", "name", "version")),
    )
    return form, form.filters()
