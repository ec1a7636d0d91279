from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from grc.catalog.loader import catalog_load
from grc.catalog.models import ControlParameter, ParameterChange
from grc.catalog.services.parameters import (
    control_parameter_create,
    control_parameter_reset,
    control_parameter_set,
)
from tests.factories import ControlParameterFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_set_records_the_change_and_marks_the_override() -> None:
    parameter = ControlParameterFactory(name="password_min_length", value=14, default_value=14)
    user = UserFactory()

    updated = control_parameter_set(parameter=parameter, value=16, user=user, reason="Policy v2")

    assert (updated.value, updated.default_value, updated.overridden) == (16, 14, True)
    parameter.refresh_from_db()
    assert (parameter.value, parameter.overridden) == (16, True)
    change = ParameterChange.objects.get()
    assert (change.old_value, change.new_value, change.changed_by, change.reason) == (
        14,
        16,
        user,
        "Policy v2",
    )


def test_reset_goes_back_to_the_default_and_is_recorded() -> None:
    parameter = ControlParameterFactory(value=14, default_value=14)
    user = UserFactory()
    control_parameter_set(parameter=parameter, value=20, user=user, reason="Tighter")

    reset = control_parameter_reset(parameter=parameter, user=user, reason="Back to CIS")

    assert (reset.value, reset.overridden) == (14, False)
    history = list(
        ParameterChange.objects.order_by("pk").values_list("old_value", "new_value", "reason")
    )
    assert history == [(14, 20, "Tighter"), (20, 14, "Back to CIS")]


def test_a_change_needs_a_reason() -> None:
    parameter = ControlParameterFactory(value=14)

    with pytest.raises(ValidationError):
        control_parameter_set(parameter=parameter, value=16, user=None, reason=" ")

    parameter.refresh_from_db()
    assert (parameter.value, parameter.overridden) == (14, False)
    assert not ParameterChange.objects.exists()


def test_reset_without_a_default_is_refused() -> None:
    parameter = control_parameter_create(
        control=ControlParameterFactory().control, name="x", value=1, user=None, reason="Ours"
    )

    with pytest.raises(ValidationError):
        control_parameter_reset(parameter=parameter, user=None, reason="Undo")

    assert ParameterChange.objects.filter(parameter=parameter).count() == 1


def test_a_set_value_survives_a_catalog_reload(catalog_dir: Path) -> None:
    catalog_load(catalog_dir)
    parameter = ControlParameter.objects.get(control__ref="IAM-01", name="password_min_length")
    control_parameter_set(parameter=parameter, value=20, user=None, reason="Tighter")

    catalog_load(catalog_dir)

    parameter.refresh_from_db()
    assert (parameter.value, parameter.overridden) == (20, True)
