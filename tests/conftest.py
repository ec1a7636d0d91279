"""Shared fixtures. Tests use the services the environment names (SQLite by default)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import transaction

ROOT = Path(__file__).resolve().parent.parent


def database_url_for_tests() -> str:
    """DATABASE_URL that points a child process at the test database pytest-django created."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def child_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="grc.settings.test",
        DATABASE_URL=database_url_for_tests(),
        CELERY_BROKER_URL=settings.CELERY_BROKER_URL,
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


class WorkerProcess:
    """A real `celery worker` child process consuming a private queue."""

    def __init__(
        self, queue: str, log_path: Path, env: dict[str, str], beat: bool, concurrency: int = 1
    ) -> None:
        self.queue = queue
        self.beat = beat
        self.concurrency = concurrency
        self.log_path = log_path
        self.env = env
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "grc",
                "worker",
                "--loglevel=INFO",
                f"--concurrency={self.concurrency}",
                "--pool=prefork",
                "--without-gossip",
                "--without-mingle",
                "-Q",
                self.queue,
                "-n",
                f"{uuid.uuid4().hex[:8]}@%h",
                *(
                    ["--beat", "--schedule", str(self.log_path.with_suffix(".beat"))]
                    if self.beat
                    else []
                ),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so kill() reaches pool children
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def kill(self) -> None:
        """SIGKILL the worker and its pool children, as an OOM killer or a lost host would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def celery_worker_process(tmp_path: Path) -> Iterator[Callable[..., WorkerProcess]]:
    workers: list[WorkerProcess] = []

    def start(
        queue: str | None = None, beat: bool = False, concurrency: int = 1, **extra_env: str
    ) -> WorkerProcess:
        """Start a worker on ``queue`` (default: this test session's default queue)."""
        worker = WorkerProcess(
            queue or settings.CELERY_TASK_DEFAULT_QUEUE,
            tmp_path / f"worker-{len(workers)}.log",
            child_env(**extra_env),
            beat,
            concurrency,
        )
        worker.start()
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture(scope="module")
def module_transaction(django_db_setup, django_db_blocker) -> Iterator[None]:
    """One transaction around a whole module, rolled back after its last test.

    What a module-scoped fixture writes inside it is built once and seen by each test of the
    module (a ``django_db`` test runs in a savepoint within it, so its own writes still roll
    back), and by no other module. Only for modules of non-transactional ``django_db`` tests;
    on_commit callbacks of the module's own writes never run by themselves (capture them).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def wait_for(
    predicate: Callable[[], object],
    *,
    timeout: float = 60,
    interval: float = 0.2,
    context: Callable[[], str] = lambda: "",
):
    """Poll until predicate() is truthy; return its value or fail, showing ``context()``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s\n{context()}")
