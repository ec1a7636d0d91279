"""Manual and provider evidence in the daily status the rollup writes (one vocabulary)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from evidence.manual.services.attestations import (
    provider_attestation_create,
    provider_attestation_review,
)
from evidence.posture.models import ControlStatusDaily
from tests.evidence.conftest import run_collection
from tests.manual.conftest import upload

pytestmark = pytest.mark.django_db


def _status(control, day: dt.date) -> str:
    return ControlStatusDaily.objects.get(control=control, day=day).status


def test_an_inherited_control_is_evidenced_by_its_attestation_then_expires(
    aws,
    account,
    inherited_control,
    users,
    django_capture_on_commit_callbacks,
):
    with time_machine.travel("2026-01-10 09:00Z", tick=False):
        run_collection(account, django_capture_on_commit_callbacks)
        attestation = provider_attestation_create(
            uploaded_by=users["manager"], kind="soc2_type2", name="AWS SOC 2 Type II",
            issuer="AWS", period_start=dt.date(2025, 10, 1), period_end=dt.date(2026, 1, 31),
            controls=[inherited_control], upload=upload("aws-soc2.pdf"),
        )  # fmt: skip
    assert _status(inherited_control, dt.date(2026, 1, 10)) == "not_evidenced"

    with time_machine.travel("2026-01-11 09:00Z", tick=False):
        provider_attestation_review(
            attestation=attestation, reviewer=users["reviewer"], decision="approved"
        )
        run_collection(account, django_capture_on_commit_callbacks)
    assert _status(inherited_control, dt.date(2026, 1, 11)) == "pass"

    with time_machine.travel("2026-02-02 09:00Z", tick=False):
        run_collection(account, django_capture_on_commit_callbacks)
    assert _status(inherited_control, dt.date(2026, 2, 2)) == "evidence_expired"
