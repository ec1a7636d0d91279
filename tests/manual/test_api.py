"""The REST API: role rules, multipart upload, reviews, bad input refused with the error format."""

from __future__ import annotations

import pytest
import time_machine
from rest_framework.test import APIClient

from evidence.manual.models import EvidenceRequest, EvidenceSubmission, StoredFile
from tests.manual.conftest import PDF, upload
from tests.manual.multipart import CONTENT_TYPE, multipart_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_day():
    with time_machine.travel("2026-01-10 12:00Z", tick=False):
        yield


SUBMISSIONS = "/api/v1/evidence-submissions/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def send(client, evidence_request, name="policy.pdf", content=PDF, **extra):
    data = {"request": evidence_request.pk, "kind": "file", "effective_date": "2026-01-05"}
    return client.post(
        SUBMISSIONS, {**data, **extra, "file": upload(name, content)}, format="multipart"
    )


def test_owner_uploads_and_another_manager_reviews(evidence_request, users):
    response = send(api(users["owner"]), evidence_request)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["status"], body["content_type"], body["submitted_by"]) == (
        "pending",
        "application/pdf",
        "owner",
    )
    own = api(users["owner"]).get("/api/v1/evidence-requests/").json()
    assert [row["title"] for row in own["results"]] == ["Quarterly access review"]
    assert own["results"][0]["status"] == "submitted"
    review = api(users["reviewer"]).post(
        "/api/v1/reviews/",
        {"submission": body["id"], "decision": "approved", "comment": "ok"},
        format="json",
    )
    assert review.status_code == 201, review.content
    assert (
        api(users["auditor"]).get(f"{SUBMISSIONS}{body['id']}/").json()["review"]["reviewer"]
        == "reviewer"
    )


def test_auditor_reads_but_never_writes(evidence_request, users):
    auditor = api(users["auditor"])
    assert auditor.get("/api/v1/evidence-requests/").status_code == 200
    assert send(auditor, evidence_request).status_code == 403
    send(api(users["owner"]), evidence_request)
    submission = EvidenceSubmission.objects.get()
    refused = auditor.post(
        "/api/v1/reviews/", {"submission": submission.pk, "decision": "approved"}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"
    new = {"control": evidence_request.control.ref, "title": "x", "frequency": "annual"}
    assert auditor.post("/api/v1/evidence-requests/", new, format="json").status_code == 403
    assert EvidenceSubmission.objects.count() == 1


def test_someone_else_without_a_role_is_refused(evidence_request, users):
    other = api(users["other"])
    assert other.get("/api/v1/evidence-requests/").status_code == 403
    assert send(other, evidence_request).status_code == 403


def test_reviewer_cannot_approve_own_submission(evidence_request, users):
    manager = api(users["manager"])
    submission_id = send(manager, evidence_request).json()["id"]
    response = manager.post(
        "/api/v1/reviews/", {"submission": submission_id, "decision": "approved"}, format="json"
    )
    assert response.status_code == 400
    assert "Separation of duties" in response.json()["error"]["message"]


@pytest.mark.parametrize(
    ("name", "content", "extra", "field", "message"),
    [
        ("x.html", b"<html><script>alert(1)</script></html>", {}, "file", "not accepted"),
        ("x.pdf", b"\x7fELF\x02\x01" + b"\0" * 64, {}, "file", "not accepted"),
        ("x.pdf", b"", {}, "file", "empty"),
        ("x.pdf", PDF, {"effective_date": "2026-01-11"}, "effective_date", "future"),
    ],
)
def test_bad_input_is_refused_with_the_error_format(
    evidence_request, users, name, content, extra, field, message
):
    response = send(api(users["owner"]), evidence_request, name, content, **extra)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert message in " ".join(error["fields"][field])
    assert not StoredFile.objects.exists() and not EvidenceSubmission.objects.exists()


def test_oversized_and_path_names_are_refused(evidence_request, users, settings):
    settings.GRC_MANUAL_MAX_UPLOAD_BYTES = 10
    client = api(users["owner"])
    assert (
        "limit of 10 bytes" in send(client, evidence_request).json()["error"]["fields"]["file"][0]
    )
    settings.GRC_MANUAL_MAX_UPLOAD_BYTES = 1 << 20
    fields = {"request": str(evidence_request.pk), "kind": "file", "effective_date": "2026-01-05"}
    body = multipart_body(fields, "../../../etc/cron.d/x.pdf", PDF)
    response = client.generic("POST", SUBMISSIONS, body, content_type=CONTENT_TYPE)
    assert response.status_code == 400
    assert "must not contain a path" in response.json()["error"]["fields"]["file"][0]
    assert not StoredFile.objects.exists()


def test_duplicate_upload_is_linked(evidence_request, users):
    client = api(users["owner"])
    first = send(client, evidence_request)
    second = send(client, evidence_request, name="copy.pdf")
    assert second.status_code == 201 and second["X-Evidence-Linked"] == "true"
    assert first.json()["sha256"] == second.json()["sha256"]
    assert StoredFile.objects.count() == 1


def test_managers_add_requests_and_assign_owners(control, users):
    manager = api(users["manager"])
    created = manager.post(
        "/api/v1/evidence-requests/",
        {"control": control.ref, "title": "Annual SG review", "frequency": "annual"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assigned = manager.post(
        "/api/v1/evidence-requests/assign/",
        {"owner": "owner", "requests": [created.json()["id"]]},
        format="json",
    )
    assert assigned.json() == {"assigned": 1}
    assert EvidenceRequest.objects.get(title="Annual SG review").owner == users["owner"]


def test_provider_attestation_upload_and_review(inherited_control, users):
    data = {
        "kind": "soc2_type2",
        "name": "AWS SOC 2 Type II (SAMPLE)",
        "issuer": "Amazon Web Services",
        "period_start": "2025-10-01",
        "period_end": "2026-09-30",
        "controls": [inherited_control.ref],
        "file": upload("aws-soc2.pdf"),
    }
    manager = api(users["manager"])
    response = manager.post("/api/v1/provider-attestations/", data, format="multipart")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    own = manager.post(
        f"/api/v1/provider-attestations/{pk}/review/", {"decision": "approved"}, format="json"
    )
    assert own.status_code == 400
    auditor = api(users["auditor"]).post(
        f"/api/v1/provider-attestations/{pk}/review/", {"decision": "approved"}
    )
    assert auditor.status_code == 403
    ok = api(users["reviewer"]).post(
        f"/api/v1/provider-attestations/{pk}/review/", {"decision": "approved"}
    )
    assert ok.json()["status"] == "approved"
    download = api(users["auditor"]).get(f"/api/v1/provider-attestations/{pk}/download/")
    assert download["Content-Disposition"] == 'attachment; filename="aws-soc2.pdf"'


def test_schema_documents_the_endpoints(users):
    schema = api(users["auditor"]).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in ("evidence-requests", "evidence-submissions", "reviews", "provider-attestations"):
        assert f"/api/v1/{path}/" in schema["paths"]
    upload_body = schema["paths"]["/api/v1/evidence-submissions/"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in upload_body
