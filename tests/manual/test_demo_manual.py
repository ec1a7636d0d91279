"""The demo's manual evidence on the shipped catalog: every state a newcomer should see."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from demo.manual import SAMPLE, seed_manual_evidence
from evidence.manual.models import EvidenceRequest, EvidenceSubmission, ProviderAttestation
from evidence.manual.selectors.requests import all_request_rows
from evidence.manual.selectors.status import manual_control_states
from grc.catalog.loader import catalog_load
from grc.catalog.models import Control, Responsibility

TODAY = dt.date(2026, 12, 1)


@pytest.mark.django_db
@time_machine.travel("2026-12-01 09:00Z", tick=False)
def test_demo_seeds_every_state_once():
    catalog_load()
    assert "Seeded manual evidence" in seed_manual_evidence()
    assert "already seeded" in seed_manual_evidence()
    statuses = {row.status for row in all_request_rows(today=TODAY)}
    assert {"approved", "rejected", "overdue", "submitted"} <= statuses
    assert EvidenceSubmission.objects.filter(status="rejected").count() == 1
    assert EvidenceSubmission.objects.filter(status="pending").count() == 1
    assert EvidenceSubmission.objects.filter(status="approved").count() > 3
    assert not EvidenceRequest.objects.filter(owner=None).exists()
    assert all(SAMPLE in a.name for a in ProviderAttestation.objects.all())
    states = manual_control_states(day=TODAY)
    inherited = Control.objects.filter(responsibility=Responsibility.INHERITED)
    assert inherited.exists()
    assert {states[c.pk].state for c in inherited} == {
        "evidenced"
    }  # the bridge letter covers today
    assert states[inherited[0].pk].kind in ("provider", "manual")
    # One request is overdue; every other control's documents evidence today.
    assert {s.state for s in states.values()} == {"evidenced", "overdue"}
