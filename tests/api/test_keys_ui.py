"""The administrators' API key pages: create (shown once), list with last use, revoke."""

from __future__ import annotations

import pytest
from django.test import Client

from grc.access.models import ApiKey
from tests.api.conftest import key_client


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_admin_creates_a_key_that_is_shown_once(users):
    """The create page is the one response that may hold the plaintext (the scan skips it:
    it is not in the list of secrets; the other pages are checked by hand here)."""
    admin = _client(users["admin"])
    assert admin.get("/api/keys/new/").status_code == 200
    response = admin.post(
        "/api/keys/new/",
        {"name": "CI gate", "owner": users["manager"].pk, "read_only": "on"},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    api_key = ApiKey.objects.get()
    plaintext = response.context["plaintext"]
    assert plaintext.startswith(f"{api_key.prefix}.")
    assert plaintext.encode() in response.content
    assert api_key.read_only is True
    assert api_key.created_by == users["admin"]

    key_client(plaintext).get("/api/v1/controls/")
    listing = admin.get("/api/keys/")
    assert listing.status_code == 200
    assert b"CI gate" in listing.content
    assert api_key.prefix.encode() in listing.content
    assert plaintext.partition(".")[2].encode() not in listing.content
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
    assert api_key.last_used_at.strftime("%Y-%m-%d %H:%M").encode() in listing.content


def test_admin_revokes_a_key(users, make_key):
    api_key, plaintext = make_key(users["manager"])
    response = _client(users["admin"]).post(f"/api/keys/{api_key.pk}/revoke/")
    assert response.status_code == 302
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert key_client(plaintext).get("/api/v1/controls/").status_code == 401


def test_key_for_a_user_without_role_is_refused(users):
    response = _client(users["admin"]).post(
        "/api/keys/new/", {"name": "x", "owner": users["norole"].pk}
    )
    assert response.status_code == 200
    assert "has no role" in response.content.decode()
    assert not ApiKey.objects.exists()


@pytest.mark.parametrize("role", ["manager", "auditor", "norole"])
def test_only_admins_manage_keys(users, make_key, role):
    api_key, _ = make_key(users["manager"])
    client = _client(users[role])
    assert client.get("/api/keys/").status_code == 403
    assert client.post("/api/keys/new/", {"name": "x", "owner": users[role].pk}).status_code == 403
    assert client.post(f"/api/keys/{api_key.pk}/revoke/").status_code == 403
    api_key.refresh_from_db()
    assert api_key.revoked_at is None
    assert ApiKey.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(db):
    response = Client().get("/api/keys/")
    assert response.status_code == 302
    assert "/auth/login/" in response["Location"]
