"""The packet signing key (Ed25519, PyNaCl) and the detached signature over manifest.json.

The key is ``settings.GRC_PACKET_SIGNING_KEY``: base64 of a 32-byte seed, e.g. from
``python -c "import base64, os; print(base64.b64encode(os.urandom(32)).decode())"``. On a
local install with no key set, a key is generated once and kept in ``DATA_DIR`` (mode 0600) so
packets verify across restarts. In production (``GRC_REQUIRE_SIGNING_KEY``) a missing key makes
a build fail loudly rather than sign with a key nobody outside this machine can check against.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from nacl.signing import SigningKey

LOCAL_KEY_FILE = "packet-signing.key"


def _decode_seed(text: str) -> bytes:
    try:
        seed = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("GRC_PACKET_SIGNING_KEY is not valid base64.") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured("GRC_PACKET_SIGNING_KEY must be base64 of exactly 32 bytes.")
    return seed


def _local_seed(path: Path) -> bytes:
    """Read the development key, creating it (0600, never overwritten) on first use."""
    if not path.exists():
        seed_text = base64.b64encode(os.urandom(32))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; read theirs
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(seed_text + b"\n")
    return _decode_seed(path.read_text())


def signing_key() -> SigningKey:
    configured = settings.GRC_PACKET_SIGNING_KEY
    if configured:
        return SigningKey(_decode_seed(configured))
    if settings.GRC_REQUIRE_SIGNING_KEY:
        raise ImproperlyConfigured(
            "GRC_PACKET_SIGNING_KEY must be set (base64 of a 32-byte Ed25519 seed) to build "
            "evidence packets in production."
        )
    return SigningKey(_local_seed(Path(settings.DATA_DIR) / LOCAL_KEY_FILE))


def public_key_b64(key: SigningKey | None = None) -> str:
    key = key or signing_key()
    return base64.b64encode(bytes(key.verify_key)).decode()


def manifest_sign(manifest_bytes: bytes, key: SigningKey) -> bytes:
    """The detached signature as written to manifest.sig: base64 text and a newline."""
    return base64.b64encode(key.sign(manifest_bytes).signature) + b"\n"


def public_key_if_configured() -> str:
    """The public key for display, or "" when no key is configured (pages must not fail)."""
    try:
        return public_key_b64()
    except ImproperlyConfigured:
        return ""
