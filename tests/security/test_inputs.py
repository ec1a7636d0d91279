"""Inputs that used to crash or slip through: each is a 4xx in the API's JSON error format, and
the UI and the API refuse the same values (one validation layer: the services)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from evidence.collection.models import AwsAccount
from grc.catalog.models import Origin
from tests.api.conftest import error_of
from tests.factories import ControlFactory, ControlParameterFactory, FrameworkFactory

NESTED = "[" * 1000 + "]" * 1000
GOOD_ACCOUNT = {
    "account_id": "444455556666",
    "name": "Staging",
    "role_arn": "arn:aws:iam::444455556666:role/GrcEvidenceReader",
    "external_id": "shared-secret-17",
}


@pytest.fixture
def parameter(db):
    control = ControlFactory(ref="IAM-04", origin=Origin.CATALOG)
    return ControlParameterFactory(
        control=control, name="password_min_length", value=14, default_value=14
    )


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = error_of(response)
    assert set(error) >= {"code", "message", "fields"}
    if code:
        assert error["code"] == code
    return error


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("post", "/api/v1/accounts/"),
        ("post", "/api/v1/collection-runs/"),
        ("post", "/api/v1/evidence-packets/"),
        ("patch", "/api/v1/controls/IAM-04/parameters/password_min_length/"),
    ],
)
def test_deeply_nested_json_is_a_400(manager_client, parameter, method, url):
    response = getattr(manager_client, method)(url, NESTED, content_type="application/json")
    error = assert_json_error(response, 400, "parse_error")
    assert "nested deeper than" in error["message"]


def test_nested_json_in_a_form_encoded_parameter_is_a_400(manager_client, parameter):
    url = "/api/v1/controls/IAM-04/parameters/password_min_length/"
    response = manager_client.patch(
        url, f"value={NESTED}&reason=x", content_type="application/x-www-form-urlencoded"
    )
    assert_json_error(response, 400, "invalid")


@pytest.mark.parametrize(
    ("body", "content_type", "field_message"),
    [
        ("value=null&reason=x", "application/x-www-form-urlencoded", "null is not"),
        ('{"value": null, "reason": "x"}', "application/json", "null"),
        ('{"value": "seven", "reason": "x"}', "application/json", "Expected a whole number"),
        ('{"value": true, "reason": "x"}', "application/json", "Expected a whole number"),
        ('{"value": 99999999999, "reason": "x"}', "application/json", "from 0 to"),
        ('{"value": {"a": 1}, "reason": "x"}', "application/json", "Expected a whole number"),
    ],
)
def test_parameter_values_are_typed_and_bounded(
    manager_client, parameter, body, content_type, field_message
):
    url = "/api/v1/controls/IAM-04/parameters/password_min_length/"
    response = manager_client.patch(url, body, content_type=content_type)
    error = assert_json_error(response, 400, "invalid")
    assert field_message in " ".join(error["fields"]["value"])
    parameter.refresh_from_db()
    assert parameter.value == 14


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"account_id": "١٢٣٤٥٦٧٨٩٠١٢"}, "account_id"),  # Arabic-Indic digits
        ({"account_id": "44445555666\n"}, "account_id"),
        ({"role_arn": "arn:aws:iam::444455556666:role/" + "r" * 65}, "role_arn"),
        ({"role_arn": "arn:aws:iam::444455556666:role//x"}, "role_arn"),
        ({"role_arn": "arn:aws:iam::444455556666:role/a//b/x"}, "role_arn"),
        ({"role_arn": "arn:aws-iso:iam::444455556666:role/x"}, "role_arn"),
        ({"role_arn": "arn:aws:iam::444455556666:user/x"}, "role_arn"),
        ({"regions": ["xx-fake-9"]}, "regions"),
        ({"regions": ["cn-north-1"]}, "regions"),  # not in the role's partition
        ({"external_id": "x"}, "external_id"),
        ({"external_id": "has space"}, "external_id"),
    ],
)
def test_account_inputs_refused_by_the_api(manager_client, change, field):
    response = manager_client.post("/api/v1/accounts/", {**GOOD_ACCOUNT, **change}, format="json")
    error = assert_json_error(response, 400, "invalid")
    assert field in error["fields"], error
    assert not AwsAccount.objects.filter(account_id=GOOD_ACCOUNT["account_id"]).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"account_id": "١٢٣٤٥٦٧٨٩٠١٢"}, "account_id"),
        ({"role_arn": "arn:aws:iam::444455556666:role/" + "r" * 65}, "role_arn"),
        ({"regions": "xx-fake-9"}, "regions"),
        ({"external_id": "x"}, "external_id"),
    ],
)
def test_account_inputs_refused_by_the_ui(session_manager, change, field):
    data = {**GOOD_ACCOUNT, "regions": "", "schedule_hours": 24, **change}
    response = session_manager.post("/accounts/new/", data)
    assert response.status_code in (200, 400)
    assert field in response.context["form"].errors
    assert not AwsAccount.objects.filter(account_id=GOOD_ACCOUNT["account_id"]).exists()


def test_partitions_and_duplicate_regions(manager_client):
    china = {
        **GOOD_ACCOUNT,
        "role_arn": "arn:aws-cn:iam::444455556666:role/path/to/Reader",
        "regions": ["cn-north-1", "cn-north-1", "cn-northwest-1"],
    }
    response = manager_client.post("/api/v1/accounts/", china, format="json")
    assert response.status_code == 201, response.json()
    account = AwsAccount.objects.get(account_id="444455556666")
    assert account.regions == ["cn-north-1", "cn-northwest-1"]


@pytest.mark.parametrize(
    "url", ["/api/v1/accounts/%C2%84/", "/api/v1/no-such-thing/", "/api/v1/evidence-packets/x/"]
)
def test_unmatched_paths_are_json_404s(manager_client, url):
    assert_json_error(manager_client.get(url), 404, "not_found")


def test_405_415_and_413_are_json(manager_client, settings, db):
    assert_json_error(manager_client.delete("/api/v1/frameworks/"), 405, "method_not_allowed")
    response = manager_client.post("/api/v1/accounts/", "<x/>", content_type="application/xml")
    assert_json_error(response, 415, "unsupported_media_type")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = '{"name": "' + "x" * 2000 + '"}'
    response = manager_client.post("/api/v1/accounts/", big, content_type="application/json")
    assert_json_error(response, 413, "payload_too_large")


@override_settings(ROOT_URLCONF="tests.security.urls_boom")
def test_500_under_api_is_json(client, db):
    client.raise_request_exception = False
    response = client.get("/api/v1/boom/")
    assert_json_error(response, 500, "server_error")
    assert b"boom" not in response.content
    page = client.get("/boom/")
    assert page.status_code == 500 and not page["Content-Type"].startswith("application/json")


def test_framework_slug_with_dots(manager_client, db):
    FrameworkFactory(slug="cis-aws-7.0.0", name="CIS")
    assert manager_client.get("/api/v1/frameworks/cis-aws-7.0.0/").json()["slug"] == (
        "cis-aws-7.0.0"
    )
