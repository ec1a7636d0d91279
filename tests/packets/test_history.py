"""A packet built from a moto-collected history: six simulated days with a change after day 3.

The history is collected once for the module (``module_transaction``); each test builds its
packets from it in its own savepoint.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.test import TestCase

from evidence.collection.models import AwsAccount
from evidence.collection.services.runs import product_version
from evidence.packets.models import EvidencePacket
from grc.catalog.loader import catalog_load
from grc.catalog.models import Framework
from tests.evidence.conftest import mocked_aws, production_account, run_collection
from tests.factories import UserFactory
from tests.packets.conftest import PUBLIC_KEY_B64, sha256, zip_entries

pytestmark = pytest.mark.django_db

BUCKET = "acme-prod-customer-data"
BUCKET_ARN = f"arn:aws:s3:::{BUCKET}"
DAYS = [dt.date(2026, 3, day) for day in range(1, 7)]
SG_DESCRIPTION = '=HYPERLINK("http://x") <script>alert(1)</script>'


def _collect_on(day: dt.date, account):
    with time_machine.travel(dt.datetime.combine(day, dt.time(10), tzinfo=dt.UTC), tick=True):
        return run_collection(account, TestCase.captureOnCommitCallbacks)


def _csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode())))


@pytest.fixture(scope="module")
def history(module_transaction):
    """The six collected days, built once for the module's tests (each only reads them)."""
    with mocked_aws() as aws:
        catalog_load()
        account = production_account()
        s3, ec2 = aws.client("s3"), aws.client("ec2")
        s3.create_bucket(Bucket=BUCKET)
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
        vpc_id = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        group = ec2.create_security_group(
            GroupName="acme-web", Description=SG_DESCRIPTION, VpcId=vpc_id
        )["GroupId"]
        for day in DAYS[:3]:
            _collect_on(day, account)
        # The change in the middle of the period.
        s3.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Suspended"})
        ec2.authorize_security_group_ingress(
            GroupId=group,
            IpPermissions=[
                {
                    "IpProtocol": "tcp",
                    "FromPort": 3389,
                    "ToPort": 3389,
                    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                }
            ],
        )
        for day in DAYS[3:]:
            _collect_on(day, account)
    return {"group": group, "account": account}


@pytest.fixture
def account(history):
    return AwsAccount.objects.get(pk=history["account"].pk)


