"""Writes to the catalog that people make: parameter values, each change recorded."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from grc.catalog.models import Control, ControlParameter, ParameterChange


def _reason_required(reason: str) -> None:
    if not reason.strip():
        raise ValidationError("Give a reason: auditors read it in the parameter history.")


def _parameter_change(
    *,
    parameter: ControlParameter,
    value: Any,
    overridden: bool,
    user: AbstractBaseUser | None,
    reason: str,
) -> ControlParameter:
    _reason_required(reason)
    with transaction.atomic():
        locked = ControlParameter.objects.select_for_update().get(pk=parameter.pk)
        old_value = locked.value
        locked.value = value
        locked.overridden = overridden
        locked.save(update_fields=["value", "overridden"])
        ParameterChange.objects.create(
            parameter=locked, old_value=old_value, new_value=value, changed_by=user, reason=reason
        )
    return locked


def control_parameter_set(
    *, parameter: ControlParameter, value: Any, user: AbstractBaseUser | None, reason: str
) -> ControlParameter:
    """Set the value a control applies; reloading the catalog then leaves it alone."""
    return _parameter_change(
        parameter=parameter, value=value, overridden=True, user=user, reason=reason
    )


def control_parameter_reset(
    *, parameter: ControlParameter, user: AbstractBaseUser | None, reason: str
) -> ControlParameter:
    """Go back to the catalog default; the value follows the catalog again from now on."""
    if parameter.default_value is None:
        raise ValidationError(f"{parameter.name} has no catalog default to reset to.")
    return _parameter_change(
        parameter=parameter,
        value=parameter.default_value,
        overridden=False,
        user=user,
        reason=reason,
    )


def control_parameter_create(
    *, control: Control, name: str, value: Any, user: AbstractBaseUser | None, reason: str
) -> ControlParameter:
    """Add a parameter the catalog does not set (no default), e.g. on a custom control."""
    _reason_required(reason)
    with transaction.atomic():
        parameter = ControlParameter.objects.create(
            control=control, name=name, value=value, default_value=None, overridden=True
        )
        ParameterChange.objects.create(
            parameter=parameter, old_value=None, new_value=value, changed_by=user, reason=reason
        )
    return parameter
