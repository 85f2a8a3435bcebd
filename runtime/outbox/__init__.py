"""Outbox delivery: signed, at-least-once HTTP delivery of notify / call_service effects to named connections.

``deliver_due(db, now, http=..., responder=runtime)`` runs one round; the Celery beat task
``deliver_outbox`` calls it every second (and after commits). Receivers check
``verify_signature(secret, raw_body, header)`` and apply each ``Idempotency-Key`` once.
"""

from __future__ import annotations

from runtime.outbox.delivery import DeliveryReport, Undeliverable, connection_for, deliver_due, is_permanent
from runtime.outbox.http import HttpResponse, TransportError
from runtime.outbox.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify_signature

__all__ = [
    "IDEMPOTENCY_HEADER", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "DeliveryReport", "HttpResponse", "TransportError",
    "Undeliverable", "connection_for", "deliver_due", "is_permanent", "sign", "verify_signature",
]