def test_packet_of_a_collected_history(history, account, build_packet):
    auditor = UserFactory(username="auditor-ann")
    packet = build_packet(
        framework=Framework.objects.get(slug="soc2-2017"),
        period_start=dt.date(2026, 2, 27),
        period_end=dt.date(2026, 3, 8),
        accounts=[account],
        requested_by=auditor,
        sample_dates=[dt.date(2026, 3, 5), dt.date(2026, 3, 2)],
    )

    assert packet.status == EvidencePacket.Status.READY, packet.error
    assert packet.progress == 1.0
    assert packet.file.name.startswith("packets/")
    raw = Path(packet.file.path).read_bytes()
    assert sha256(raw) == packet.sha256 and len(raw) == packet.size
    entries = zip_entries(packet.file.path)

    # Daily status: failing from the first day (MFA delete off beside versioning on), then two
    # failures once versioning is suspended: one failing resource is enough to fail.
    daily = _csv(entries["controls/DP-10/daily_status.csv"])
    assert [row["date"] for row in daily][:3] == ["2026-02-27", "2026-02-28", "2026-03-01"]
    assert len(daily) == 10
    by_day = {row["date"]: row for row in daily}
    for day in ("2026-02-27", "2026-02-28", "2026-03-07", "2026-03-08"):
        assert by_day[day]["status"] == "not_collected"
    for day in ("2026-03-01", "2026-03-02", "2026-03-03"):
        assert (by_day[day]["status"], by_day[day]["pass"], by_day[day]["fail"]) == (
            "fail",
            "1",
            "1",
        )
    for day in ("2026-03-04", "2026-03-05", "2026-03-06"):
        assert (by_day[day]["status"], by_day[day]["pass"], by_day[day]["fail"]) == (
            "fail",
            "0",
            "2",
        )
    assert {row["account_id"] for row in daily} == {account.account_id}
    network = {
        row["date"]: row["status"] for row in _csv(entries["controls/NET-01/daily_status.csv"])
    }
    assert network["2026-03-03"] == "pass" and network["2026-03-04"] == "fail"

    # Sample-date evidence: before and after the change, different documents.
    results = _csv(entries["controls/DP-10/results.csv"])
    versioning = {
        row["sample_date"]: row
        for row in results
        if row["check"] == "s3_bucket_versioning" and row["resource"] == BUCKET_ARN
    }
    before, after = versioning["2026-03-02"], versioning["2026-03-05"]
    assert (before["status"], after["status"]) == ("PASS", "FAIL")
    assert before["collected_at"].startswith("2026-03-02") and after["collected_at"].startswith(
        "2026-03-05"
    )
    assert before["evidence_sha256"] != after["evidence_sha256"]
    for row, state in ((before, "Enabled"), (after, "Suspended")):
        document = entries[f"evidence/{row['evidence_sha256']}.json"]
        assert sha256(document) == row["evidence_sha256"], "the file name is its content hash"
        assert json.loads(document)["configuration"]["versioning"]["Status"] == state
    cited = {
        row["evidence_sha256"]
        for name, data in entries.items()
        if name.endswith("results.csv")
        for row in _csv(data)
    }
    written = {name for name in entries if name.startswith("evidence/")}
    assert written == {f"evidence/{sha}.json" for sha in cited if sha}
    sg_rows = [
        r for r in _csv(entries["controls/NET-01/results.csv"]) if history["group"] in r["resource"]
    ]
    sg_evidence = entries[f"evidence/{sg_rows[-1]['evidence_sha256']}.json"].decode()
    assert json.dumps(SG_DESCRIPTION)[1:-1] in sg_evidence, "raw evidence is kept verbatim"

    # The manifest lists every file with the right hash and size, the scope and the versions.
    manifest = json.loads(entries["manifest.json"])
    listed = {item["path"]: item for item in manifest["files"]}
    assert set(listed) == set(entries) - {"manifest.json", "manifest.sig"}
    for path, item in listed.items():
        assert (item["sha256"], item["size"]) == (sha256(entries[path]), len(entries[path])), path
    assert manifest["scope"] == {
        "framework": {
            "slug": "soc2-2017",
            "name": "SOC 2 Trust Services Criteria",
            "version": "2017 (points of focus rev. 2022)",
        },
        "period": {"start": "2026-02-27", "end": "2026-03-08"},
        "accounts": [{"account_id": account.account_id, "name": "Production"}],
        "sample_dates": ["2026-03-02", "2026-03-05"],
        "sample_seed": None,
        "organizational_unit": None,
        "environment": None,
    }
    assert manifest["catalog_version"] == "2026.11.0"
    assert manifest["product_version"] == product_version()
    assert manifest["requested_by"] == "auditor-ann"
    assert manifest["public_key"] == PUBLIC_KEY_B64
    assert {"tools/verify.py", "README.txt", "report.html", "report.pdf"} <= set(listed)
    assert entries["report.pdf"].startswith(b"%PDF")

    # The external id never leaves the server.
    secret = account.external_id.encode()
    assert all(secret not in data for data in entries.values())
    assert secret not in raw

    # The report traces criterion -> control -> evidence, offline.
    report = entries["report.html"].decode()
    assert '<a href="#control-dp-10">DP-10</a>' in report
    assert f'href="evidence/{after["evidence_sha256"]}.json"' in report
    assert "2026-03-04 to 2026-03-06 failing (3 days)" in report
    assert 'href="http' not in report and "<link" not in report and "src=" not in report

    call_command("verify_packet", packet.file.path, "--public-key", PUBLIC_KEY_B64)
    call_command("verify_packet", packet.file.path)  # defaults to this server's key


def _samples_packet(build_packet, account, **overrides) -> tuple[EvidencePacket, dict]:
    packet = build_packet(
        framework=Framework.objects.get(slug="soc2-2017"),
        period_start=dt.date(2026, 2, 27),
        period_end=dt.date(2026, 3, 8),
        accounts=[account],
        requested_by=None,
        **overrides,
    )
    assert packet.status == EvidencePacket.Status.READY, packet.error
    return packet, zip_entries(packet.file.path)


