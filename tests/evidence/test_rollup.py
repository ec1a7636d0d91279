import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from evidence.posture.models import (
    ControlStatus,
    ControlStatusDaily,
    ControlStatusEvent,
    PostureDaily,
)
from evidence.posture.models.rules import ControlEvidence, EvidenceState, control_status
from evidence.posture.selectors.history import control_status_history
from grc.catalog.models import Control, ControlCheck
from tests.evidence.conftest import run_collection

pytestmark = pytest.mark.django_db


E = EvidenceState


@pytest.mark.parametrize(
    ("evidence", "expected"),
    [
        (ControlEvidence(passed=3), ControlStatus.PASS),
        (ControlEvidence(failed=2), ControlStatus.FAIL),
        (ControlEvidence(passed=99, failed=1), ControlStatus.FAIL),
        (ControlEvidence(failed=1, errored=1), ControlStatus.FAIL),
        (ControlEvidence(passed=3, excepted=1), ControlStatus.EXCEPTED),
        (ControlEvidence(excepted=2), ControlStatus.EXCEPTED),
        (ControlEvidence(passed=3, failed=1, excepted=1), ControlStatus.FAIL),
        (ControlEvidence(passed=3, errored=1), ControlStatus.INCOMPLETE),
        (ControlEvidence(errored=4), ControlStatus.INCOMPLETE),
        (ControlEvidence(passed=3, excepted=1, errored=1), ControlStatus.INCOMPLETE),
        (ControlEvidence(), ControlStatus.NOT_EVIDENCED),
        (ControlEvidence(documents=E.EVIDENCED), ControlStatus.PASS),
        (ControlEvidence(passed=2, documents=E.EVIDENCED), ControlStatus.PASS),
        (ControlEvidence(passed=2, documents=E.MISSING), ControlStatus.NOT_EVIDENCED),
        (ControlEvidence(documents=E.MISSING), ControlStatus.NOT_EVIDENCED),
        (ControlEvidence(passed=2, documents=E.OVERDUE), ControlStatus.EVIDENCE_OVERDUE),
        (ControlEvidence(documents=E.EXPIRED), ControlStatus.EVIDENCE_EXPIRED),
        (ControlEvidence(excepted=1, documents=E.EXPIRED), ControlStatus.EVIDENCE_EXPIRED),
        (ControlEvidence(failed=1, documents=E.EXPIRED), ControlStatus.FAIL),
        (ControlEvidence(errored=1, documents=E.OVERDUE), ControlStatus.INCOMPLETE),
    ],
)
def test_control_status_rule(evidence, expected):
    assert control_status(evidence) == expected


@pytest.fixture
def versioning_control(db):
    control = Control.objects.create(
        ref="S3-VER", name="Buckets are versioned", statement="...", responsibility="customer"
    )
    ControlCheck.objects.create(control=control, check_id="s3_bucket_versioning")
    return control


def test_run_writes_daily_status_and_records_a_change_as_an_event(
    aws, account, versioning_control, django_capture_on_commit_callbacks
):
    s3 = aws.client("s3")
    s3.create_bucket(Bucket="acme-versioned")
    s3.put_bucket_versioning(Bucket="acme-versioned", VersioningConfiguration={"Status": "Enabled"})
    day_one = dt.datetime(2026, 3, 1, 9, tzinfo=dt.UTC)
    with time_machine.travel(day_one, tick=False):
        run_collection(account, django_capture_on_commit_callbacks)

    s3.put_bucket_versioning(
        Bucket="acme-versioned", VersioningConfiguration={"Status": "Suspended"}
    )
    with time_machine.travel(day_one + dt.timedelta(days=1), tick=False):
        second = run_collection(account, django_capture_on_commit_callbacks)

    statuses = list(
        ControlStatusDaily.objects.filter(control=versioning_control, account=account)
        .order_by("day")
        .values_list("day", "status")
    )
    assert statuses == [(dt.date(2026, 3, 1), "pass"), (dt.date(2026, 3, 2), "fail")]
    event = ControlStatusEvent.objects.get(control=versioning_control)
    assert (event.previous_status, event.status, event.run) == ("pass", "fail", second)
    posture = PostureDaily.objects.get(account=account, day=dt.date(2026, 3, 2))
    assert posture.failing >= 1


def test_year_of_history_is_read_in_one_query(
    account, versioning_control, django_assert_num_queries
):
    today = timezone.localdate()
    ControlStatusDaily.objects.bulk_create(
        ControlStatusDaily(
            account=account,
            control=versioning_control,
            day=today - dt.timedelta(days=offset),
            status="pass" if offset % 7 else "fail",
        )
        for offset in range(400)
    )

    with django_assert_num_queries(1):
        history = control_status_history(
            control_id=versioning_control.pk, account_ids=[account.pk], days=365
        )

    days = history[account.pk]
    assert len(days) == 365
    assert days[-1].day == today and days[-1].status == "fail"
    assert days[-2].status == "pass"
    assert days[0].day == today - dt.timedelta(days=364)


def test_days_without_collection_are_blank(account, versioning_control):
    today = timezone.localdate()
    ControlStatusDaily.objects.create(
        account=account, control=versioning_control, day=today, status="pass"
    )

    days = control_status_history(
        control_id=versioning_control.pk, account_ids=[account.pk], days=3
    )[account.pk]

    assert [day.status for day in days] == ["", "", "pass"]
