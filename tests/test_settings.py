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
    assert values["broker"] == "filesystem://localhost/"  # a host: no kombu warning on start
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


def test_no_variables_and_no_settings_module_means_debug_off(tmp_path):
    """manage.py, wsgi, asgi and celery all default to grc.settings.base: debug is off there."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import manage, os; os.environ.setdefault("
            "'DJANGO_SETTINGS_MODULE', 'grc.settings.base'); " + PRINT,
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "GRC_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["debug"] is False


def test_the_local_secret_key_is_made_once_and_kept_private(tmp_path):
    first = run_settings(tmp_path)
    second = run_settings(tmp_path)

    key_file = tmp_path / "secret-key"
    assert first.returncode == second.returncode == 0
    assert len(key_file.read_text()) >= 50
    assert key_file.stat().st_mode & 0o077 == 0


def test_debug_turns_on_only_when_asked(tmp_path):
    assert json.loads(run_settings(tmp_path, DJANGO_DEBUG="1").stdout)["debug"] is True


def run_production(tmp_path, **env):
    return run_settings(tmp_path, DJANGO_SETTINGS_MODULE="grc.settings.production", **env)


def test_production_refuses_a_missing_secret_key(tmp_path):
    result = run_production(tmp_path, DJANGO_ALLOWED_HOSTS="grc.example")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_requires_allowed_hosts(tmp_path):
    result = run_production(tmp_path, DJANGO_SECRET_KEY=STRONG_KEY)

    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_production_sets_secure_cookies_and_hsts_even_if_debug_is_asked_for(tmp_path):
    result = run_production(
        tmp_path,
        DJANGO_DEBUG="true",
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