def test_populations_samples_and_deviations(history, account, build_packet, pdf_unrendered):
    packet, entries = _samples_packet(
        build_packet, account, seed="audit-2026", sample_sizes={"continuous": 4, "annual": 1}
    )
    manifest = json.loads(entries["manifest.json"])
    sampling = manifest["sampling"]
    assert sampling["seed"] == "audit-2026" and sampling["sizes"]["continuous"] == 4
    assert sampling["sizes"]["quarterly"] == 2 and sampling["sizes"]["daily"] == 25

    # Population: the six collected days, and every resource/check pair the checks evaluated.
    population = _csv(entries["controls/DP-10/population.csv"])
    days = [row["item"] for row in population if row["kind"] == "test_day"]
    assert days == [day.isoformat() for day in DAYS]
    bucket = [row for row in population if row["kind"] == "resource" and row["item"] == BUCKET_ARN]
    versioning = next(row for row in bucket if row["check"] == "s3_bucket_versioning")
    assert versioning["first_seen"].startswith("2026-03-01")
    assert versioning["last_seen"].startswith("2026-03-06")
    assert (versioning["times_evaluated"], versioning["times_failed"]) == ("6", "3")
    dp10 = sampling["controls"]["DP-10"]
    resources = sum(1 for row in population if row["kind"] == "resource")
    assert dp10["population"] == {"tested_days": 6, "resources": resources}
    assert dp10["frequency"] == "continuous" and dp10["sample_size"] == 4
    assert dp10["sampled"] == 4 and len(dp10["items"]) == 4

    # Each sampled item carries the evidence of that day's collection.
    samples = _csv(entries["controls/DP-10/samples.csv"])
    assert {row["sample_date"] for row in samples} == {item["date"] for item in dp10["items"]}
    for row in samples:
        if row["check"] == "s3_bucket_versioning" and row["resource"] == BUCKET_ARN:
            assert row["collected_at"].startswith(row["sample_date"])
            document = json.loads(entries[f"evidence/{row['evidence_sha256']}.json"])
            state = "Enabled" if row["sample_date"] <= "2026-03-03" else "Suspended"
            assert document["configuration"]["versioning"]["Status"] == state, row

    # Deviations: every sampled failing result, with its evidence and how to fix it.
    deviations = _csv(entries["controls/DP-10/deviations.csv"])
    failing = [row for row in samples if row["status"] in ("FAIL", "ERROR")]
    assert len(deviations) == len(failing) == dp10["deviations"] > 0
    assert all(row["remediation"] and row["evidence_sha256"] for row in deviations)
    assert all(not row["exception_id"] for row in deviations)

    # The report summarises and lists the samples; OSCAL says the same.
    report = entries["report.html"].decode()
    assert "Executive summary" in report and 'id="contents"' in report
    assert "Population: 6 tested days" in report
    oscal = json.loads(entries["oscal/assessment-results.json"])["assessment-results"]
    findings = {f["target"]["target-id"]: f for f in oscal["results"][0]["findings"]}
    assert findings["dp-10_smt"]["target"]["status"]["state"] == "not-satisfied"
    call_command("verify_packet", packet.file.path, "--public-key", PUBLIC_KEY_B64)


def test_the_sample_is_reproducible_from_the_seed(history, account, build_packet, pdf_unrendered):
    draws = []
    for seed in ("audit-2026", "audit-2026", "other-seed"):
        _, entries = _samples_packet(
            build_packet, account, seed=seed, sample_sizes={"continuous": 3}
        )
        sampling = json.loads(entries["manifest.json"])["sampling"]["controls"]
        draws.append({ref: [i["date"] for i in item["items"]] for ref, item in sampling.items()})
    assert draws[0] == draws[1]
    assert draws[0] != draws[2]
    assert len(draws[0]["DP-10"]) == len(draws[0]["NET-01"]) == 3  # continuous, overridden
    # The recorded method repeats the draw without the product.
    import random

    dates = [day.isoformat() for day in DAYS]
    chosen = sorted(random.Random("audit-2026:DP-10").sample(range(6), 3))
    assert draws[0]["DP-10"] == [dates[index] for index in chosen]
