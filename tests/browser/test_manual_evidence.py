"""Headless Chromium walks manual evidence end to end: an owner uploads, a reviewer rejects, the
owner resubmits, another reviewer approves, the control page shows it, and an auditor downloads
a packet that carries the approved file under its SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zipfile

import pytest
import time_machine
from django.contrib.auth.models import Group

from evidence.manual.models import EvidenceRequest, Frequency
from evidence.packets.services.packets import packet_build
from grc.access.roles import Role
from tests.browser.test_dashboard import CHROMIUM, browser  # noqa: F401
from tests.factories import AwsAccountFactory, ControlFactory, ControlMappingFactory, UserFactory
from tests.packets.conftest import KEY_B64

PDF_V1 = b"%PDF-1.4\n% access review, unsigned\n%%EOF\n"
PDF_V2 = b"%PDF-1.4\n% access review, signed by system owners\n%%EOF\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def story(live_server, settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.GRC_PACKET_SIGNING_KEY = KEY_B64
    monkeypatch.setattr("evidence.packets.tasks.packet_build_task.delay", packet_build)
    control = ControlFactory(ref="ACC-04", name="Quarterly access review")
    mapping = ControlMappingFactory(control=control, criterion__ref="CC6.2")
    AwsAccountFactory(name="Production")
    users = {}
    for name, role in (("olga", None), ("maria", Role.MANAGER), ("rui", Role.MANAGER),
                       ("ade", Role.AUDITOR)):  # fmt: skip
        users[name] = UserFactory(username=name)
        if role:
            users[name].groups.add(Group.objects.get_or_create(name=role.value)[0])
    request = EvidenceRequest.objects.create(
        control=control, title="Quarterly AWS user access review", frequency=Frequency.QUARTERLY,
        owner=users["olga"], first_due_date=dt.date(2026, 3, 31),
    )  # fmt: skip
    return {"url": live_server.url, "request": request, "framework": mapping.criterion.framework}


def sign_in(browser, story, username):  # noqa: F811
    context = browser.new_context(viewport={"width": 1366, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{story['url']}/auth/login/?next=/manual/mine/")
    page.fill("#id_username", username)
    page.fill("#id_password", "password")
    page.click("button[type=submit]")
    page.wait_for_url(f"{story['url']}/manual/mine/")
    return context, page


def upload(page, story, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    page.goto(f"{story['url']}/manual/mine/")
    page.get_by_role("link", name="Quarterly AWS user access review").click()
    page.set_input_files("#id_file", str(path))
    page.fill("#id_effective_date", "2026-03-30")
    page.click("text=Submit for review")
    page.wait_for_selector("text=Evidence submitted for review.")


def review(page, story, decision, comment):
    page.goto(f"{story['url']}/manual/reviews/")
    row = page.locator("table tbody tr").first
    row.locator("select[name=decision]").select_option(decision)
    row.locator("textarea[name=comment]").fill(comment)
    row.get_by_role("button", name="Record").click()
    page.wait_for_selector(f"text=Submission {decision}.")


@time_machine.travel("2026-04-02 10:00Z", tick=True)
def test_owner_reviewer_auditor_walk(browser, story, tmp_path):  # noqa: F811
    owner_context, owner = sign_in(browser, story, "olga")
    assert owner.locator("text=Overdue").count() == 1
    upload(owner, story, tmp_path, "access-review.pdf", PDF_V1)

    reviewer_context, reviewer = sign_in(browser, story, "maria")
    review(reviewer, story, "rejected", "Not signed by the system owners.")

    upload(owner, story, tmp_path, "access-review-signed.pdf", PDF_V2)
    assert owner.locator("text=Not signed by the system owners.").count() == 1
    review(reviewer, story, "approved", "Signed; two users removed.")

    reviewer.goto(f"{story['url']}/controls/ACC-04/")
    section = reviewer.locator("#manual-evidence")
    assert section.locator(".status", has_text="Approved").count() == 1

    auditor_context, auditor = sign_in(browser, story, "ade")
    assert auditor.locator("input[type=file]").count() == 0
    auditor.goto(f"{story['url']}/packets/new/")
    auditor.select_option("#id_framework", str(story["framework"].pk))
    auditor.fill("#id_period_start", "2026-04-01")
    auditor.fill("#id_period_end", "2026-04-02")
    auditor.locator("input[name=accounts]").first.check()
    auditor.click("text=Request packet")
    with auditor.expect_download() as download_info:
        auditor.get_by_role("link", name="Download").first.click()
    path = download_info.value.path()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        approved = f"manual/{hashlib.sha256(PDF_V2).hexdigest()}/access-review-signed.pdf"
        assert archive.read(approved) == PDF_V2
    assert not any(hashlib.sha256(PDF_V1).hexdigest() in name for name in names)
    (trail,) = manifest["manual_evidence"]["requests"]
    assert [s["review"]["decision"] for s in trail["submissions"]] == ["rejected", "approved"]
    for context in (owner_context, reviewer_context, auditor_context):
        context.close()
