"""Rate limits: per API key (by its prefix), per signed-in session user, per client address.

Counters live in Django's default cache; with several web processes, point the cache at Redis so
they share them. Rates are read at request time from ``REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]``
(set from the environment), so a settings override takes effect without reimporting.

When the cache cannot be reached the throttles let requests through and log it: an outage of
the counters must not become an outage of the API.
"""

from __future__ import annotations

import logging
from typing import Any

from redis.exceptions import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from grc.access.models import ApiKey

logger = logging.getLogger(__name__)
CACHE_ERRORS = (RedisError, OSError)


class _SettingsRateThrottle(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            logger.warning("throttle %s skipped, cache unavailable: %r", self.scope, exc)
            return True


class ApiKeyRateThrottle(_SettingsRateThrottle):
    """One budget per key, whoever owns it: a leaked or runaway key cannot starve its owner."""

    scope = "api_key"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.prefix}


class SessionUserRateThrottle(_SettingsRateThrottle):
    """Signed-in browser sessions, per user (requests with a key are counted per key instead)."""

    scope = "user"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if isinstance(request.auth, ApiKey) or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}


class AnonymousRateThrottle(_SettingsRateThrottle):
    """Requests without credentials (the schema, the docs, failed sign-ins), per address."""

    scope = "anon"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        if request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class ApiKeyFailureThrottle(_SettingsRateThrottle):
    """Failed API key attempts per client address: guessing keys gets 429 after a few tries.

    Only failures are counted (``failure_record``); ``retry_after`` is checked before a key is
    verified, so a blocked address cannot even test a right key until the window passes.
    """

    scope = "api_key_failure"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}

    def _history(self, request: Request) -> tuple[str, list[float]]:
        self.key = self.get_cache_key(request, None)
        self.now = self.timer()
        history = self.cache.get(self.key, [])
        return self.key, [moment for moment in history if moment > self.now - self.duration]

    def retry_after(self, request: Request) -> float | None:
        """Seconds until the address may try again, or None when it may try now."""
        if self.rate is None:
            return None
        try:
            _, history = self._history(request)
        except CACHE_ERRORS as exc:
            logger.warning("API key failure limit skipped, cache unavailable: %r", exc)
            return None
        if len(history) < self.num_requests:
            return None
        return max(self.duration - (self.now - history[-1]), 1.0)

    def failure_record(self, request: Request) -> None:
        if self.rate is None:
            return
        try:
            key, history = self._history(request)
            self.cache.set(key, [self.now, *history], self.duration)
        except CACHE_ERRORS as exc:
            logger.warning("API key failure not counted, cache unavailable: %r", exc)
