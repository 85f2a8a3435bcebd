"""Signatures of outbound deliveries: ``X-Orderloom-Signature: sha256=<hex HMAC-SHA256 of the raw body>``.

The key is the connection's secret. Receivers check the header with :func:`verify_signature` on the
body bytes exactly as received (before any JSON parsing), and apply each ``Idempotency-Key`` once.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Orderloom-Signature"
TIMESTAMP_HEADER = "X-Orderloom-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
PREFIX = "sha256="


def sign(secret: str | bytes, body: bytes) -> str:
    """The signature header value of ``body``: ``sha256=`` + the hex HMAC-SHA256 with ``secret``."""
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    return PREFIX + hmac.new(key, body, hashlib.sha256).hexdigest()


def verify_signature(secret: str | bytes, body: bytes, header: str | None) -> bool:
    """True when ``header`` (the ``X-Orderloom-Signature`` value) signs ``body`` with ``secret``.

    Constant-time comparison; a missing or malformed header is simply ``False``.
    """
    if not header or not header.startswith(PREFIX):
        return False
    return hmac.compare_digest(sign(secret, body).encode("ascii"), header.strip().encode("ascii", "replace"))
