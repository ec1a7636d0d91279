"""Notification fixtures: role users, a webhook receiver on a local http.server thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth.models import Group

from evidence.notifications.verify import HEADER, SignatureError, verify_signature
from grc.access.roles import Role
from tests.factories import UserFactory


def user_with_role(username: str, role: Role):
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    return user


@pytest.fixture
def admin_user(db):
    return user_with_role("notify-admin", Role.ADMIN)


@pytest.fixture
def manager(db):
    return user_with_role("notify-manager", Role.MANAGER)


@pytest.fixture
def auditor(db):
    return user_with_role("notify-auditor", Role.AUDITOR)


@pytest.fixture(autouse=True)
def allow_local_webhooks(settings) -> None:
    """The receiver listens on 127.0.0.1; production refuses such URLs (see test_webhooks)."""
    settings.GRC_WEBHOOK_ALLOW_PRIVATE = True
    settings.GRC_BASE_URL = "https://grc.example.com"


@dataclass
class Receiver:
    """A webhook receiver as a customer would write it: verify, reject replays, answer 2xx."""

    secret: str = ""
    status: int = 204  # what it answers to a valid request (e.g. 500 to play a broken receiver)
    clock_offset: float = 0.0  # seconds added to the receiver's clock (to replay "later")
    accepted: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    received_at: list[float] = field(default_factory=list)
    url: str = ""

    def check(self, headers: Message, body: bytes) -> int:
        """Header names are case-insensitive (urllib sends ``X-grc-signature``)."""
        self.received_at.append(time.monotonic())
        try:
            verify_signature(
                self.secret, headers.get(HEADER, ""), body, now=time.time() + self.clock_offset
            )
        except SignatureError as error:
            self.rejected.append(str(error))
            return 400
        if self.status < 300:
            self.accepted.append(({k.lower(): v for k, v in headers.items()}, body))
        return self.status


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            code = state.check(self.headers, body)
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/grc"
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def post_raw() -> Callable[[str, dict[str, str], bytes], int]:
    """POST exact bytes and headers (to replay a captured delivery)."""
    import urllib.error
    import urllib.request

    def post(url: str, headers: dict[str, str], body: bytes) -> int:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # nosec B310
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    return post
