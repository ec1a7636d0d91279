"""API keys: hashed storage, 401 for bad or revoked keys, last use, throttling, error bodies."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from grc.access.models import ApiKey
from grc.access.services.apikeys import api_key_revoke, api_key_verify
from tests.api.conftest import error_of, key_client


def test_key_is_stored_hashed_and_shown_once(users, make_key):
    api_key, plaintext = make_key(users["manager"])
    prefix, secret = plaintext.split(".")
    api_key.refresh_from_db()
    assert api_key.prefix == prefix
    assert secret not in api_key.hashed_secret
    assert api_key.hashed_secret == "sha256$" + hashlib.sha256(secret.encode()).hexdigest()
    assert len(secret) >= 43  # 256 bits
    assert api_key_verify(plaintext) == api_key


def test_key_authenticates_as_its_owner(users, make_key):
    _, plaintext = make_key(users["auditor"], read_only=True)
    response = key_client(plaintext).get("/api/v1/frameworks/")
    assert response.status_code == 200
    assert response.json()["results"] == []


@pytest.mark.parametrize(
    "header",
    [
        "Api-Key nonsense",
        "Api-Key abcdef12.wrong-secret",
        "Api-Key",
        "Api-Key a b",
    ],
)
def test_bad_key_is_401(header, users, make_key):
    make_key(users["manager"])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/controls/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    assert response["WWW-Authenticate"] == 'Api-Key realm="api"'


def test_right_prefix_wrong_secret_is_401(users, make_key):
    api_key, _ = make_key(users["manager"])
    response = key_client(f"{api_key.prefix}.{'x' * 43}").get("/api/v1/controls/")
    assert response.status_code == 401


def test_revoked_key_is_401(users, make_key):
    api_key, plaintext = make_key(users["manager"])
    client = key_client(plaintext)
    assert client.get("/api/v1/controls/").status_code == 200
    api_key_revoke(api_key=api_key)
    response = client.get("/api/v1/controls/")
    assert response.status_code == 401
    assert error_of(response)["message"] == "Invalid or revoked API key."


def test_inactive_owner_key_is_401(users, make_key):
    _, plaintext = make_key(users["manager"])
    users["manager"].is_active = False
    users["manager"].save()
    assert key_client(plaintext).get("/api/v1/controls/").status_code == 401


def test_no_credentials_is_401_with_error_body(db):
    response = APIClient().get("/api/v1/controls/")
    assert response.status_code == 401
    error = error_of(response)
    assert error == {
        "code": "not_authenticated",
        "message": "Authentication credentials were not provided.",
        "fields": {},
    }


def test_last_used_is_written_at_most_once_a_minute(users, make_key):
    api_key, plaintext = make_key(users["manager"])
    client = key_client(plaintext)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.get("/api/v1/controls/")
    api_key.refresh_from_db()
    assert api_key.last_used_at == start
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        client.get("/api/v1/controls/")
    api_key.refresh_from_db()
    assert api_key.last_used_at == start
    later = start + dt.timedelta(seconds=61)
    with time_machine.travel(later, tick=False):
        client.get("/api/v1/controls/")
    api_key.refresh_from_db()
    assert api_key.last_used_at == later


def test_throttle_per_key(settings, users, make_key):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "3/minute", "user": "100/minute", "anon": "9/minute"},
    }
    _, first = make_key(users["manager"], name="first")
    _, second = make_key(users["manager"], name="second")
    client = key_client(first)
    assert [client.get("/api/v1/frameworks/").status_code for _ in range(3)] == [200] * 3
    response = client.get("/api/v1/frameworks/")
    assert response.status_code == 429
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # The budget is the key's, not the owner's: another key of the same person still works.
    assert key_client(second).get("/api/v1/frameworks/").status_code == 200


def test_throttle_anonymous(settings, db):
    settings.GRC_API_DOCS_PUBLIC = True
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "api_key": "100/minute",
            "user": "100/minute",
            "anon": "2/minute",
        },
    }
    client = APIClient()
    # Anonymous callers reach only the schema and docs (elsewhere they get 401 before any
    # throttle), so those are what this rate protects.
    assert [client.get("/api/schema/").status_code for _ in range(3)] == [200, 200, 429]


def test_throttle_session_user(settings, users):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            "api_key": "100/minute",
            "user": "2/minute",
            "anon": "100/minute",
        },
    }
    client = APIClient()
    client.force_login(users["auditor"])
    assert [client.get("/api/v1/controls/").status_code for _ in range(3)] == [200, 200, 429]


def test_api_key_has_no_api(manager_client):
    """Keys are managed only in the admin UI; nothing under /api/v1/ exposes them."""
    assert manager_client.get("/api/v1/api-keys/").status_code == 404
    assert ApiKey.objects.count() == 1
