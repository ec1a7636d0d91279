"""Endpoint behaviour: validation with field errors, 409 on a running collection, catalog,
coverage, history, events, evidence documents, packets, schema and docs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from evidence.collection.models import CollectionRun, EvidenceDocument
from evidence.packets.models import EvidencePacket
from evidence.posture.models import ControlStatus, ControlStatusDaily, ControlStatusEvent
from grc.catalog.models import Control, Origin, ParameterChange
from tests.api.conftest import EXTERNAL_ID, error_of
from tests.factories import (
    ControlCheckFactory,
    ControlFactory,
    ControlMappingFactory,
    ControlParameterFactory,
    CriterionFactory,
    EvidenceRequestFactory,
    FrameworkFactory,
)

ACCOUNT = "111122223333"
VALID_ACCOUNT = {
    "account_id": "444455556666",
    "name": "Staging",
    "role_arn": "arn:aws:iam::444455556666:role/GrcEvidenceReader",
    "external_id": EXTERNAL_ID,
    "regions": ["eu-west-1", "us-east-1"],
}


# --- accounts ------------------------------------------------------------------------------------


def test_account_create_returns_no_external_id(manager_client):
    response = manager_client.post("/api/v1/accounts/", VALID_ACCOUNT, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["account_id"] == "444455556666"
    assert body["regions"] == ["eu-west-1", "us-east-1"]
    assert body["schedule_hours"] == 24
    assert body["owner"] == "manager-user"
    assert "external_id" not in body
    listing = manager_client.get("/api/v1/accounts/").json()
    assert [a["account_id"] for a in listing["results"]] == ["444455556666"]
    assert "external_id" not in listing["results"][0]


@pytest.mark.parametrize(
    ("change", "field", "message_part"),
    [
        ({"account_id": "12345"}, "account_id", "exactly 12 digits"),
        ({"role_arn": "arn:aws:iam::999999999999:role/R"}, "role_arn", "must belong to account"),
        ({"role_arn": "not-an-arn"}, "role_arn", "IAM role ARN"),
        ({"regions": ["eu-west-1", "mars-north-9"]}, "regions", "mars-north-9"),
        ({"regions": "eu-west-1"}, "regions", "list"),
        ({"external_id": ""}, "external_id", "blank"),
    ],
)
def test_account_create_field_errors(manager_client, change, field, message_part):
    response = manager_client.post("/api/v1/accounts/", {**VALID_ACCOUNT, **change}, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    assert list(error["fields"]) == [field]
    assert message_part in " ".join(error["fields"][field])


def test_account_duplicate_id(manager_client, aws_account):
    response = manager_client.post(
        "/api/v1/accounts/",
        {
            **VALID_ACCOUNT,
            "account_id": ACCOUNT,
            "role_arn": f"arn:aws:iam::{ACCOUNT}:role/R",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["account_id"]


def test_account_update_checks_role_against_existing_id(manager_client, aws_account):
    response = manager_client.patch(
        f"/api/v1/accounts/{ACCOUNT}/",
        {"role_arn": "arn:aws:iam::999999999999:role/R"},
        format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["role_arn"]


def test_account_update_schedule_and_disable(manager_client, aws_account):
    response = manager_client.patch(
        f"/api/v1/accounts/{ACCOUNT}/",
        {"schedule_hours": 6, "external_id": "rotated-secret-value"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["schedule_hours"] == 6
    aws_account.refresh_from_db()
    assert aws_account.external_id == "rotated-secret-value"
    assert aws_account.schedule.interval.every == 6
    response = manager_client.post(f"/api/v1/accounts/{ACCOUNT}/disable/")
    assert response.json()["enabled"] is False
    aws_account.refresh_from_db()
    assert aws_account.schedule.enabled is False
    assert b"rotated-secret-value" not in response.content


# --- collection runs ---------------------------------------------------------------------------


def test_collection_run_start_then_409_with_active_run(manager_client, aws_account):
    response = manager_client.post("/api/v1/collection-runs/", {"account": ACCOUNT}, format="json")
    assert response.status_code == 202
    run_id = response.json()["id"]
    assert response.json()["trigger"] == "api"
    assert response.json()["requested_by"] == "manager-user"

    response = manager_client.post("/api/v1/collection-runs/", {"account": ACCOUNT}, format="json")
    assert response.status_code == 409
    error = error_of(response)
    assert error["code"] == "collection_running"
    assert error["active_run_id"] == run_id
    assert CollectionRun.objects.count() == 1


def test_collection_run_refused_for_disabled_account(manager_client, aws_account):
    aws_account.enabled = False
    aws_account.save()
    response = manager_client.post("/api/v1/collection-runs/", {"account": ACCOUNT}, format="json")
    assert response.status_code == 400
    assert "disabled" in error_of(response)["fields"]["account"][0]


def test_collection_run_detail_has_progress_and_units(manager_client, aws_account):
    run = CollectionRun.objects.create(
        account=aws_account,
        trigger="manual",
        status="running",
        units_total=4,
        units_done=1,
    )
    run.units.create(service="s3", region="eu-west-1", status="done", result_count=3)
    body = manager_client.get(f"/api/v1/collection-runs/{run.pk}/").json()
    assert body["progress"] == 0.25
    assert body["units"] == [
        {
            "service": "s3",
            "region": "eu-west-1",
            "status": "done",
            "result_count": 3,
            "error": "",
            "finished_at": None,
        }
    ]
    listing = manager_client.get("/api/v1/collection-runs/", {"status": "running"}).json()
    assert [r["id"] for r in listing["results"]] == [run.pk]
    assert "units" not in listing["results"][0]


# --- catalog -----------------------------------------------------------------------------------


@pytest.fixture
def catalog(db):
    framework = FrameworkFactory(slug="soc2-2017", name="SOC 2")
    cc61 = CriterionFactory(framework=framework, section__framework=framework, ref="CC6.1")
    cc62 = CriterionFactory(framework=framework, section__framework=framework, ref="CC6.2")
    CriterionFactory(framework=framework, section__framework=framework, ref="CC6.3")
    automated = ControlFactory(ref="IAM-01", origin=Origin.CATALOG)
    ControlMappingFactory(control=automated, criterion=cc61, origin=Origin.CATALOG)
    ControlCheckFactory(control=automated, check_id="iam_root_mfa")
    ControlParameterFactory(control=automated, name="password_min_length", value=14)
    manual = ControlFactory(ref="HR-01")
    ControlMappingFactory(control=manual, criterion=cc62)
    EvidenceRequestFactory(control=manual)
    return framework


def test_frameworks_and_criteria(manager_client, catalog):
    frameworks = manager_client.get("/api/v1/frameworks/").json()["results"]
    assert [(f["slug"], f["criteria_count"]) for f in frameworks] == [("soc2-2017", 3)]
    criteria = manager_client.get("/api/v1/criteria/", {"framework": "soc2-2017"}).json()
    assert [c["ref"] for c in criteria["results"]] == ["CC6.1", "CC6.2", "CC6.3"]
    assert criteria["results"][0]["controls"] == ["IAM-01"]


def test_controls_filters_and_detail(manager_client, catalog):
    def refs(**params):
        return [c["ref"] for c in manager_client.get("/api/v1/controls/", params).json()["results"]]

    assert refs() == ["HR-01", "IAM-01"]
    assert refs(check="iam_root_mfa") == ["IAM-01"]
    assert refs(framework="soc2-2017", criterion="CC6.2") == ["HR-01"]
    assert refs(origin="catalog") == ["IAM-01"]
    assert refs(ordering="-ref") == ["IAM-01", "HR-01"]
    detail = manager_client.get("/api/v1/controls/IAM-01/").json()
    assert detail["checks"] == ["iam_root_mfa"]
    assert detail["mappings"][0]["ref"] == "CC6.1"
    assert detail["parameters"][0]["name"] == "password_min_length"


def test_catalog_control_is_not_editable(manager_client, catalog):
    response = manager_client.patch("/api/v1/controls/IAM-01/", {"name": "x"}, format="json")
    assert response.status_code == 400
    assert "shipped catalog" in error_of(response)["message"]
    assert Control.objects.get(ref="IAM-01").name != "x"


def test_control_create_validation(manager_client, catalog):
    response = manager_client.post(
        "/api/v1/controls/",
        {"ref": "IAM-01", "name": "", "statement": "s", "responsibility": "nobody"},
        format="json",
    )
    assert response.status_code == 400
    assert set(error_of(response)["fields"]) == {"ref", "name", "responsibility"}


def test_mapping_add_unknown_criterion_and_catalog_mapping_stays(manager_client, catalog):
    response = manager_client.post(
        "/api/v1/controls/IAM-01/mappings/",
        {"framework": "soc2-2017", "criterion": "CC9.9"},
        format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["criterion"]
    mapping_id = manager_client.get("/api/v1/controls/IAM-01/mappings/").json()[0]["id"]
    response = manager_client.delete(f"/api/v1/controls/IAM-01/mappings/{mapping_id}/")
    assert response.status_code == 400
    assert "shipped catalog" in error_of(response)["message"]


def test_parameter_changes_need_a_reason_and_are_recorded(manager_client, catalog):
    url = "/api/v1/controls/IAM-01/parameters/password_min_length/"
    response = manager_client.patch(url, {"value": 16, "reason": "   "}, format="json")
    assert response.status_code == 400
    response = manager_client.patch(url, {"value": 16, "reason": "policy v2"}, format="json")
    assert response.status_code == 200
    assert response.json() == {
        "name": "password_min_length",
        "value": 16,
        "default_value": 14,
        "overridden": True,
    }
    change = ParameterChange.objects.get()
    assert (change.old_value, change.new_value, change.reason) == (14, 16, "policy v2")
    assert change.changed_by.username == "manager-user"
    response = manager_client.post(f"{url}reset/", {"reason": "back"}, format="json")
    assert response.json()["value"] == 14
    response = manager_client.post(
        "/api/v1/controls/IAM-01/parameters/",
        {"name": "password_min_length", "value": 1, "reason": "dup"},
        format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["name"]


def test_coverage(manager_client, catalog):
    summary = manager_client.get("/api/v1/coverage/").json()
    assert summary == [
        {
            "framework": "soc2-2017",
            "name": "SOC 2",
            "total": 3,
            "automated": 1,
            "manual": 1,
            "provider": 0,
            "uncovered": 1,
        }
    ]
    detail = manager_client.get("/api/v1/coverage/soc2-2017/").json()
    assert [(c["ref"], c["covered"], c["controls"]) for c in detail["criteria"]] == [
        ("CC6.1", True, ["IAM-01"]),
        ("CC6.2", True, ["HR-01"]),
        ("CC6.3", False, []),
    ]
    assert manager_client.get("/api/v1/coverage/nope/").status_code == 404


# --- status ------------------------------------------------------------------------------------


def test_control_history(manager_client, catalog, aws_account):
    control = Control.objects.get(ref="IAM-01")
    today = timezone.localdate()
    for offset, status in ((2, ControlStatus.PASS), (0, ControlStatus.FAIL)):
        ControlStatusDaily.objects.create(
            account=aws_account,
            control=control,
            day=today - dt.timedelta(days=offset),
            status=status,
        )
    response = manager_client.get(
        "/api/v1/controls/IAM-01/history/", {"account": ACCOUNT, "days": 3}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["control"] == "IAM-01"
    assert body["until"] == today.isoformat()
    assert body["accounts"][0]["account"] == ACCOUNT
    assert [d["status"] for d in body["accounts"][0]["days"]] == ["pass", "", "fail"]
    response = manager_client.get("/api/v1/controls/IAM-01/history/", {"days": 0})
    assert list(error_of(response)["fields"]) == ["days"]
    assert manager_client.get("/api/v1/controls/NOPE-1/history/").status_code == 404


def test_status_events_cursor(manager_client, catalog, aws_account):
    control = Control.objects.get(ref="IAM-01")
    at = timezone.now()
    events = ControlStatusEvent.objects.bulk_create(
        ControlStatusEvent(
            account=aws_account,
            control=control,
            previous_status="pass",
            status="fail",
            occurred_at=at,
        )
        for _ in range(5)
    )
    seen, url = [], "/api/v1/status-events/?page_size=2&status=fail"
    while url:
        page = manager_client.get(url).json()
        seen += [e["id"] for e in page["results"]]
        url = page["next"]
    assert seen == sorted((e.pk for e in events), reverse=True)


# --- evidence documents and packets ------------------------------------------------------------


def test_evidence_document_by_hash(manager_client, db):
    document = EvidenceDocument.objects.create(sha256="a" * 64, content={"Buckets": []}, size=14)
    response = manager_client.get(f"/api/v1/evidence-documents/{document.sha256}/")
    assert response.json()["content"] == {"Buckets": []}
    response = manager_client.get(f"/api/v1/evidence-documents/{'b' * 64}/")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_packet_request_progress_and_download(
    users, make_key, catalog, aws_account, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    from tests.api.conftest import session_client

    # A random draw picks only days on which a collection finished: five such days.
    for day in (3, 17, 31, 45, 60):
        finished = dt.datetime(2025, 1, 1, 12, tzinfo=dt.UTC) + dt.timedelta(days=day)
        CollectionRun.objects.create(
            account=aws_account, trigger="schedule", status="succeeded", finished_at=finished
        )
    auditor = session_client(users["auditor"])
    response = auditor.post(
        "/api/v1/evidence-packets/",
        {
            "framework": "soc2-2017",
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
            "accounts": [ACCOUNT],
            "sample_count": 3,
            "seed": "fixed",
        },
        format="json",
    )
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["status"] == "queued"
    assert body["download_url"] is None
    assert len(body["sample_dates"]) == 3
    packet_id = body["id"]
    response = auditor.get(f"/api/v1/evidence-packets/{packet_id}/download/")
    assert response.status_code == 409
    assert error_of(response)["code"] == "not_ready"

    packet = EvidencePacket.objects.get(pk=packet_id)
    packet.file.save("soc2.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
    packet.status = EvidencePacket.Status.READY
    packet.progress = 1.0
    packet.save()
    body = auditor.get(f"/api/v1/evidence-packets/{packet_id}/").json()
    assert body["progress"] == 1.0
    assert body["download_url"].endswith(f"/api/v1/evidence-packets/{packet_id}/download/")
    response = auditor.get(body["download_url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_packet_request_errors(manager_client, catalog, aws_account):
    response = manager_client.post(
        "/api/v1/evidence-packets/",
        {
            "framework": "soc2-2017",
            "period_start": "2025-03-31",
            "period_end": "2025-01-01",
            "accounts": [ACCOUNT],
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["period_end"]
    response = manager_client.post(
        "/api/v1/evidence-packets/",
        {"framework": "nope", "period_start": "x", "accounts": []},
        format="json",
    )
    assert set(error_of(response)["fields"]) == {
        "framework",
        "period_start",
        "period_end",
        "accounts",
    }


# --- schema and docs ---------------------------------------------------------------------------


def test_schema_and_docs_need_sign_in(client, db, settings):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 401
    assert error_of(schema)["code"] == "not_authenticated"
    docs = client.get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/auth/login/")
    assert client.get("/api/redoc/").status_code == 302
    settings.GRC_API_DOCS_PUBLIC = True
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200


def test_schema_and_local_docs(client, users):
    client.force_login(users["auditor"])
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/check-results/" in paths
    assert "/api/v1/controls/{ref}/history/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    # No inline script: Swagger UI's initialiser is a separate file, so the CSP can forbid them.
    assert "<script>" not in html
    assert "script-src 'self'" in docs["Content-Security-Policy"]
    redoc = client.get("/api/redoc/").content.decode()
    assert "<script>" not in redoc and "redoc.standalone.js" in redoc


def test_error_body_for_malformed_json(manager_client):
    response = manager_client.post(
        "/api/v1/accounts/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert error_of(response)["code"] == "parse_error"


def test_parameter_value_with_nul_is_a_field_error(manager_client, catalog):
    """Postgres jsonb cannot store U+0000: a 400 on the field, not a 500."""
    response = manager_client.post(
        "/api/v1/controls/IAM-01/parameters/",
        {"name": "allowed_tags", "value": {"a\u0000": ["x"]}, "reason": "r"},
        format="json",
    )
    assert response.status_code == 400
    assert list(error_of(response)["fields"]) == ["value"]
