"""Every write endpoint x every kind of caller: the UI's role rules, narrowed for API keys.

Allowed callers get the success status and change the database; refused ones get 401/403 with the
error body and change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from evidence.collection.models import AwsAccount, CollectionRun
from evidence.packets.models import EvidencePacket
from grc.catalog.models import Control, ControlMapping, ControlParameter, Origin, ParameterChange
from tests.api.conftest import error_of, key_client, session_client
from tests.factories import (
    ControlFactory,
    ControlMappingFactory,
    ControlParameterFactory,
    CriterionFactory,
    FrameworkFactory,
)

ACCOUNT = "111122223333"


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    body: dict[str, Any] | None
    success: int
    auditor_session_may: bool = False


ENDPOINTS = {
    "control-create": Endpoint(
        "post",
        "/api/v1/controls/",
        {"ref": "CUS-NEW", "name": "New", "statement": "We do it.", "responsibility": "customer"},
        201,
    ),
    "control-update": Endpoint("patch", "/api/v1/controls/CUS-01/", {"name": "Renamed"}, 200),
    "mapping-add": Endpoint(
        "post", "/api/v1/controls/CUS-01/mappings/", {"framework": "fw", "criterion": "C-2"}, 201
    ),
    "mapping-remove": Endpoint("delete", "/api/v1/controls/CUS-01/mappings/{mapping}/", None, 204),
    "parameter-create": Endpoint(
        "post",
        "/api/v1/controls/CUS-01/parameters/",
        {"name": "max_age_days", "value": 90, "reason": "policy"},
        201,
    ),
    "parameter-set": Endpoint(
        "patch",
        "/api/v1/controls/CUS-01/parameters/password_min_length/",
        {"value": 16, "reason": "tighter policy"},
        200,
    ),
    "parameter-reset": Endpoint(
        "post",
        "/api/v1/controls/CUS-01/parameters/password_min_length/reset/",
        {"reason": "back to CIS"},
        200,
    ),
    "account-create": Endpoint(
        "post",
        "/api/v1/accounts/",
        {
            "account_id": "444455556666",
            "name": "Staging",
            "role_arn": "arn:aws:iam::444455556666:role/GrcEvidenceReader",
            "external_id": "ext-secret-Zq81-do-not-leak",
            "regions": ["eu-west-1"],
        },
        201,
    ),
    "account-update": Endpoint("patch", f"/api/v1/accounts/{ACCOUNT}/", {"name": "Prod"}, 200),
    "account-disable": Endpoint("post", f"/api/v1/accounts/{ACCOUNT}/disable/", None, 200),
    "collection-run-start": Endpoint("post", "/api/v1/collection-runs/", {"account": ACCOUNT}, 202),
    "packet-request": Endpoint(
        "post",
        "/api/v1/evidence-packets/",
        {
            "framework": "fw",
            "period_start": "2025-01-01",
            "period_end": "2025-03-31",
            "accounts": [ACCOUNT],
        },
        202,
        auditor_session_may=True,
    ),
}

# caller -> (who, how, outcome): outcome "ok" = allowed, else the refusal status.
CALLERS = {
    "admin-session": ("admin", "session", "ok"),
    "manager-session": ("manager", "session", "ok"),
    "auditor-session": ("auditor", "session", 403),
    "norole-session": ("norole", "session", 403),
    "anonymous": (None, "none", 401),
    "admin-key": ("admin", "key", "ok"),
    "manager-key": ("manager", "key", "ok"),
    "auditor-key": ("auditor", "key", 403),  # read-write flag, still read-only
    "norole-key": ("norole", "key", 403),
    "manager-read-only-key": ("manager", "read-only-key", 403),
    "revoked-key": ("manager", "revoked-key", 401),
}


@pytest.fixture
def world(aws_account):
    framework = FrameworkFactory(slug="fw")
    CriterionFactory(framework=framework, section__framework=framework, ref="C-1")
    CriterionFactory(framework=framework, section__framework=framework, ref="C-2")
    control = ControlFactory(ref="CUS-01", origin=Origin.CUSTOM)
    mapping = ControlMappingFactory(
        control=control, criterion=framework.criteria.get(ref="C-1"), origin=Origin.CUSTOM
    )
    ControlParameterFactory(control=control, name="password_min_length", value=14, default_value=14)
    return {"mapping": mapping.pk}


def snapshot() -> tuple:
    account = AwsAccount.objects.get(account_id=ACCOUNT)
    return (
        Control.objects.count(),
        Control.objects.get(ref="CUS-01").name,
        ControlMapping.objects.count(),
        ControlParameter.objects.count(),
        ParameterChange.objects.count(),
        AwsAccount.objects.count(),
        account.name,
        account.enabled,
        CollectionRun.objects.count(),
        EvidencePacket.objects.count(),
    )


def client_for(caller: str, users, make_key):
    who, how, _ = CALLERS[caller]
    if how == "none":
        from rest_framework.test import APIClient

        return APIClient()
    user = users[who]
    if how == "session":
        return session_client(user)
    api_key, plaintext = make_key(user, read_only=how == "read-only-key")
    if how == "revoked-key":
        api_key.revoked_at = timezone.now()
        api_key.save()
    return key_client(plaintext)


@pytest.mark.parametrize("caller", list(CALLERS))
@pytest.mark.parametrize("endpoint_name", list(ENDPOINTS))
def test_write_endpoint_role_rules(endpoint_name, caller, world, users, make_key):
    endpoint = ENDPOINTS[endpoint_name]
    client = client_for(caller, users, make_key)
    before = snapshot()

    response = getattr(client, endpoint.method)(
        endpoint.path.format(**world), endpoint.body, format="json"
    )

    outcome = CALLERS[caller][2]
    if caller == "auditor-session" and endpoint.auditor_session_may:
        outcome = "ok"
    if outcome == "ok":
        assert response.status_code == endpoint.success, response.content
        assert snapshot() != before
    else:
        assert response.status_code == outcome, response.content
        error = error_of(response)
        assert error["code"] in {
            "not_authenticated",
            "authentication_failed",
            "permission_denied",
        }
        assert snapshot() == before


def test_read_only_key_write_message(users, make_key, world):
    _, plaintext = make_key(users["admin"], read_only=True)
    response = key_client(plaintext).post(
        "/api/v1/collection-runs/", {"account": ACCOUNT}, format="json"
    )
    assert response.status_code == 403
    assert error_of(response)["message"] == "This API key is read-only."


@pytest.mark.parametrize("role", ["admin", "manager", "auditor"])
def test_every_role_reads(role, users, make_key, world):
    _, plaintext = make_key(users[role], read_only=True)
    client = key_client(plaintext)
    for path in ("/api/v1/controls/", f"/api/v1/accounts/{ACCOUNT}/", "/api/v1/check-results/"):
        assert client.get(path).status_code == 200


def test_no_role_reads_nothing(users, make_key, world):
    _, plaintext = make_key(users["norole"], read_only=True)
    response = key_client(plaintext).get("/api/v1/controls/")
    assert response.status_code == 403
    assert error_of(response)["code"] == "permission_denied"
