"""Template words for statuses, from the one vocabulary in ControlStatus."""

from __future__ import annotations

from django import template

from evidence.posture.models import ControlStatus

register = template.Library()
LABELS = dict(ControlStatus.choices)


@register.filter
def status_label(status: str) -> str:
    return LABELS.get(status, "No data")


@register.simple_tag
def statuses() -> list[tuple[str, str]]:
    """Every status, worst first as pages list them."""
    return [
        (status, LABELS[status])
        for status in (
            ControlStatus.FAIL,
            ControlStatus.EVIDENCE_EXPIRED,
            ControlStatus.EVIDENCE_OVERDUE,
            ControlStatus.INCOMPLETE,
            ControlStatus.EXCEPTED,
            ControlStatus.PASS,
            ControlStatus.NOT_EVIDENCED,
        )
    ]


@register.filter
def count_of(counts: dict, status: str) -> int:
    return counts.get(status, 0) if counts else 0
