"""Uploads: type from content, refused inputs store nothing, dedup by SHA-256, safe downloads."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from evidence.manual.models import EvidenceSubmission, StoredFile
from evidence.manual.services.files import content_type_detect, stored_file_put
from evidence.manual.services.submissions import evidence_submission_create
from tests.manual.conftest import CSV, PDF, client_for, docx_bytes, upload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.pdf", PDF, "application/pdf"),
        ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image/png"),
        ("a.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20, "image/jpeg"),
        ("a.csv", CSV, "text/csv"),
        ("a.json", b'{"reviewed": true}', "application/json"),
        ("a.txt", "naïve text\n".encode(), "text/plain"),
        (
            "a.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        # Refused whatever the name says:
        ("a.html", b"<!DOCTYPE html><script>alert(1)</script>", None),
        ("a.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\0" * 64, None),  # a Windows executable
        ("a.pdf", b"\x7fELF\x02\x01\x01" + b"\0" * 64, None),  # a Linux executable
        ("a.txt", b"<html><body>hi</body></html>", None),
        ("a.json", b"{not json", None),
        ("a.zip", b"PK\x03\x04" + b"\0" * 30, None),
    ],
)
def test_type_is_detected_from_content(name, content, expected):
    assert content_type_detect(upload(name, content), name) == expected


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.html", b"<html><script>alert(1)</script></html>", "not accepted"),
        ("setup.pdf", b"MZ\x90\x00" + b"\0" * 100, "not accepted"),
        ("empty.pdf", b"", "empty"),
        ("../../etc/passwd.txt", b"hello", "path"),
        ("a\\b.txt", b"hello", "path"),
        ("nul\x00.pdf", PDF, "NUL"),
    ],
)
def test_bad_uploads_are_refused_and_store_nothing(evidence_request, users, name, content, message):
    with pytest.raises(ValidationError) as caught:
        evidence_submission_create(
            request=evidence_request,
            submitted_by=users["owner"],
            kind="file",
            upload=ContentFile(content, name=name),
            effective_date=dt.date(2026, 1, 5),
        )
    assert message in " ".join(caught.value.messages)
    assert EvidenceSubmission.objects.count() == 0
    assert StoredFile.objects.count() == 0


def test_oversized_file_is_refused(evidence_request, users, settings, media_root):
    settings.GRC_MANUAL_MAX_UPLOAD_BYTES = 100
    with pytest.raises(ValidationError, match="limit is 100 bytes"):
        evidence_submission_create(
            request=evidence_request,
            submitted_by=users["owner"],
            kind="file",
            upload=upload("big.pdf", PDF + b"x" * 200),
            effective_date=dt.date(2026, 1, 5),
        )
    assert StoredFile.objects.count() == 0
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


def test_same_bytes_are_stored_once_and_linked(evidence_request, users, media_root):
    first, linked_first = evidence_submission_create(
        request=evidence_request, submitted_by=users["owner"], kind="file",
        upload=upload("a.pdf"), effective_date=dt.date(2026, 1, 5),
    )  # fmt: skip
    second, linked_second = evidence_submission_create(
        request=evidence_request, submitted_by=users["owner"], kind="file",
        upload=upload("copy.pdf"), effective_date=dt.date(2026, 1, 6),
    )  # fmt: skip
    sha256 = hashlib.sha256(PDF).hexdigest()
    assert (linked_first, linked_second) == (False, True)
    assert first.stored_file_id == second.stored_file_id
    assert StoredFile.objects.get().sha256 == sha256
    assert [p.name for p in media_root.rglob("*") if p.is_file()] == [sha256]
    assert (second.filename, first.filename) == ("copy.pdf", "a.pdf")


def test_store_is_content_addressed(media_root):
    stored = stored_file_put(upload=upload("x.csv", CSV)).stored_file
    assert stored.file.name == f"manual/{stored.sha256[:2]}/{stored.sha256}"
    assert stored.file.read() == CSV


def test_download_is_an_attachment_never_sniffed(evidence_request, users):
    submission, _ = evidence_submission_create(
        request=evidence_request, submitted_by=users["owner"], kind="file",
        upload=upload("review.csv", CSV), effective_date=dt.date(2026, 1, 5),
    )  # fmt: skip
    url = f"/manual/submissions/{submission.pk}/download/"
    response = client_for(users["auditor"]).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="review.csv"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/csv"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == CSV
    # Someone without a role who does not own the request: refused.
    assert client_for(users["other"]).get(url).status_code == 403
    assert client_for(users["owner"]).get(url).status_code == 200
    api = client_for(users["auditor"]).get(
        f"/api/v1/evidence-submissions/{submission.pk}/download/"
    )
    assert api.status_code == 200
    assert api["Content-Disposition"].startswith("attachment;")
    assert api["X-Content-Type-Options"] == "nosniff"


def test_stored_files_are_immutable(media_root):
    from evidence.collection.models import ImmutableEvidenceError

    stored = stored_file_put(upload=upload("x.csv", CSV)).stored_file
    stored.size = 1
    with pytest.raises(ImmutableEvidenceError):
        stored.save()
    with pytest.raises(ImmutableEvidenceError):
        stored.delete()
