"""Webhook signatures: ``X-GRC-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>``.

The HMAC covers ``f"{t}.{body}"`` (the raw request body bytes) with the webhook's secret, the
scheme Stripe uses. A receiver recomputes it, compares in constant time and rejects a timestamp
older than five minutes, so a captured request cannot be replayed later. This module uses only
the standard library: copy it into a receiver as it is.

    from verify import verify_signature
    verify_signature(secret, request.headers["X-GRC-Signature"], request.body)  # raises if bad
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-GRC-Signature"
TOLERANCE_SECONDS = 300


class SignatureError(Exception):
    """The signature is missing, malformed, wrong, or too old (a replay)."""


def signature_for(secret: str, timestamp: int, body: bytes) -> str:
    signed = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, body: bytes, timestamp: int | None = None) -> str:
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},v1={signature_for(secret, stamp, body)}"


def verify_signature(
    secret: str,
    header: str,
    body: bytes,
    *,
    tolerance: int = TOLERANCE_SECONDS,
    now: float | None = None,
) -> int:
    """Return the signed timestamp, or raise SignatureError."""
    parts: dict[str, list[str]] = {}
    for item in (header or "").split(","):
        name, _, value = item.strip().partition("=")
        parts.setdefault(name, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError):
        raise SignatureError("no timestamp in the signature header") from None
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance:
        raise SignatureError("timestamp outside the tolerance (a replay?)")
    expected = signature_for(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, given) for given in parts.get("v1", [])):
        raise SignatureError("signature does not match")
    return timestamp
