"""Liveness of the two services everything depends on: the database and the Celery broker."""

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from grc.celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 2.0


def database_status() -> dict[str, str | bool]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def broker_status() -> dict[str, str | bool]:
    try:
        with celery_app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
            transport = broker.transport_cls
    except Exception as exc:  # kombu raises transport-specific errors (socket, redis, OS)
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "transport": str(transport)}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
