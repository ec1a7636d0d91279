"""Approved manual and provider evidence valid in the audit period goes into the packet: files
under manual/<sha256>/, listed with their hashes and review trail in the signed manifest."""

from __future__ import annotations

import datetime as dt
import json

import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from evidence.manual.models import EvidenceRequest, Frequency
from evidence.manual.services.attestations import (
    provider_attestation_create,
    provider_attestation_review,
)
from evidence.manual.services.submissions import (
    evidence_submission_create,
    evidence_submission_review,
)
from evidence.packets.verify import verify_packet
from grc.access.roles import Role
from grc.catalog.models import Responsibility
from tests.factories import ControlFactory, ControlMappingFactory, UserFactory
from tests.packets.conftest import PUBLIC_KEY_B64, sha256, zip_entries

POLICY = b"%PDF-1.4\n% Information security policy v3\n%%EOF\n"
REJECTED = b"%PDF-1.4\n% unsigned draft\n%%EOF\n"
STALE = b"%PDF-1.4\n% 2024 policy, long expired\n%%EOF\n"
SOC2 = b"%PDF-1.4\n% SAMPLE AWS SOC 2 report stand-in\n%%EOF\n"


def _manager(name: str):
    user = UserFactory(username=name)
    user.groups.add(Group.objects.get_or_create(name=Role.MANAGER.value)[0])
    return user


def _submit(request, user, content, name, effective):
    upload = SimpleUploadedFile(name, content)
    return evidence_submission_create(
        request=request, submitted_by=user, kind="file", upload=upload, effective_date=effective
    )[0]


def test_packet_carries_approved_manual_and_provider_evidence(small_history, build_packet):
    framework = small_history["framework"]
    control = small_history["control"]
    inherited = ControlFactory(ref="PHY-01", responsibility=Responsibility.INHERITED)
    ControlMappingFactory(control=inherited, criterion__framework=framework, criterion__ref="CC6.4")
    owner, reviewer = _manager("olivia"), _manager("rex")
    request = EvidenceRequest.objects.create(
        control=control, title="Security policy", frequency=Frequency.ANNUAL,
        first_due_date=dt.date(2026, 2, 1),
    )  # fmt: skip
    with time_machine.travel("2026-02-10 12:00Z", tick=False):
        stale = _submit(request, owner, STALE, "old.pdf", dt.date(2024, 1, 1))
        evidence_submission_review(submission=stale, reviewer=reviewer, decision="approved")
        draft = _submit(request, owner, REJECTED, "draft.pdf", dt.date(2026, 2, 9))
        evidence_submission_review(
            submission=draft, reviewer=reviewer, decision="rejected", comment="not signed"
        )
        policy = _submit(request, owner, POLICY, "policy v3.pdf", dt.date(2026, 2, 9))
        evidence_submission_review(
            submission=policy, reviewer=reviewer, decision="approved", comment="signed by CEO"
        )
        attestation = provider_attestation_create(
            uploaded_by=owner, kind="soc2_type2", name="AWS SOC 2 Type II (SAMPLE)",
            issuer="Amazon Web Services", period_start=dt.date(2025, 10, 1),
            period_end=dt.date(2026, 9, 30), controls=[inherited],
            upload=SimpleUploadedFile("aws-soc2.pdf", SOC2),
        )  # fmt: skip
        provider_attestation_review(attestation=attestation, reviewer=reviewer, decision="approved")
    packet = build_packet(
        framework=framework,
        period_start=dt.date(2026, 3, 1),
        period_end=dt.date(2026, 3, 5),
        accounts=[small_history["account"]],
        requested_by=UserFactory(username="auditor-ann"),
        sample_dates=[dt.date(2026, 3, 5)],
    )
    assert packet.status == "ready", packet.error
    entries = zip_entries(packet.file.path)
    assert entries[f"manual/{sha256(POLICY)}/policy_v3.pdf"] == POLICY
    assert entries[f"manual/{sha256(SOC2)}/aws-soc2.pdf"] == SOC2
    # Neither the rejected draft's nor the expired policy's bytes are in the packet.
    assert not any(sha256(REJECTED) in name or sha256(STALE) in name for name in entries)
    manifest = json.loads(entries["manifest.json"])
    listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    assert listed[f"manual/{sha256(POLICY)}/policy_v3.pdf"] == sha256(POLICY)
    assert listed["manual/evidence.json"] == sha256(entries["manual/evidence.json"])
    (trail,) = manifest["manual_evidence"]["requests"]
    assert [s["status"] for s in trail["submissions"]] == ["approved", "rejected", "approved"]
    assert trail["submissions"][1]["review"]["comment"] == "not signed"
    assert trail["submissions"][2]["review"]["reviewer"] == "rex"
    assert trail["submissions"][2]["path"] == f"manual/{sha256(POLICY)}/policy_v3.pdf"
    (provider,) = manifest["manual_evidence"]["provider_attestations"]
    assert (provider["controls"], provider["review"]["decision"]) == (["PHY-01"], "approved")
    assert verify_packet(packet.file.path, PUBLIC_KEY_B64).ok
