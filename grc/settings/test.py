"""Test overrides: fast hashing; services still come from DATABASE_URL / CELERY_BROKER_URL."""

import os

from grc.settings.base import *  # noqa: F403
from grc.settings.base import DATA_DIR, DATABASES

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so worker processes started by tests share it; one per test process.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Each test session gets its own queue on the shared broker, and each pytest-xdist worker its own
# (they inherit the session's name); worker processes the tests start inherit it through the
# environment.
_queue = os.environ.get("CELERY_TASK_DEFAULT_QUEUE") or f"grc-test-{os.getpid()}"
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker and not _queue.endswith(f"-{_xdist_worker}"):
    _queue = f"{_queue}-{_xdist_worker}"
CELERY_TASK_DEFAULT_QUEUE = os.environ["CELERY_TASK_DEFAULT_QUEUE"] = _queue

# Webhook tests (and the worker processes they start) post to a receiver on 127.0.0.1.
GRC_WEBHOOK_ALLOW_PRIVATE = True
