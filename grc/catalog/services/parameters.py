"""Writes to the catalog that people make: parameter values, each change recorded."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from grc.catalog.models import Control, ControlParameter, ParameterChange

MAX_INTEGER = 1_000_000
MAX_TEXT = 2000
MAX_ITEMS = 200
KINDS = {bool: "true or false", int: "whole number", float: "number", str: "text", list: "list"}


def _kind(value: Any) -> str:
    return KINDS.get(type(value), "object")


def parameter_value_check(value: Any, *, like: Any) -> None:
    """One rule for the UI and the API: a value of the same kind as ``like`` (the catalog
    default, else the current value), within bounds the checks can use. ``null`` is refused."""
    if value is None:
        raise ValidationError({"value": "Give a value: null is not a parameter value."})
    expected = _kind(like) if like is not None else None
    actual = _kind(value)
    whole_float = isinstance(value, int) and not isinstance(value, bool) and expected == "number"
    if expected and actual != expected and not whole_float:
        raise ValidationError(
            {"value": f"Expected a {expected} like {json.dumps(like)}, not {json.dumps(value)}."}
        )
    if actual in ("whole number", "number") and not 0 <= value <= MAX_INTEGER:
        raise ValidationError({"value": f"Give a number from 0 to {MAX_INTEGER}."})
    if actual == "text" and not 0 < len(value) <= MAX_TEXT:
        raise ValidationError({"value": f"Give 1 to {MAX_TEXT} characters."})
    if actual == "list":
        if len(value) > MAX_ITEMS:
            raise ValidationError({"value": f"At most {MAX_ITEMS} items."})
        bad = [item for item in value if not isinstance(item, str) or len(item) > MAX_TEXT]
        if bad:
            raise ValidationError({"value": "A list parameter holds text items only."})
    if "\\u0000" in json.dumps(value):
        raise ValidationError({"value": "Null characters are not allowed."})
    if actual == "object":
        raise ValidationError({"value": "Give a number, true or false, text or a list of text."})


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
    parameter_value_check(value, like=_reference(parameter))
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


def _reference(parameter: ControlParameter) -> Any:
    return parameter.default_value if parameter.default_value is not None else parameter.value


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
    parameter_value_check(value, like=None)
    with transaction.atomic():
        parameter = ControlParameter.objects.create(
            control=control, name=name, value=value, default_value=None, overridden=True
        )
        ParameterChange.objects.create(
            parameter=parameter, old_value=None, new_value=value, changed_by=user, reason=reason
        )
    return parameter
