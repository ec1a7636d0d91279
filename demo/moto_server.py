"""moto's server with a clock the demo can set, so simulated history ages resources truthfully.

``python -m demo.moto_server -p 5055`` serves moto exactly as ``moto_server`` does, plus one
route: ``POST /_demo/clock`` with an ISO 8601 timestamp travels this process's clock there (it
keeps ticking); an empty body returns it to the real time. moto stamps what it creates (IAM
users and access keys, trails, buckets) with its clock, so a key created "100 days ago" in the
simulated history really is 100 days old when the history's last day collects it.

Local demo only: it binds to loopback and nothing in the product imports it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

import time_machine
from moto.moto_server.threaded_moto_server import MotoRequestHandler
from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
from werkzeug.serving import run_simple

CLOCK_PATH = "/_demo/clock"
_lock = threading.Lock()
_travel: list[Any] = []


def clock_set(when: dt.datetime | None) -> None:
    """Travel this process's clock to ``when`` (ticking), or back to the real time for None."""
    with _lock:
        while _travel:
            _travel.pop().stop()
        if when is not None:
            traveller = time_machine.travel(when, tick=True)
            traveller.start()
            _travel.append(traveller)


class ClockMiddleware:
    """Answers ``POST /_demo/clock``; everything else goes to moto."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO") != CLOCK_PATH or environ.get("REQUEST_METHOD") != "POST":
            return self.moto(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode().strip() if length else ""
        try:
            clock_set(dt.datetime.fromisoformat(body) if body else None)
        except ValueError:
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"expected an ISO 8601 timestamp with a time zone, or nothing"]
        start_response("204 No Content", [])
        return [b""]

    def moto(self, environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        """moto, except that its errors are 501: an action or a service it lacks is answered
        500, which botocore retries eight times with back-off, so each demo collection waited
        about 30 s for the same answer."""

        def start(status: str, headers: list, exc_info: Any = None) -> Any:
            if status.startswith("500"):
                status = "501 Not Implemented"
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, start)
        except Exception as exc:  # a missing action or service (access-analyzer): not retryable
            start_response("501 Not Implemented", [("Content-Type", "text/plain")])
            return [f"moto: {type(exc).__name__}: {exc}".encode()]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=5055)
    args = parser.parse_args(argv)
    os.environ.setdefault("MOTO_PORT", str(args.port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    app = ClockMiddleware(DomainDispatcherApplication(create_backend_app))
    run_simple(args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler)


if __name__ == "__main__":
    main()
