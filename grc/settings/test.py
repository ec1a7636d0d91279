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

# Each test session gets its own queue on the shared broker; worker processes the tests start
# inherit the name through the environment.
CELERY_TASK_DEFAULT_QUEUE = os.environ.setdefault(
    "CELERY_TASK_DEFAULT_QUEUE", f"grc-test-{os.getpid()}"
)

# Webhook tests (and the worker processes they start) post to a receiver on 127.0.0.1.
GRC_WEBHOOK_ALLOW_PRIVATE = True
