"""Brute force: sign-in locks after the configured failures (app and admin); API keys too."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from grc.access.roles import Role
from tests.api.conftest import user_with_role

PASSWORD = "correct horse battery staple 17"


@pytest.fixture
def admin_user(db):
    user = user_with_role(Role.ADMIN, "alice")
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client: Client, url: str, password: str):
    return client.post(url, {"username": "alice", "password": password})


@pytest.mark.parametrize("url", ["/auth/login/", "/admin/login/"])
def test_lockout_after_the_configured_failures(admin_user, settings, url):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    statuses = [_sign_in(client, url, f"guess-{attempt}").status_code for attempt in range(3)]
    assert statuses == [200, 200, 429]
    # Locked: even the right password is refused, with a page that says why and for how long.
    locked = _sign_in(client, url, PASSWORD)
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Sign-in locked" in text and "15 minutes" in text
    assert int(locked["Retry-After"]) == 15 * 60
    assert "_auth_user_id" not in client.session
    # Another address cannot try this username either (locked per username, not only per address).
    elsewhere = Client(REMOTE_ADDR="203.0.113.9")
    assert _sign_in(elsewhere, url, PASSWORD).status_code == 429
    # The unlock path documented in the README.
    call_command("axes_reset_username", "alice")
    assert _sign_in(client, url, PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(admin_user.pk)


def test_success_before_the_limit_resets_the_count(admin_user, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    assert _sign_in(client, "/auth/login/", "wrong-1").status_code == 200
    assert _sign_in(client, "/auth/login/", "wrong-2").status_code == 200
    assert _sign_in(client, "/auth/login/", PASSWORD).status_code == 302
    client.logout()
    assert _sign_in(client, "/auth/login/", "wrong-3").status_code == 200
    assert _sign_in(client, "/auth/login/", PASSWORD).status_code == 302


def test_axes_reset_unlocks_everyone(admin_user, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for attempt in range(2):
        _sign_in(client, "/auth/login/", f"guess-{attempt}")
    assert _sign_in(client, "/auth/login/", PASSWORD).status_code == 429
    call_command("axes_reset")
    assert _sign_in(client, "/auth/login/", PASSWORD).status_code == 302


def test_failed_api_keys_are_throttled_per_address(users, make_key, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {
            **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
            "api_key_failure": "3/minute",
        },
    }
    _, good = make_key(users["manager"])
    attacker = APIClient(REMOTE_ADDR="198.51.100.7")
    statuses = []
    for attempt in range(5):
        attacker.credentials(HTTP_AUTHORIZATION=f"Api-Key k0000000.guess{attempt}")
        statuses.append(attacker.get("/api/v1/frameworks/").status_code)
    assert statuses == [401, 401, 401, 429, 429]
    # Blocked before verification: from this address even a real key waits.
    attacker.credentials(HTTP_AUTHORIZATION=f"Api-Key {good}")
    blocked = attacker.get("/api/v1/frameworks/")
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "throttled"
    assert int(blocked["Retry-After"]) > 0
    # X-Forwarded-For is not trusted by default, so the attacker cannot pick a fresh address.
    attacker.credentials(HTTP_AUTHORIZATION=f"Api-Key {good}", HTTP_X_FORWARDED_FOR="192.0.2.1")
    assert attacker.get("/api/v1/frameworks/").status_code == 429
    # Other addresses are unaffected.
    honest = APIClient(REMOTE_ADDR="198.51.100.8")
    honest.credentials(HTTP_AUTHORIZATION=f"Api-Key {good}")
    assert honest.get("/api/v1/frameworks/").status_code == 200
