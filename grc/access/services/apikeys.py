"""API keys for integrations: create (the plaintext is shown once), verify, touch, revoke.

A key reads ``<prefix>.<secret>``. The prefix is stored in clear to find the row and to tell keys
apart in the UI; only ``sha256(secret)`` is stored. A plain SHA-256 is the right hash here, not
Django's password hashers: the secret is 256 random bits from ``secrets``, so there is nothing to
guess and no need for a slow, salted hash, which would add tens of milliseconds of PBKDF2 to every
API request. (Passwords need slow hashes because people choose them.) The comparison of digests
is constant-time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from grc.access.models import ApiKey

HASH_SCHEME = "sha256"
PREFIX_BYTES = 4  # 8 hex characters
SECRET_BYTES = 32  # 256 bits
TOUCH_INTERVAL = dt.timedelta(minutes=1)


def _secret_hash(secret: str) -> str:
    return f"{HASH_SCHEME}${hashlib.sha256(secret.encode()).hexdigest()}"


def api_key_create(
    *,
    name: str,
    owner: AbstractBaseUser,
    read_only: bool = True,
    created_by: AbstractBaseUser | None = None,
) -> tuple[ApiKey, str]:
    """Create a key; return it and its plaintext, which is never stored nor shown again."""
    secret = secrets.token_urlsafe(SECRET_BYTES)
    for _ in range(5):
        prefix = secrets.token_hex(PREFIX_BYTES)
        try:
            with transaction.atomic():
                api_key = ApiKey.objects.create(
                    name=name,
                    owner=owner,
                    prefix=prefix,
                    hashed_secret=_secret_hash(secret),
                    read_only=read_only,
                    created_by=created_by,
                )
        except IntegrityError:  # prefix collision: one in four billion, try another
            continue
        return api_key, f"{prefix}.{secret}"
    raise RuntimeError("Could not allocate a unique API key prefix.")


def api_key_verify(token: str) -> ApiKey | None:
    """The active key (with its owner) that ``token`` proves, or None."""
    prefix, _, secret = token.strip().partition(".")
    if not prefix or not secret or len(prefix) > ApiKey._meta.get_field("prefix").max_length:
        return None
    api_key = ApiKey.objects.select_related("owner").filter(prefix=prefix).first()
    if api_key is None or not api_key.active:
        return None
    if not hmac.compare_digest(api_key.hashed_secret, _secret_hash(secret)):
        return None
    return api_key


def api_key_touch(api_key: ApiKey, *, now: dt.datetime | None = None) -> None:
    """Record use, at most once a minute: one conditional UPDATE, no write on most requests."""
    now = now or timezone.now()
    if api_key.last_used_at and now - api_key.last_used_at < TOUCH_INTERVAL:
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_INTERVAL)
    ).update(last_used_at=now)
    api_key.last_used_at = now


def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    """Revoke at once: the next request with the key gets 401. Revoking twice keeps the date."""
    ApiKey.objects.filter(pk=api_key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
    api_key.refresh_from_db(fields=["revoked_at"])
    return api_key
