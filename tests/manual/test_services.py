"""Review with separation of duties, validity and expiry over simulated days, attestation lapse,
and the status selector the posture layer reads."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from evidence.manual.models import EvidenceRequest, Frequency, Review
from evidence.manual.selectors.requests import request_row
from evidence.manual.selectors.status import manual_control_states, manual_coverage_days
from evidence.manual.services.attestations import (
    provider_attestation_create,
    provider_attestation_review,
)
from evidence.manual.services.requests import evidence_requests_seed
from evidence.manual.services.submissions import (
    evidence_submission_create,
    evidence_submission_review,
)
from tests.factories import EvidenceRequestFactory
from tests.manual.conftest import upload

pytestmark = pytest.mark.django_db
DAY = dt.date


JAN_5 = DAY(2026, 1, 5)


def submit(request, user, effective=JAN_5, **kwargs):
    kwargs.setdefault("kind", "statement")
    kwargs.setdefault("statement", "Reviewed every IAM user; removed two.")
    return evidence_submission_create(
        request=request, submitted_by=user, effective_date=effective, **kwargs
    )[0]


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_reviewer_cannot_review_own_submission(evidence_request, users):
    submission = submit(evidence_request, users["manager"])
    with pytest.raises(ValidationError, match="Separation of duties"):
        evidence_submission_review(
            submission=submission, reviewer=users["manager"], decision="approved"
        )
    assert not Review.objects.exists()
    review = evidence_submission_review(
        submission=submission, reviewer=users["reviewer"], decision="approved", comment="ok"
    )
    submission.refresh_from_db()
    assert (submission.status, review.reviewer, review.comment) == (
        "approved",
        users["reviewer"],
        "ok",
    )
    with pytest.raises(ValidationError, match="already approved"):
        evidence_submission_review(
            submission=submission, reviewer=users["reviewer"], decision="rejected", comment="no"
        )
    assert Review.objects.get().decision == "approved"  # nothing overwritten


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_rejection_needs_a_comment_and_roles_are_enforced(evidence_request, users):
    submission = submit(evidence_request, users["owner"])
    with pytest.raises(ValidationError, match="why"):
        evidence_submission_review(
            submission=submission, reviewer=users["reviewer"], decision="rejected"
        )
    with pytest.raises(PermissionDenied):
        evidence_submission_review(
            submission=submission, reviewer=users["auditor"], decision="approved"
        )
    with pytest.raises(PermissionDenied):
        submit(evidence_request, users["auditor"])
    with pytest.raises(PermissionDenied):
        submit(evidence_request, users["other"])  # not the owner, no role


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_effective_date_in_the_future_is_refused(evidence_request, users):
    with pytest.raises(ValidationError, match="future"):
        submit(
            evidence_request,
            users["owner"],
            effective=DAY(2026, 1, 11),
            kind="file",
            upload=upload(),
        )
    assert not evidence_request.submissions.exists()


def test_request_status_and_control_state_over_simulated_days(evidence_request, users, settings):
    settings.GRC_MANUAL_GRACE_DAYS = 10
    control_id = evidence_request.control_id
    with time_machine.travel("2026-03-01 12:00Z", tick=False):
        assert request_row(request_id=evidence_request.pk, today=DAY(2026, 3, 1)).status == "open"
        assert manual_control_states(day=DAY(2026, 3, 1))[control_id].state == "missing"
    assert manual_control_states(day=DAY(2026, 4, 1))[control_id].state == "overdue"
    assert request_row(request_id=evidence_request.pk, today=DAY(2026, 4, 1)).status == "overdue"
    with time_machine.travel("2026-04-02 12:00Z", tick=False):
        rejected = submit(evidence_request, users["owner"], effective=DAY(2026, 4, 1))
        assert (
            request_row(request_id=evidence_request.pk, today=DAY(2026, 4, 2)).status == "submitted"
        )
        evidence_submission_review(
            submission=rejected, reviewer=users["reviewer"], decision="rejected", comment="unsigned"
        )
        approved = submit(evidence_request, users["owner"], effective=DAY(2026, 4, 1))
        evidence_submission_review(
            submission=approved, reviewer=users["reviewer"], decision="approved"
        )
    approved.refresh_from_db()
    # Quarterly: valid three months after its effective date, plus 10 days of grace.
    assert approved.valid_until == DAY(2026, 7, 11)
    row = request_row(request_id=evidence_request.pk, today=DAY(2026, 5, 1))
    assert (row.status, row.next_due) == ("approved", DAY(2026, 7, 1))
    states = {
        day: manual_control_states(day=day)[control_id]
        for day in (DAY(2026, 5, 1), DAY(2026, 7, 5), DAY(2026, 7, 12))
    }
    assert states[DAY(2026, 5, 1)].state == "evidenced"
    assert states[DAY(2026, 7, 5)].state == "evidenced"  # due again, still inside the grace
    assert request_row(request_id=evidence_request.pk, today=DAY(2026, 7, 5)).status == "overdue"
    assert states[DAY(2026, 7, 12)].state == "expired"
    assert states[DAY(2026, 7, 12)].kind == "manual"
    days = manual_coverage_days(
        control_id=control_id, since=DAY(2026, 3, 30), until=DAY(2026, 7, 12)
    )
    assert min(days) == DAY(2026, 4, 1) and max(days) == DAY(2026, 7, 11) and len(days) == 102


def test_once_evidence_does_not_expire(control, users):
    request = EvidenceRequest.objects.create(
        control=control, title="Policy", frequency=Frequency.ONCE, first_due_date=DAY(2026, 2, 1)
    )
    with time_machine.travel("2026-01-10 12:00Z", tick=False):
        submission = submit(request, users["manager"])
        evidence_submission_review(
            submission=submission, reviewer=users["reviewer"], decision="approved"
        )
    submission.refresh_from_db()
    assert submission.valid_until is None
    assert manual_control_states(day=DAY(2030, 1, 1))[control.pk].state == "evidenced"
    assert request_row(request_id=request.pk, today=DAY(2030, 1, 1)).next_due is None


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_provider_attestation_evidences_inherited_control_until_it_lapses(
    inherited_control, control, users
):
    with pytest.raises(ValidationError, match="inherited and shared"):
        provider_attestation_create(
            uploaded_by=users["manager"], kind="soc2_type2", name="AWS SOC 2", issuer="AWS",
            period_start=DAY(2025, 10, 1), period_end=DAY(2026, 9, 30), controls=[control],
        )  # fmt: skip
    attestation = provider_attestation_create(
        uploaded_by=users["manager"], kind="soc2_type2", name="AWS SOC 2 Type II", issuer="AWS",
        period_start=DAY(2025, 10, 1), period_end=DAY(2026, 9, 30), controls=[inherited_control],
        upload=upload("aws-soc2.pdf"),
        cuecs=[{"cuec": "Customers manage IAM users", "answer": "IAM-01"}],
    )  # fmt: skip
    pid = inherited_control.pk
    assert manual_control_states(day=DAY(2026, 1, 10))[pid].state == "missing"  # not approved yet
    with pytest.raises(ValidationError, match="Separation of duties"):
        provider_attestation_review(
            attestation=attestation, reviewer=users["manager"], decision="approved"
        )
    provider_attestation_review(
        attestation=attestation, reviewer=users["reviewer"], decision="approved"
    )
    state = manual_control_states(day=DAY(2026, 9, 30))[pid]
    assert (state.state, state.kind, state.provider, state.manual) == (
        "evidenced",
        "provider",
        "evidenced",
        None,
    )
    assert manual_control_states(day=DAY(2026, 10, 1))[pid].state == "expired"
    assert manual_control_states(day=DAY(2025, 9, 30))[pid].state == "missing"


def test_status_selector_is_a_fixed_number_of_queries(django_assert_max_num_queries, users):
    EvidenceRequestFactory.create_batch(8, frequency="annual")
    evidence_requests_seed(today=DAY(2026, 1, 1))
    assert EvidenceRequest.objects.count() == 8
    with django_assert_max_num_queries(2):
        states = manual_control_states(day=DAY(2026, 6, 1))
    assert len(states) == 8
    assert {state.state for state in states.values()} == {"overdue"}


def test_seeding_maps_catalog_frequencies_once(db):
    catalog_row = EvidenceRequestFactory(frequency="quarterly")
    EvidenceRequestFactory(frequency="event")
    assert evidence_requests_seed(today=DAY(2026, 1, 1)) == 2
    assert evidence_requests_seed(today=DAY(2026, 1, 1)) == 0
    seeded = EvidenceRequest.objects.get(catalog_request=catalog_row)
    assert (seeded.frequency, seeded.title, seeded.first_due_date) == (
        "quarterly",
        catalog_row.title,
        DAY(2026, 2, 1),
    )
    assert set(EvidenceRequest.objects.values_list("frequency", flat=True)) == {"quarterly", "once"}


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_validity_cannot_outlast_the_frequency(evidence_request, users, settings):
    settings.GRC_MANUAL_GRACE_DAYS = 30
    with pytest.raises(ValidationError, match="valid until 2026-05-05 at most"):
        submit(evidence_request, users["owner"], valid_until=DAY(2027, 1, 1))
    shorter = submit(evidence_request, users["owner"], valid_until=DAY(2026, 3, 1))
    assert shorter.valid_until == DAY(2026, 3, 1)
