"""Check parameters from the catalog, as the collectors take them."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from collectors.registry import load_checks
from grc.catalog.models import ControlCheck, ControlParameter


def check_parameters() -> dict[str, dict[str, Any]]:
    """Check id -> the company's parameter values for it, from the controls that use the check.

    A check honours only the parameters it declares. Where two controls set the same parameter
    for one check, the first control by ref wins (catalog data keeps them consistent).
    """
    declared = {check_id: set(spec.parameters) for check_id, spec in load_checks().items()}
    values_by_control: dict[int, dict[str, Any]] = defaultdict(dict)
    for control_id, name, value in ControlParameter.objects.order_by("-control__ref").values_list(
        "control_id", "name", "value"
    ):
        values_by_control[control_id][name] = value
    parameters: dict[str, dict[str, Any]] = defaultdict(dict)
    for control_id, check_id in ControlCheck.objects.order_by("-control__ref").values_list(
        "control_id", "check_id"
    ):
        for name, value in values_by_control.get(control_id, {}).items():
            if name in declared.get(check_id, ()):
                parameters[check_id][name] = value
    return dict(parameters)
