"""OpenID Connect sign-in against a small provider started by the test (stdlib http.server):
it issues an HS256-signed ID token and serves userinfo with a groups claim; roles follow it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from grc.access.roles import Role, role_of

CLIENT_ID = "grc-evidence"
CLIENT_SECRET = "s3cret-shared-with-the-idp-0123456789abcdef"


class Provider:
    """What the IdP knows: issued codes -> (nonce, the person who signed in)."""

    def __init__(self) -> None:
        self.codes: dict[str, tuple[str, dict]] = {}
        self.tokens: dict[str, dict] = {}
        self.audience = CLIENT_ID

    def sign_in(self, code: str, nonce: str, person: dict) -> None:
        self.codes[code] = (nonce, person)


def handler_for(provider: Provider) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

        def _send(self, status: int, body: dict) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # the token endpoint
            length = int(self.headers["Content-Length"])
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if (form.get("client_id"), form.get("client_secret")) != (CLIENT_ID, CLIENT_SECRET):
                return self._send(401, {"error": "invalid_client"})
            if form.get("code") not in provider.codes:
                return self._send(400, {"error": "invalid_grant"})
            nonce, person = provider.codes.pop(form["code"])
            access_token = f"at-{form['code']}"
            provider.tokens[access_token] = person
            id_token = jwt.encode(
                {
                    "iss": "http://idp.test",
                    "aud": provider.audience,
                    "sub": person["sub"],
                    "nonce": nonce,
                    "email": person["email"],
                },
                CLIENT_SECRET,
                algorithm="HS256",
            )
            return self._send(
                200, {"access_token": access_token, "id_token": id_token, "token_type": "Bearer"}
            )

        def do_GET(self) -> None:  # the userinfo endpoint
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            person = provider.tokens.get(token)
            if person is None:
                return self._send(401, {"error": "invalid_token"})
            return self._send(200, person)

    return Handler


@pytest.fixture
def provider(settings) -> Iterator[Provider]:
    state = Provider()
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler_for(state))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    settings.GRC_OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
        "grc.access.oidc.GroupRoleOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SIGN_ALGO = "HS256"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"
    settings.GRC_OIDC_ISSUER = "http://idp.test"
    settings.GRC_OIDC_ROLE_GROUPS = {
        "grc-admins": "admin",
        "grc-compliance": "manager",
        "grc-auditors": "auditor",
    }
    yield state
    server.shutdown()
    server.server_close()


def sso_sign_in(client: Client, provider: Provider, person: dict, code: str = "code-1"):
    start = client.get("/auth/oidc/authenticate/", {"next": "/controls/"})
    assert start.status_code == 302
    query = parse_qs(urlsplit(start["Location"]).query)
    assert query["client_id"] == [CLIENT_ID]
    provider.sign_in(code, query["nonce"][0], person)  # the person signs in at the IdP
    return client.get("/auth/oidc/callback/", {"code": code, "state": query["state"][0]})


PERSON = {"sub": "u-17", "email": "dana@example.com", "preferred_username": "dana"}


@pytest.mark.parametrize(
    ("groups", "role"),
    [
        (["grc-auditors"], Role.AUDITOR),
        (["staff", "grc-compliance"], Role.MANAGER),
        (["grc-auditors", "grc-admins"], Role.ADMIN),
    ],
)
def test_oidc_sign_in_maps_groups_to_roles(db, provider, groups, role):
    client = Client()
    response = sso_sign_in(client, provider, {**PERSON, "groups": groups})
    assert response.status_code == 302 and response["Location"] == "/controls/"
    user = get_user_model().objects.get(email="dana@example.com")
    assert user.username == "dana" and not user.has_usable_password()
    assert client.session["_auth_user_id"] == str(user.pk)
    assert role_of(user) is role


def test_role_follows_the_idp_at_each_sign_in(db, provider):
    sso_sign_in(Client(), provider, {**PERSON, "groups": ["grc-admins"]}, code="c1")
    sso_sign_in(Client(), provider, {**PERSON, "groups": ["grc-auditors"]}, code="c2")
    user = get_user_model().objects.get(email="dana@example.com")
    assert role_of(user) is Role.AUDITOR
    assert user.groups.count() == 1


def test_no_mapped_group_no_sign_in(db, provider):
    client = Client()
    response = sso_sign_in(client, provider, {**PERSON, "groups": ["everyone"]})
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert not get_user_model().objects.filter(email="dana@example.com").exists()


def test_a_token_for_another_client_is_refused(db, provider):
    provider.audience = "some-other-app"
    client = Client()
    sso_sign_in(client, provider, {**PERSON, "groups": ["grc-admins"]})
    assert "_auth_user_id" not in client.session


def test_local_passwords_switched_off(db, provider, settings):
    settings.GRC_LOCAL_PASSWORDS = False
    settings.AUTHENTICATION_BACKENDS = [
        "axes.backends.AxesStandaloneBackend",
        "grc.access.oidc.GroupRoleOIDCBackend",
    ]
    user = get_user_model().objects.create_user("local", password="a-local-password-17")
    client = Client()
    page = client.get("/auth/login/?next=/accounts/")
    assert page.status_code == 302
    assert page["Location"].startswith("/auth/oidc/authenticate/?next=%2Faccounts%2F")
    # The admin's form is still there, but no backend checks passwords any more.
    client.post("/admin/login/", {"username": "local", "password": "a-local-password-17"})
    assert "_auth_user_id" not in client.session
    assert user.has_usable_password()


def test_sign_in_page_offers_sso_when_enabled(db, provider):
    page = Client().get("/auth/login/").content.decode()
    assert "/auth/oidc/authenticate/" in page and 'name="password"' in page
