"""The frameworks with their readiness, and one framework's criteria tree with its controls."""

from __future__ import annotations

from dataclasses import replace

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from evidence.posture.selectors.filters import framework_control_ids
from evidence.posture.selectors.frameworks import framework_tree
from evidence.posture.selectors.groups import posture_by_group
from evidence.posture.selectors.overview import overview_read
from evidence.posture.views.common import filter_bar
from grc.access.roles import can_view, role_required
from grc.catalog.models import Framework


@role_required(can_view)
@require_GET
def framework_index(request: HttpRequest) -> HttpResponse:
    form, filters = filter_bar(request)
    filters = replace(filters, framework="", framework_controls=None)
    return render(
        request,
        "posture/framework_list.html",
        {
            "form": form,
            "filters": filters,
            "readiness": overview_read(filters).readiness,
            "groups": posture_by_group(filters, filters.group),
        },
    )


@role_required(can_view)
@require_GET
def framework_detail(request: HttpRequest, slug: str) -> HttpResponse:
    framework = get_object_or_404(Framework, slug=slug)
    form, filters = filter_bar(request)
    # The page is the framework: a framework filter from the query string does not apply.
    filters = replace(filters, framework="", framework_controls=None)
    return render(
        request,
        "posture/framework_detail.html",
        {
            "framework": framework,
            "form": form,
            "filters": filters,
            "sections": framework_tree(framework, filters),
            "groups": posture_by_group(
                filters,
                filters.group,
                control_ids=framework_control_ids(slug) if filters.group else None,
            ),
        },
    )
