"""The pages: each bad input refused with a message through the UI, role rules, the happy path."""

from __future__ import annotations

import pytest
import time_machine

from evidence.manual.models import EvidenceSubmission, Review, StoredFile
from tests.manual.conftest import CSV, PDF, client_for, upload
from tests.manual.multipart import CONTENT_TYPE, multipart_body

pytestmark = pytest.mark.django_db
FIELDS = {"kind": "file", "effective_date": "2026-01-05"}


def post_upload(client, evidence_request, name="policy.pdf", content=PDF, follow=False, **fields):
    url = f"/manual/requests/{evidence_request.pk}/submit/"
    return client.post(url, {**FIELDS, **fields, "file": upload(name, content)}, follow=follow)


@time_machine.travel("2026-01-10 12:00Z", tick=False)
@pytest.mark.parametrize(
    ("name", "content", "fields", "message"),
    [
        ("page.html", b"<!doctype html><script>alert(1)</script>", {}, "not accepted"),
        ("report.pdf", b"MZ\x90\x00" + b"\0" * 64, {}, "not accepted"),
        ("empty.pdf", b"", {}, "The file is empty"),
        ("policy.pdf", PDF, {"effective_date": "2026-02-01"}, "cannot be in the future"),
    ],
)
def test_ui_refuses_bad_uploads_and_stores_nothing(
    evidence_request, users, name, content, fields, message
):
    response = post_upload(client_for(users["owner"]), evidence_request, name, content, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not EvidenceSubmission.objects.exists() and not StoredFile.objects.exists()


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_ui_refuses_oversized_file(evidence_request, users, settings):
    settings.GRC_MANUAL_MAX_UPLOAD_BYTES = 50
    response = post_upload(client_for(users["owner"]), evidence_request, content=PDF * 3)
    assert response.status_code == 400
    assert "larger than the limit of 50 bytes" in response.content.decode()
    assert not StoredFile.objects.exists()


@time_machine.travel("2026-01-10 12:00Z", tick=False)
@pytest.mark.parametrize("filename", ["../../etc/passwd.pdf", "..\\\\boot.pdf", "a\x00.pdf"])
def test_ui_refuses_file_names_with_a_path_or_nul(evidence_request, users, filename):
    body = multipart_body(FIELDS, filename, PDF)
    url = f"/manual/requests/{evidence_request.pk}/submit/"
    response = client_for(users["owner"]).generic("POST", url, body, content_type=CONTENT_TYPE)
    assert response.status_code == 400
    assert "must not contain a path, NUL" in response.content.decode()
    assert not StoredFile.objects.exists()


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_duplicate_upload_is_linked_with_a_message(evidence_request, users):
    client = client_for(users["owner"])
    post_upload(client, evidence_request)
    response = post_upload(client, evidence_request, name="again.pdf", follow=True)
    assert "already stored: linked, not stored twice" in response.content.decode()
    assert StoredFile.objects.count() == 1 and EvidenceSubmission.objects.count() == 2


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_auditor_cannot_upload_or_review(evidence_request, users):
    auditor = client_for(users["auditor"])
    assert post_upload(auditor, evidence_request).status_code == 403
    post_upload(client_for(users["owner"]), evidence_request)
    submission = EvidenceSubmission.objects.get()
    url = f"/manual/submissions/{submission.pk}/review/"
    assert auditor.post(url, {"decision": "approved"}).status_code == 403
    assert auditor.get(f"/manual/requests/{evidence_request.pk}/").status_code == 200
    assert auditor.get("/manual/reviews/").status_code == 403
    assert not Review.objects.exists()


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_owner_uploads_reviewer_rejects_then_approves(evidence_request, users):
    owner, reviewer, manager = (
        client_for(users[name]) for name in ("owner", "reviewer", "manager")
    )
    assert "Quarterly access review" in owner.get("/manual/mine/").content.decode()
    post_upload(owner, evidence_request, name="q4-review.csv", content=CSV)
    first = EvidenceSubmission.objects.get()
    queue = reviewer.get("/manual/reviews/").content.decode()
    assert "q4-review.csv" in queue
    response = reviewer.post(
        f"/manual/submissions/{first.pk}/review/",
        {"decision": "rejected", "comment": "unsigned"},
        follow=True,
    )
    assert "Submission rejected." in response.content.decode()
    post_upload(owner, evidence_request, name="q4-review-signed.csv", content=CSV + b"signed,,,\n")
    second = EvidenceSubmission.objects.latest("pk")
    # A manager who submitted nothing approves; the page shows the whole trail.
    manager.post(
        f"/manual/submissions/{second.pk}/review/", {"decision": "approved", "comment": "ok"}
    )
    page = reviewer.get(f"/manual/requests/{evidence_request.pk}/").content.decode()
    assert "unsigned" in page and "q4-review-signed.csv" in page and "Approved" in page
    control_page = reviewer.get(f"/controls/{evidence_request.control.ref}/").content.decode()
    assert "Evidence requests and attestations" in control_page
    assert "Quarterly access review" in control_page


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_reviewer_cannot_approve_own_submission_in_the_ui(evidence_request, users):
    manager = client_for(users["manager"])
    post_upload(manager, evidence_request)
    submission = EvidenceSubmission.objects.get()
    response = manager.post(
        f"/manual/submissions/{submission.pk}/review/", {"decision": "approved"}, follow=True
    )
    assert "Separation of duties" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == "pending"


def test_pages_escape_user_text(evidence_request, users):
    evidence_request.title = "<script>alert(1)</script>"
    evidence_request.save()
    page = client_for(users["manager"]).get("/manual/requests/").content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
