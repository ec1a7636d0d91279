"""packet_request validation and samples; packet_build storage, immutability and signing keys."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import stat
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils import timezone

from evidence.collection.models import CollectionRun
from evidence.exceptions.models import RiskException
from evidence.packets.models import EvidencePacket
from evidence.packets.services import signing
from evidence.packets.services.packets import packet_build, packet_request
from tests.factories import UserFactory
from tests.packets.conftest import PUBLIC_KEY_B64, zip_entries

pytestmark = pytest.mark.django_db
MARCH_1, MARCH_31 = dt.date(2026, 3, 1), dt.date(2026, 3, 31)


def _request_args(small_history) -> dict:
    return {
        "framework": small_history["framework"],
        "period_start": MARCH_1,
        "period_end": MARCH_31,
        "accounts": [small_history["account"]],
        "requested_by": None,
    }


def _request(small_history, **overrides) -> EvidencePacket:
    return packet_request(**{**_request_args(small_history), **overrides})


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"period_start": MARCH_31, "period_end": MARCH_1}, "period_end"),
        ({"accounts": []}, "accounts"),
        ({"sample_dates": [dt.date(2026, 4, 1)]}, "sample_dates"),
        ({"sample_dates": [dt.date(2026, 2, 28), MARCH_1]}, "sample_dates"),
        ({"sample_count": 32}, "sample_count"),
        ({"sample_sizes": {"hourly": 3}}, "sample_sizes"),
        ({"sample_sizes": {"daily": 0}}, "sample_sizes"),
    ],
)
def test_invalid_requests_are_refused(
    small_history, overrides, field, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(ValidationError) as refused,
    ):
        _request(small_history, **overrides)
    assert field in refused.value.message_dict
    assert not callbacks and not EvidencePacket.objects.exists()


def _runs_on(history, days: list[int]) -> None:
    for day in days:
        CollectionRun.objects.create(
            account=history["account"],
            trigger="manual",
            status="succeeded",
            finished_at=timezone.make_aware(dt.datetime(2026, 3, day, 9)),
        )


def test_random_samples_record_the_seed_and_repeat(
    small_history, django_capture_on_commit_callbacks
):
    _runs_on(small_history, [2, 8, 11, 17, 20, 23, 29])
    first = _request(small_history, sample_count=5, seed="audit-2026")
    again = _request(small_history, sample_count=5, seed="audit-2026")
    fresh = _request(small_history, sample_count=5)
    assert first.sample_seed == "audit-2026" and first.sample_dates == again.sample_dates
    dates = [dt.date.fromisoformat(day) for day in first.sample_dates]
    assert len(set(dates)) == 5 and dates == sorted(dates)
    assert all(MARCH_1 <= day <= MARCH_31 for day in dates)
    collected = {dt.date(2026, 3, day) for day in (2, 5, 8, 11, 17, 20, 23, 29)}
    assert set(dates) <= collected, "a random draw never picks a day without a collection"
    assert len(fresh.sample_seed) == 16 and fresh.sample_dates  # a new seed, recorded


def test_a_random_draw_never_picks_an_empty_day_and_warns_when_short(small_history, build_packet):
    """Only 2026-03-05 has a collection: asking for 4 days draws that one and the packet says
    that an auditor-chosen date without a collection carries older evidence."""
    drawn = build_packet(**_request_args(small_history), sample_count=4, seed="s")
    assert drawn.sample_dates == ["2026-03-05"]
    chosen = build_packet(
        **_request_args(small_history), sample_dates=[dt.date(2026, 3, 9), dt.date(2026, 3, 2)]
    )
    entries = zip_entries(chosen.file.path)
    readme = entries["README.txt"].decode()
    assert "Sample dates: 2026-03-02, 2026-03-09" in readme and "datetime" not in readme
    warnings = json.loads(entries["manifest.json"])["warnings"]
    assert warnings == [
        "2026-03-02, account 210987654321: no collection on or before this date, no evidence",
        "2026-03-09, account 210987654321: no collection on this date; evidence is from the "
        "collection finished 2026-03-05T12:00:00+00:00",
    ]
    assert "no collection on or before this date" in readme


def test_chosen_dates_are_kept_and_default_is_the_last_day(
    small_history, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        chosen = _request(small_history, sample_dates=[dt.date(2026, 3, 9), dt.date(2026, 3, 2)])
        default = _request(small_history)
    assert chosen.sample_dates == ["2026-03-02", "2026-03-09"] and chosen.sample_seed == ""
    assert default.sample_dates == ["2026-03-31"]


def test_build_is_stored_once_and_never_rebuilt(small_packet):
    path = Path(small_packet.file.path)
    assert path.parent.name == "packets" and small_packet.finished_at is not None
    assert stat.S_IMODE(path.stat().st_mode) == 0o444
    assert small_packet.requested_by.username == "auditor-ann"
    mtime = path.stat().st_mtime_ns

    again = packet_build(small_packet.pk)

    assert (again.file.name, again.sha256) == (small_packet.file.name, small_packet.sha256)
    assert path.stat().st_mtime_ns == mtime
    assert len(list(path.parent.iterdir())) == 1, "no partial or second file left behind"


def test_no_key_in_production_fails_loudly(
    small_history, settings, django_capture_on_commit_callbacks
):
    settings.GRC_PACKET_SIGNING_KEY = ""
    settings.GRC_REQUIRE_SIGNING_KEY = True
    with django_capture_on_commit_callbacks():
        packet = _request(small_history)

    with pytest.raises(ImproperlyConfigured, match="GRC_PACKET_SIGNING_KEY"):
        packet_build(packet.pk)

    packet.refresh_from_db()
    assert packet.status == EvidencePacket.Status.FAILED
    assert "GRC_PACKET_SIGNING_KEY" in packet.error and not packet.file
    assert not list((Path(settings.MEDIA_ROOT) / "packets").iterdir())


def test_local_install_without_key_generates_a_private_local_key(settings, tmp_path):
    settings.GRC_PACKET_SIGNING_KEY = ""
    settings.GRC_REQUIRE_SIGNING_KEY = False
    settings.DATA_DIR = tmp_path
    first = signing.public_key_b64()
    key_file = tmp_path / signing.LOCAL_KEY_FILE
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert signing.public_key_b64() == first != PUBLIC_KEY_B64


def test_bad_configured_key_is_refused(settings):
    settings.GRC_PACKET_SIGNING_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured, match="32 bytes"):
        signing.signing_key()


def test_packet_public_key_command(capsys):
    from django.core.management import call_command

    call_command("packet_public_key")
    assert capsys.readouterr().out.strip() == PUBLIC_KEY_B64


def test_readme_and_progress(small_packet):
    readme = zip_entries(small_packet.file.path)["README.txt"].decode()
    assert "python tools/verify.py PACKET.zip --public-key" in readme
    assert "manage.py verify_packet" in readme and PUBLIC_KEY_B64 in readme
    assert (small_packet.progress, small_packet.progress_message) == (1.0, "ready")


def test_the_packet_lists_every_exception_of_its_period_with_its_trail(small_history, build_packet):
    requester, approver = UserFactory(username="ana"), UserFactory(username="ben")
    outside = RiskException.objects.create(
        check_id="s3_bucket_versioning", scope="region", scope_value="us-east-1",
        justification="old", risk_rating="low", ends_on=dt.date(2026, 2, 1),
        state="approved", requested_by=requester, decided_by=approver,
        decided_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
    )  # fmt: skip
    inside = RiskException.objects.create(
        check_id="s3_bucket_versioning", scope="arn", scope_value="arn:aws:s3:::=cmd|' /C calc'!A0",
        justification="Static site", risk_rating="medium", ends_on=dt.date(2026, 3, 20),
        state="approved", requested_by=requester, decided_by=approver,
        decided_at=dt.datetime(2026, 2, 20, tzinfo=dt.UTC), decision_comment="ok until March",
    )  # fmt: skip

    packet = build_packet(
        framework=small_history["framework"],
        period_start=MARCH_1,
        period_end=MARCH_31,
        accounts=[small_history["account"]],
        requested_by=None,
    )

    entries = zip_entries(packet.file.path)
    rows = list(csv.DictReader(io.StringIO(entries["exceptions.csv"].decode())))
    assert [int(row["id"]) for row in rows] == [inside.pk]
    assert outside.pk not in {int(row["id"]) for row in rows}
    assert (rows[0]["requested_by"], rows[0]["decided_by"], rows[0]["decision_comment"]) == (
        "ana", "ben", "ok until March",
    )  # fmt: skip
    assert rows[0]["scope_value"].startswith("arn:")
    manifest = json.loads(entries["manifest.json"])
    assert "exceptions.csv" in {entry["path"] for entry in manifest["files"]}


def test_the_report_explains_how_each_check_is_fixed(small_history, build_packet):
    packet = build_packet(
        framework=small_history["framework"],
        period_start=MARCH_1,
        period_end=MARCH_31,
        accounts=[small_history["account"]],
        requested_by=None,
    )

    html = zip_entries(packet.file.path)["report.html"].decode()
    assert "how a failure is fixed" in html
    assert "aws s3api put-bucket-versioning" in html
