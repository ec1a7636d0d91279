"""Settings rules, checked in child processes so each sees a clean environment."""

import json
import subprocess
import sys

from tests.conftest import ROOT

PRINT = (
    "import json, django; from django.conf import settings; django.setup(); print(json.dumps({"
    "'debug': settings.DEBUG, 'engine': settings.DATABASES['default']['ENGINE'], "
    "'broker': settings.CELERY_BROKER_URL, 'secure_cookie': settings.SESSION_COOKIE_SECURE, "
    "'hsts': settings.SECURE_HSTS_SECONDS, 'hosts': settings.ALLOWED_HOSTS, "
    "'acks_late': settings.CELERY_TASK_ACKS_LATE, "
    "'reject_lost': settings.CELERY_TASK_REJECT_ON_WORKER_LOST}))"
)
STRONG_KEY = "k" * 20 + "-a-long-random-production-secret-0123456789"


def run_settings(tmp_path, **env):
    base = {
        "PATH": "/usr/bin:/bin",
        "GRC_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "grc.settings.base",
    }
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_defaults_need_no_services(tmp_path):
    result = run_settings(tmp_path)

    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["broker"] == "filesystem://"
    assert values["acks_late"] and values["reject_lost"]


def test_environment_switches_to_postgres_and_redis(tmp_path):
    result = run_settings(
        tmp_path,
        DATABASE_URL="postgres://u@db.example:5432/grc",
        CELERY_BROKER_URL="redis://cache.example:6379/1",
    )

    values = json.loads(result.stdout)
    assert values["engine"] == "django.db.backends.postgresql"
    assert values["broker"] == "redis://cache.example:6379/1"


def test_debug_off_refuses_default_secret_key(tmp_path):
    result = run_settings(tmp_path, DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="grc.example")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_off_requires_allowed_hosts(tmp_path):
    result = run_settings(tmp_path, DJANGO_DEBUG="false", DJANGO_SECRET_KEY=STRONG_KEY)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_debug_off_sets_secure_cookies_and_hsts(tmp_path):
    result = run_settings(
        tmp_path,
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="grc.example",
    )

    values = json.loads(result.stdout)
    assert values["debug"] is False
    assert values["secure_cookie"] is True
    assert values["hsts"] == 31_536_000
    assert values["hosts"] == ["grc.example"]


def test_production_settings_pass_deploy_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={
            "PATH": "/usr/bin:/bin",
            "GRC_DATA_DIR": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "grc.settings.production",
            "DJANGO_SECRET_KEY": STRONG_KEY,
            "DJANGO_ALLOWED_HOSTS": "grc.example",
        },
    )

    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
