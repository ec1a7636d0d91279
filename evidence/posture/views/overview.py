"""The overview: where we stand per framework, the trend, who is responsible, what changed."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from evidence.collection.selectors.accounts import account_collections
from evidence.posture.selectors.filters import TREND_RANGES
from evidence.posture.selectors.groups import posture_by_group
from evidence.posture.selectors.overview import (
    overview_read,
    posture_trend,
    status_changes_recent,
    trend_control_ids,
)
from evidence.posture.views.common import filter_bar
from grc.access.roles import can_view, role_required
from grc.catalog.selectors.owners import controls_owned_by


@role_required(can_view)
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    form, filters = filter_bar(request)
    collections = account_collections(filters.account_ids)
    return render(
        request,
        "posture/overview.html",
        {
            "form": form,
            "filters": filters,
            "overview": overview_read(filters, owned=controls_owned_by(request.user)),
            "groups": posture_by_group(filters, filters.group),
            "trend": posture_trend(
                filters.account_ids,
                filters.days,
                control_ids=trend_control_ids(filters),
                status=filters.status,
            ),
            "trend_ranges": TREND_RANGES,
            "changes": status_changes_recent(filters),
            "collections": collections,
            "polling": any(c.active_run for c in collections),
        },
    )


@role_required(can_view)
@require_GET
def collections_partial(request: HttpRequest) -> HttpResponse:
    """The per-account collection table alone; the overview polls it while a run is active."""
    _, filters = filter_bar(request)
    collections = account_collections(filters.account_ids)
    return render(
        request,
        "includes/collections.html",
        {
            "filters": filters,
            "collections": collections,
            "polling": any(c.active_run for c in collections),
        },
    )
