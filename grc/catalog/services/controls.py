"""Writes people make to company controls and their mappings (parameters: services.parameters).

Custom controls and custom mappings belong to the company; the shipped catalog owns the others,
so these services refuse to change or remove catalog rows (``load_catalog`` would fight them).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from grc.catalog.models import Control, ControlMapping, Criterion, Origin

CONTROL_EDITABLE_FIELDS = frozenset(
    {
        "name",
        "domain",
        "statement",
        "responsibility",
        "aws_responsibility",
        "customer_responsibility",
        "attestation",
        "frequency",
    }
)


def _custom_only(control: Control) -> None:
    if control.origin != Origin.CUSTOM:
        raise ValidationError(
            f"{control.ref} comes from the shipped catalog; add a custom control instead."
        )


@transaction.atomic
def control_create(*, ref: str, **fields: Any) -> Control:
    """Add a company control (origin ``custom``)."""
    unknown = set(fields) - CONTROL_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Not control fields: {', '.join(sorted(unknown))}.")
    control = Control(ref=ref, origin=Origin.CUSTOM, **fields)
    control.full_clean()
    control.save()
    return control


@transaction.atomic
def control_update(*, control: Control, **fields: Any) -> Control:
    """Change a custom control's text, responsibility or attestation (never its ref)."""
    _custom_only(control)
    unknown = set(fields) - CONTROL_EDITABLE_FIELDS
    if unknown:
        raise ValidationError(f"Not editable control fields: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(control, name, value)
    control.full_clean()
    control.save()
    return control


@transaction.atomic
def control_mapping_add(*, control: Control, criterion: Criterion) -> ControlMapping:
    """Map a control onto a criterion; the mapping is the company's (origin ``custom``)."""
    if ControlMapping.objects.filter(control=control, criterion=criterion).exists():
        raise ValidationError({"criterion": f"{control.ref} is already mapped to {criterion.ref}."})
    return ControlMapping.objects.create(control=control, criterion=criterion, origin=Origin.CUSTOM)


@transaction.atomic
def control_mapping_remove(*, mapping: ControlMapping) -> None:
    if mapping.origin != Origin.CUSTOM:
        raise ValidationError("This mapping comes from the shipped catalog and stays.")
    mapping.delete()
