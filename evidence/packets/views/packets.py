"""Packet pages: request, list (with progress polling), detail and download. Thin."""

from __future__ import annotations

from django.contrib import messages as notify
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from evidence.collection.tasks import TaskNotQueued
from evidence.packets.forms import PacketRequestForm
from evidence.packets.models import EvidencePacket
from evidence.packets.services.packets import packet_request
from evidence.packets.services.signing import public_key_if_configured
from evidence.packets.tasks import packet_build_enqueue
from grc.access.forms import errors_onto
from grc.access.roles import can_export, role_required

IN_PROGRESS = (EvidencePacket.Status.QUEUED, EvidencePacket.Status.BUILDING)


def _packets():
    return EvidencePacket.objects.select_related("framework", "requested_by")


@require_GET
@role_required(can_export)
def packet_list(request: HttpRequest) -> HttpResponse:
    packets = _packets().prefetch_related("accounts")[:200]
    return render(
        request, "packets/packet_list.html", {"packets": packets, "in_progress": IN_PROGRESS}
    )


@require_http_methods(["GET", "POST"])
@role_required(can_export)
def packet_create(request: HttpRequest) -> HttpResponse:
    form = PacketRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            packet = packet_request(
                framework=data["framework"],
                period_start=data["period_start"],
                period_end=data["period_end"],
                accounts=list(data["accounts"]),
                ou_path=data["ou"],
                environment=data["environment"],
                requested_by=request.user,
                sample_dates=data["sample_dates"] or None,
                sample_count=data["sample_count"],
                seed=data["seed"] or None,
                sample_sizes=data["sample_sizes"] or None,
            )
        except ValidationError as exc:
            errors_onto(form, exc)
        else:
            try:
                packet_build_enqueue(packet.pk)
            except TaskNotQueued as exc:
                notify.error(request, f"Packet {packet.pk} could not be built: {exc} Try again.")
            return redirect("packets:detail", pk=packet.pk)
    return render(request, "packets/packet_form.html", {"form": form})


@require_GET
@role_required(can_export)
def packet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    packet = get_object_or_404(_packets().prefetch_related("accounts"), pk=pk)
    context = {
        "packet": packet,
        "in_progress": IN_PROGRESS,
        "public_key": public_key_if_configured(),
    }
    return render(request, "packets/packet_detail.html", context)


@require_GET
@role_required(can_export)
def packet_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The status fragment htmx polls while a packet is queued or building."""
    packet = get_object_or_404(_packets(), pk=pk)
    return render(
        request, "packets/_packet_status.html", {"packet": packet, "in_progress": IN_PROGRESS}
    )


@require_GET
@role_required(can_export)
def packet_download(request: HttpRequest, pk: int) -> FileResponse:
    packet = get_object_or_404(EvidencePacket, pk=pk, status=EvidencePacket.Status.READY)
    if not packet.file:
        raise Http404("The packet has no file.")
    return FileResponse(
        packet.file.open("rb"),
        as_attachment=True,
        filename=packet.file.name.rsplit("/", 1)[-1],
        content_type="application/zip",
    )
