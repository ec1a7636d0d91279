"""Managers' pages: add a request, assign owners in bulk, seed from the catalog, upload and
review a provider attestation; every page renders for the roles that may see it."""

from __future__ import annotations

import pytest
import time_machine

from evidence.manual.models import EvidenceRequest, ProviderAttestation, StoredFile
from tests.factories import EvidenceRequestFactory
from tests.manual.conftest import PDF, client_for, upload

pytestmark = pytest.mark.django_db


def test_manager_adds_assigns_and_seeds_requests(control, users):
    manager = client_for(users["manager"])
    response = manager.post(
        "/manual/requests/new/",
        {"control": control.ref, "title": "Annual SG review", "frequency": "annual"},
    )
    assert response.status_code == 302
    added = EvidenceRequest.objects.get(title="Annual SG review")
    duplicate = manager.post(
        "/manual/requests/new/",
        {"control": control.ref, "title": "Annual SG review", "frequency": "annual"},
    )
    assert duplicate.status_code == 400 and "already has a request" in duplicate.content.decode()
    EvidenceRequestFactory(control=control, title="Catalog one", frequency="annual")
    manager.post("/manual/requests/seed/")
    seeded = EvidenceRequest.objects.get(title="Catalog one")
    owner = users["owner"]
    manager.post("/manual/requests/assign/", {"owner": owner.pk, "requests": [added.pk, seeded.pk]})
    assert set(EvidenceRequest.objects.filter(owner=owner).values_list("title", flat=True)) == {
        "Annual SG review",
        "Catalog one",
    }
    auditor = client_for(users["auditor"])
    assert auditor.post("/manual/requests/seed/").status_code == 403
    assert auditor.get("/manual/requests/new/").status_code == 403


@time_machine.travel("2026-01-10 12:00Z", tick=False)
def test_attestation_upload_and_review_in_the_ui(inherited_control, control, users):
    manager = client_for(users["manager"])
    data = {
        "kind": "soc2_type2",
        "name": "AWS SOC 2 Type II (SAMPLE)",
        "issuer": "Amazon Web Services",
        "period_start": "2025-10-01",
        "period_end": "2026-09-30",
        "controls": [inherited_control.pk],
        "cuecs": "Customers review IAM access | Quarterly access review",
    }
    refused = manager.post(
        "/manual/attestations/new/", {**data, "file": upload("x.pdf", b"MZ" + b"\0" * 50)}
    )
    assert refused.status_code == 400 and "not accepted" in refused.content.decode()
    assert not ProviderAttestation.objects.exists() and not StoredFile.objects.exists()
    response = manager.post("/manual/attestations/new/", {**data, "file": upload("soc2.pdf", PDF)})
    assert response.status_code == 302
    attestation = ProviderAttestation.objects.get()
    assert attestation.cuecs == [
        {"cuec": "Customers review IAM access", "answer": "Quarterly access review"}
    ]
    own = manager.post(
        f"/manual/attestations/{attestation.pk}/review/", {"decision": "approved"}, follow=True
    )
    assert "Separation of duties" in own.content.decode()
    client_for(users["reviewer"]).post(
        f"/manual/attestations/{attestation.pk}/review/", {"decision": "approved"}
    )
    attestation.refresh_from_db()
    assert (attestation.status, attestation.reviewed_by) == ("approved", users["reviewer"])
    auditor = client_for(users["auditor"])
    page = auditor.get("/manual/attestations/").content.decode()
    assert "AWS SOC 2 Type II (SAMPLE)" in page and "Customers review IAM access" in page
    download = auditor.get(f"/manual/attestations/{attestation.pk}/download/")
    assert download["Content-Disposition"] == 'attachment; filename="soc2.pdf"'
    assert (
        auditor.post(
            f"/manual/attestations/{attestation.pk}/review/", {"decision": "rejected"}
        ).status_code
        == 403
    )
    control_page = auditor.get(f"/controls/{inherited_control.ref}/").content.decode()
    assert "AWS SOC 2 Type II (SAMPLE)" in control_page


def test_pages_render_for_their_roles(evidence_request, users):
    for name, path, expected in [
        ("manager", "/manual/requests/", 200),
        ("manager", "/manual/reviews/", 200),
        ("manager", "/manual/attestations/new/", 200),
        ("manager", f"/manual/requests/{evidence_request.pk}/submit/", 200),
        ("auditor", "/manual/requests/", 200),
        ("auditor", "/manual/attestations/", 200),
        ("auditor", f"/manual/requests/{evidence_request.pk}/submit/", 403),
        ("owner", "/manual/mine/", 200),
        ("owner", f"/manual/requests/{evidence_request.pk}/", 200),
        ("owner", "/manual/requests/", 403),
        ("other", f"/manual/requests/{evidence_request.pk}/", 403),
    ]:
        assert client_for(users[name]).get(path).status_code == expected, (name, path)
