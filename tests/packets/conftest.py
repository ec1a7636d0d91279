"""Fixtures for packet tests: a fixed signing key, packets built through the real services, and a
small synthetic history (factories, no moto) for the tests that do not need a collection."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.utils import timezone
from nacl.signing import SigningKey

from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    EvidenceDocument,
    Resource,
)
from evidence.collection.services.ingest import canonical_json
from evidence.packets.models import EvidencePacket
from evidence.packets.services.packets import packet_build, packet_request
from evidence.posture.models import ControlStatusDaily
from tests.evidence.conftest import account, aws  # noqa: F401  (fixtures used by packet tests)
from tests.factories import ControlCheckFactory, ControlFactory, ControlMappingFactory

SEED = bytes(range(32))
KEY_B64 = base64.b64encode(SEED).decode()
PUBLIC_KEY_B64 = base64.b64encode(bytes(SigningKey(SEED).verify_key)).decode()
OTHER_SEED = bytes(range(100, 132))
SMALL_EXTERNAL_ID = "ext-secret-small-9c1d"
HOSTILE_FORMULA = '=HYPERLINK("http://x")'
HOSTILE_SCRIPT = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def packet_settings(settings, tmp_path: Path):
    settings.GRC_PACKET_SIGNING_KEY = KEY_B64
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings


@pytest.fixture
def build_packet(django_capture_on_commit_callbacks, monkeypatch) -> Callable[..., EvidencePacket]:
    """Request a packet and run the build the caller enqueues after commit, in this process."""
    from evidence.packets import tasks

    monkeypatch.setattr(tasks.packet_build_task, "delay", packet_build)

    def build(**request) -> EvidencePacket:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            packet = packet_request(**request)
            tasks.packet_build_enqueue(packet.pk)
        assert len(callbacks) == 1
        packet.refresh_from_db()
        return packet

    return build


def zip_entries(path: str | Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _evidence(content: dict) -> EvidenceDocument:
    data = canonical_json(content)
    return EvidenceDocument.objects.create(sha256=sha256(data), content=content, size=len(data))


@pytest.fixture
def small_history(db):
    """One control on one framework criterion, five days of rollups and one run on 2026-03-05
    whose results include hostile resource names and reasons."""
    control = ControlFactory(
        ref="DP-10", name="Versioned buckets", statement="Buckets keep versions."
    )
    ControlCheckFactory(control=control, check_id="s3_bucket_versioning")
    mapping = ControlMappingFactory(control=control, criterion__ref="A1.2")
    framework = mapping.criterion.framework
    acct = AwsAccount.objects.create(
        account_id="210987654321",
        name="Staging <b>&</b>",
        role_arn="arn:aws:iam::210987654321:role/GrcEvidenceReader",
        external_id=SMALL_EXTERNAL_ID,
    )
    for offset, status in enumerate(["pass", "pass", "fail", "incomplete", "fail"]):
        ControlStatusDaily.objects.create(
            account=acct,
            control=control,
            day=dt.date(2026, 3, 1) + dt.timedelta(days=offset),
            status=status,
            pass_count=1 if status != "fail" else 0,
            fail_count=0 if status == "pass" else 1,
        )
    finished = timezone.make_aware(dt.datetime(2026, 3, 5, 12))
    run = CollectionRun.objects.create(
        account=acct, trigger="manual", status="succeeded", finished_at=finished
    )
    unit = CollectionUnit.objects.create(
        run=run, service="s3", region="us-east-1", status="done", finished_at=finished
    )
    rows = [
        (HOSTILE_FORMULA, HOSTILE_SCRIPT, "FAIL"),
        (HOSTILE_SCRIPT, "@SUM(1+1)", "FAIL"),
        ("arn:aws:s3:::acme-ok", "+versioning on", "PASS"),
        ("arn:aws:s3:::acme-minus", "-1 versions", "FAIL"),
        ("arn:aws:s3:::acme-tab", "\tleading tab", "ERROR"),
    ]
    for arn, reason, status in rows:
        resource = Resource.objects.create(
            account=acct, arn=arn, resource_type="AWS::S3::Bucket", region="us-east-1", service="s3"
        )
        CheckResult.objects.create(
            run=run,
            unit=unit,
            account=acct,
            resource=resource,
            check_id="s3_bucket_versioning",
            region="us-east-1",
            status=status,
            reason=reason,
            evidence=_evidence({"configuration": {"Bucket": arn}, "sources": []}),
            collected_at=finished,
            service=unit.service,
            unit_region=unit.region,
        )
    return {"framework": framework, "account": acct, "control": control, "run": run}


@pytest.fixture
def small_packet(small_history, build_packet) -> EvidencePacket:
    from tests.factories import UserFactory

    packet = build_packet(
        framework=small_history["framework"],
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 5),
        accounts=[small_history["account"]],
        requested_by=UserFactory(username="auditor-ann"),
        sample_dates=[dt.date(2026, 3, 5)],
    )
    assert packet.status == EvidencePacket.Status.READY, packet.error
    return packet


@pytest.fixture
def pdf_unrendered(monkeypatch) -> None:
    """report.pdf's renderer (WeasyPrint) writes a blank page instead of laying out the report.

    Rendering is most of a packet build (a whole catalog's controls); tests that read other files
    of a packet use this, and the PDF itself is checked by the tests that do not
    (test_history.test_packet_of_a_collected_history, test_pdf_layout).
    """
    import weasyprint
    from pypdf import PdfWriter

    class BlankPage:
        def __init__(self, string: str) -> None:
            self.string = string

        def write_pdf(self, target: Path) -> None:
            writer = PdfWriter()
            writer.add_blank_page(width=595, height=842)
            with open(target, "wb") as pdf:
                writer.write(pdf)

    monkeypatch.setattr(weasyprint, "HTML", BlankPage)
