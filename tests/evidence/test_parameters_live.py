"""The live parameter path: a catalog parameter a manager sets reaches the check in a run."""

from __future__ import annotations

import pytest

from evidence.collection.models import CheckResult
from evidence.collection.selectors.parameters import check_parameters
from grc.catalog.models import Control, ControlCheck, ControlParameter
from grc.catalog.services.parameters import control_parameter_set
from tests.evidence.conftest import run_collection

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_control(db) -> Control:
    control = Control.objects.create(
        ref="IAM-PW", name="Password policy", statement="...", responsibility="customer"
    )
    ControlCheck.objects.create(control=control, check_id="iam_password_policy_min_length")
    ControlParameter.objects.create(
        control=control, name="password_min_length", value=14, default_value=14
    )
    # A parameter no check declares never reaches a check.
    ControlParameter.objects.create(control=control, name="undeclared", value=1, default_value=1)
    return control


def _min_length_status(account, capture) -> str:
    run = run_collection(account, capture)
    return CheckResult.objects.get(run=run, check_id="iam_password_policy_min_length").status


def test_a_changed_parameter_changes_the_verdict_of_the_next_run(
    aws, account, password_control, django_capture_on_commit_callbacks
):
    aws.client("iam").update_account_password_policy(MinimumPasswordLength=14)
    assert check_parameters()["iam_password_policy_min_length"] == {"password_min_length": 14}
    assert _min_length_status(account, django_capture_on_commit_callbacks) == "PASS"

    control_parameter_set(
        parameter=password_control.parameters.get(name="password_min_length"),
        value=16,
        user=None,
        reason="Policy v2 asks for 16 characters",
    )

    assert check_parameters()["iam_password_policy_min_length"] == {"password_min_length": 16}
    assert _min_length_status(account, django_capture_on_commit_callbacks) == "FAIL"
