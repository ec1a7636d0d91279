"""report.pdf of a packet over 10 accounts with long ARNs: no two words printed over each other."""

from __future__ import annotations

import datetime as dt
import io
import itertools

import pytest
from django.utils import timezone

from evidence.collection.models import (
    AwsAccount,
    CheckResult,
    CollectionRun,
    CollectionUnit,
    Resource,
)
from evidence.packets.models import EvidencePacket
from tests.packets.conftest import _evidence, zip_entries

pytestmark = pytest.mark.django_db
LONG_NAME = "acme-" + "customer-data-archive-" * 6 + "x" * 40


def _long_arn(account_id: str, index: int) -> str:
    return f"arn:aws:s3:::{LONG_NAME}-{account_id}-{index}/{'segment' * 12}"


@pytest.fixture
def ten_accounts(small_history):
    accounts = [small_history["account"]]
    for number in range(9):
        account_id = f"1000000000{number:02d}"
        accounts.append(
            AwsAccount.objects.create(
                account_id=account_id,
                name=f"Workload account {number} with a fairly long descriptive name",
                role_arn=f"arn:aws:iam::{account_id}:role/GrcEvidenceReader",
                external_id="x",
            )
        )
    for day, account in itertools.product((3, 5), accounts[1:]):
        finished = timezone.make_aware(dt.datetime(2026, 3, day, 12))
        run = CollectionRun.objects.create(
            account=account, trigger="manual", status="succeeded", finished_at=finished
        )
        unit = CollectionUnit.objects.create(
            run=run, service="s3", region="us-east-1", status="done", finished_at=finished
        )
        # Every result changes (its evidence names the day): the earlier spans end here.
        CheckResult.objects.filter(account=account, ended_run__isnull=True).update(ended_run=run)
        for index in range(3):
            arn = _long_arn(account.account_id, index)
            resource, _ = Resource.objects.get_or_create(
                account=account, arn=arn,
                defaults={"resource_type": "AWS::S3::Bucket", "region": "us-east-1",
                          "service": "s3"},
            )  # fmt: skip
            CheckResult.objects.create(
                run=run, unit=unit, account=account, resource=resource,
                check_id="s3_bucket_versioning", region="us-east-1", status="FAIL",
                reason="Versioning is " + "Suspended;" * 20, collected_at=finished,
                evidence=_evidence({"configuration": {"Bucket": arn, "day": day}}),
                service=unit.service, unit_region=unit.region,
            )  # fmt: skip
    return accounts


def _overlaps(words: list[dict]) -> list[tuple[str, str]]:
    """Pairs of words whose boxes intersect by more than a hair (0.5 pt each way)."""
    found = []
    ordered = sorted(words, key=lambda w: w["top"])
    for index, first in enumerate(ordered):
        for second in ordered[index + 1 :]:
            if second["top"] >= first["bottom"] - 0.5:
                break
            width = min(first["x1"], second["x1"]) - max(first["x0"], second["x0"])
            height = min(first["bottom"], second["bottom"]) - max(first["top"], second["top"])
            if width > 0.5 and height > 0.5:
                found.append((first["text"], second["text"]))
    return found


def test_pdf_of_ten_accounts_has_no_overlapping_text(small_history, ten_accounts, build_packet):
    pdfplumber = pytest.importorskip("pdfplumber")
    packet = build_packet(
        framework=small_history["framework"],
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 5),
        accounts=ten_accounts,
        requested_by=None,
        sample_dates=[dt.date(2026, 3, 3), dt.date(2026, 3, 5)],
    )
    assert packet.status == EvidencePacket.Status.READY, packet.error
    pdf_bytes = zip_entries(packet.file.path)["report.pdf"]
    with pdfplumber.open(io.BytesIO(pdf_bytes)) as pdf:
        text = "".join(page.extract_text() or "" for page in pdf.pages)
        problems = {
            number: overlaps
            for number, page in enumerate(pdf.pages, start=1)
            if (overlaps := _overlaps(page.extract_words(keep_blank_chars=False)))
        }
        for page in pdf.pages:
            for char in page.chars:
                assert char["x1"] <= page.width + 0.5, "text runs off the page"
    assert not problems, problems
    # The content is there: summary, contents, the long ARNs (wrapped) and the samples.
    flat = text.replace("\n", "")
    assert "Executive summary" in text and "Contents" in text
    assert "arn:aws:s3:::acme-" in flat and "segmentsegment" in flat
    assert "Population and sample" in text


def test_the_overlap_check_catches_text_printed_over_text():
    def word(text: str, x0: float, top: float, width: float = 40, height: float = 8) -> dict:
        return {"text": text, "x0": x0, "x1": x0 + width, "top": top, "bottom": top + height}

    side_by_side = [word("arn:aws:s3:::a", 10, 100), word("s3_check", 52, 100)]
    stacked = [word("row-1", 10, 100), word("row-2", 10, 109)]
    printed_over = [word("arn:aws:s3:::long-bucket", 10, 100, 120), word("FAIL", 90, 101)]
    assert _overlaps(side_by_side) == [] and _overlaps(stacked) == []
    assert _overlaps(printed_over) == [("arn:aws:s3:::long-bucket", "FAIL")]
