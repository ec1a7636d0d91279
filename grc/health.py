"""Liveness of the services everything depends on: the database, the Celery broker and the cache.

The cache (API throttle counters) degrades open, so it is reported but does not make the app
unhealthy: a 503 here would take the web processes out of a load balancer for no reason.
"""

from django.core.cache import cache
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


def cache_status() -> dict[str, str | bool]:
    try:
        cache.set("grc:healthz", "ok", 10)
        ok = cache.get("grc:healthz") == "ok"
    except Exception as exc:  # redis-py raises its own errors; any failure means unavailable
        return {"ok": False, "error": type(exc).__name__, "backend": type(cache).__name__}
    return {"ok": ok, "backend": type(cache).__name__}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(check["ok"] for check in checks.values())
    cache_check = cache_status()
    status = "ok" if healthy and cache_check["ok"] else ("degraded" if healthy else "unavailable")
    return JsonResponse(
        {"status": status, **checks, "cache": cache_check}, status=200 if healthy else 503
    )
