import os

import pytest
from celery import Celery
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def client():
    return Client(HTTP_HOST="localhost")


def test_healthz_reports_both_services_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == {"ok": True, "vendor": connection.vendor}
    assert body["broker"]["ok"] is True


def test_healthz_is_503_when_broker_unreachable(client, monkeypatch):
    unreachable = Celery("unreachable", set_as_current=False)  # keep the app tasks resolve to
    # Set after creation: CELERY_BROKER_URL in the environment would win over a constructor arg.
    unreachable.conf.update(
        broker_url="redis://127.0.0.1:9/0", broker_write_url="redis://127.0.0.1:9/0"
    )  # nothing listens on port 9
    monkeypatch.setattr("grc.health.celery_app", unreachable)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False
    assert response.json()["database"]["ok"] is True


def test_healthz_is_503_when_database_unreachable(client, monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "error": "OperationalError"}


@pytest.mark.skipif(not os.environ.get("GRC_REQUIRE_SERVICES"), reason="CI only")
def test_ci_runs_on_real_postgres_and_redis():
    from django.conf import settings

    assert connection.vendor == "postgresql"
    assert settings.CELERY_BROKER_URL.startswith("redis://")
