"""Deliver due outbox effects: claim, call the named connection, record the result.

One round (:func:`deliver_due`):

1. claim up to ``limit`` due effects (``runtime.store.outbox.claim_due_effects``, its own short
   transaction: each claimed effect is hidden for ``visibility`` and its attempt counted);
2. per effect, outside any transaction, one signed HTTP request to its connection;
3. record the result in a new short transaction: delivered, failed (exponential backoff) or dead.

What goes where:

- ``call_service`` → connection ``data.connection``: ``data.method`` to ``base_url`` + ``data.path``,
  JSON ``data.body`` (no body for GET / HEAD / DELETE);
- ``notify`` → connection ``notify_<data.channel>`` (e.g. ``notify_sms``): ``POST base_url`` with the
  JSON envelope ``{idempotency_key, kind, data, context}`` (context: order_id, channel,
  channel_order_no, instance_id, flow, version — when the row has them);
- ``return.*`` → connection ``returns``: the same envelope.

An effect row's ``connection_name`` names the connection (for notify, ``notify_`` is put in front of
a bare channel name). URLs come only from connections: a path that carries a scheme or host is
refused (never a free URL).

Headers: ``Idempotency-Key`` (the effect's key, the same on every attempt), ``X-Orderloom-Signature:
sha256=<hex HMAC-SHA256 of the raw body with the connection's secret>``, ``X-Orderloom-Timestamp``
(Unix seconds of this attempt), ``X-Orderloom-Attempt``, ``X-Orderloom-Kind``.

Results:

- 2xx → delivered; a ``call_service`` answers the instance first
  (``responder.service_responded(key, True, status, body, None)``), then the row is marked;
- 4xx other than 408 / 429 (and 3xx: redirects are not followed) → permanent: a ``notify`` (or any
  non-call) is dead at once; a ``call_service`` is answered ``ok=False`` (its error port or an
  incident) and marked delivered — the call got its answer;
- 5xx, 408, 429, timeouts and connection errors → ``mark_failed``: retried after 5 s, 10 s, 20 s …
  (capped at 1 h); dead after ``max_attempts``. A ``call_service`` that dies is answered
  ``ok=False`` (code ``SERVICE_UNAVAILABLE``) before the row turns dead, so the instance moves on.

Answering before marking means a crash in between repeats the HTTP call (same key: receivers apply
it once) and the answer (the engine ignores an answer its instance no longer waits for) — never a
lost answer. Dead letters are redriven or discarded with ``runtime.store.outbox.redrive`` /
``discard``; a redriven ``call_service`` whose instance already took its error is delivered, and
its late answer ignored.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol
from urllib.parse import urlsplit

from runtime.outbox import http as http_client
from runtime.outbox.http import HttpResponse, HttpSender, TransportError
from runtime.outbox.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign
from runtime.store.db import Database
from runtime.store.models import Connection
from runtime.store.outbox import ClaimedEffect, claim_due_effects, mark_delivered, mark_failed
from runtime.store.types import utcnow

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=5)
VISIBILITY = timedelta(seconds=60)
NO_BODY_METHODS = frozenset({"GET", "HEAD", "DELETE"})
USER_AGENT = "Orderloom-Outbox/1"
CONTEXT_FIELDS = ("order_id", "channel", "channel_order_no", "instance_id", "flow", "version")


class Responder(Protocol):
    """Who hears a ``call_service`` answer: the runtime (``Runtime.service_responded``)."""

    def service_responded(self, call_key: str, ok: bool, status: int | None, body: Any,
                          error: dict[str, Any] | None) -> None: ...


@dataclass(frozen=True)
class Target:
    """Where and how one effect is sent."""

    connection: str
    method: str
    url: str
    body: bytes | None
    timeout: float
    secret: str


class Undeliverable(Exception):
    """The effect cannot be sent as it stands (no such connection, a free URL in the path, a bad kind)."""


@dataclass
class DeliveryReport:
    """What one round did, per effect key: ``delivered``, ``answered_error``, ``retry``, ``dead``, ``skipped``
    (no responder for a call) or ``error`` (nothing could be recorded: back after the visibility timeout)."""

    outcomes: dict[str, str] = field(default_factory=dict)

    @property
    def claimed(self) -> int:
        return len(self.outcomes)

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes.values() if o == outcome)


def connection_for(kind: str, data: dict[str, Any], connection_name: str | None = None) -> str | None:
    """The connection an effect goes to.

    ``call_service``: the row's ``connection_name``, else ``data.connection``. ``notify``: always a
    ``notify_…`` connection — the row's name when it already is one, else ``notify_`` + the row's name
    or the channel (a row naming just ``sms`` goes to ``notify_sms``). ``return.*``: the row's name, else
    ``returns``.
    """
    if kind == "call_service":
        return connection_name or data.get("connection")
    if kind == "notify":
        if connection_name and connection_name.startswith("notify_"):
            return connection_name
        channel = connection_name or data.get("channel")
        return f"notify_{channel}" if channel else None
    if connection_name:
        return connection_name
    if kind.startswith("return."):
        return "returns"
    return None


def effect_data(payload: dict[str, Any]) -> dict[str, Any]:
    """The effect's data, whether the row stores the data itself or the whole ``effect.to_dict()``."""
    if isinstance(payload.get("data"), dict) and "kind" in payload and "key" in payload:
        return payload["data"]
    return payload


def join_url(base_url: str, path: str | None) -> str:
    """``base_url`` + a relative ``path``; a path with its own scheme or host is refused."""
    path = path or ""
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("//") or "\\" in path:
        raise Undeliverable(f"path {path!r} is not relative to the connection (free URLs are not allowed)")
    if not path:
        return base_url
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def build_target(effect: ClaimedEffect, connection: Any, name: str | None) -> Target:
    """The request for ``effect`` on its connection."""
    if name is None:
        raise Undeliverable(f"no connection for an effect of kind {effect.kind!r}")
    if connection is None:
        raise Undeliverable(f"connection {name!r} is not configured")
    data = effect_data(effect.payload)
    if effect.kind == "call_service":
        method = str(data.get("method") or "POST").upper()
        url = join_url(connection.base_url, data.get("path"))
        body = None if method in NO_BODY_METHODS else _json_bytes(data.get("body") or {})
    else:
        method, url = "POST", connection.base_url
        envelope = {"idempotency_key": effect.idempotency_key, "kind": effect.kind, "data": data}
        context = {k: effect.payload[k] for k in CONTEXT_FIELDS if k in effect.payload and data is not effect.payload}
        if context:
            envelope["context"] = context
        body = _json_bytes(envelope)
    return Target(name, method, url, body, max(connection.timeout_ms, 1) / 1000.0, connection.secret)


def signed_headers(target: Target, effect: ClaimedEffect, now_ts: float | None = None) -> dict[str, str]:
    headers = {IDEMPOTENCY_HEADER: effect.idempotency_key,
               SIGNATURE_HEADER: sign(target.secret, target.body or b""),
               TIMESTAMP_HEADER: str(int(now_ts if now_ts is not None else time.time())),
               "X-Orderloom-Attempt": str(effect.attempts),
               "X-Orderloom-Kind": effect.kind,
               "User-Agent": USER_AGENT,
               "Accept": "application/json"}
    if target.body is not None:
        headers["Content-Type"] = "application/json"
    return headers


def is_permanent(status: int) -> bool:
    """A 3xx or a 4xx other than 408 Request Timeout and 429 Too Many Requests: retrying will not help."""
    return 300 <= status < 500 and status not in (408, 429)


def deliver_due(db: Database, now: datetime | None = None, *, http: HttpSender | None = None,
                responder: Responder | None = None, limit: int = 50, max_attempts: int = MAX_ATTEMPTS,
                base_delay: timedelta = BASE_DELAY, visibility: timedelta = VISIBILITY,
                clock: Callable[[], datetime] = utcnow) -> DeliveryReport:
    """Claim and deliver the effects due at ``now``; see the module docstring for what happens to each.

    ``responder`` receives ``call_service`` answers (pass the worker's ``Runtime``); without one a
    call_service effect is left claimed (retried after ``visibility``) and logged. Results are
    recorded at ``now`` when it is given, else at ``clock()`` when each one is known.
    """
    send = http or http_client.send
    at = now or clock()
    if now is not None:  # an explicit time is the time of the whole round (tests, replays)
        clock = lambda: at  # noqa: E731
    with db.transaction() as session:
        claimed = claim_due_effects(session, at, limit=limit, visibility=visibility)
        names = {e.id: connection_for(e.kind, effect_data(e.payload), e.connection_name) for e in claimed}
        connections = {name: _load_connection(session, name) for name in set(names.values()) if name}
    report = DeliveryReport()
    for effect in claimed:
        if effect.kind == "call_service" and responder is None:
            log.error("outbox: call_service %s needs a responder; left for a later round", effect.idempotency_key)
            report.outcomes[effect.idempotency_key] = "skipped"
            continue
        name = names[effect.id]
        try:
            outcome = _deliver_one(db, effect, name, connections.get(name) if name else None, send, responder,
                                   max_attempts, base_delay, clock)
        except Exception as exc:  # noqa: BLE001 - e.g. the runtime could not record an answer: the next ones go on
            outcome = _unrecorded(db, effect, exc, max_attempts, base_delay, clock)
        report.outcomes[effect.idempotency_key] = outcome
    return report


def _unrecorded(db: Database, effect: ClaimedEffect, exc: Exception, max_attempts: int, base_delay: timedelta,
                clock: Callable[[], datetime]) -> str:
    """The request went out but its result could not be recorded (the runtime refused the answer, the
    database failed): counted as a failed attempt, so it is retried (same key) and dies after the last."""
    if getattr(exc, "code", None) == "RUN_NOT_FOUND":  # the call's instance is gone: nobody waits
        log.warning("outbox: %s answered, but its instance no longer exists", effect.idempotency_key)
        with db.transaction() as session:
            mark_delivered(session, effect.id, clock())
        return "delivered"
    log.exception("outbox: %s: the result could not be recorded", effect.idempotency_key)
    try:
        with db.transaction() as session:
            status = mark_failed(session, effect.id, f"result not recorded: {type(exc).__name__}: {exc}"[:2000],
                                 clock(), max_attempts=max_attempts, base_delay=base_delay)
    except Exception:  # noqa: BLE001 - the claim's visibility timeout brings it back
        log.exception("outbox: %s: could not record the failure either", effect.idempotency_key)
        return "error"
    return "dead" if status == "dead" else "retry"


def _deliver_one(db: Database, effect: ClaimedEffect, name: str | None, connection: _ConnectionData | None,
                 send: HttpSender, responder: Responder | None, max_attempts: int, base_delay: timedelta,
                 clock: Callable[[], datetime]) -> str:
    key, is_call = effect.idempotency_key, effect.kind == "call_service"
    try:
        target = build_target(effect, connection, name)  # type: ignore[arg-type]
    except Undeliverable as err:
        return _failed(db, effect, str(err), None, responder if is_call else None, max_attempts, base_delay, clock)
    try:
        response: HttpResponse = send(target.method, target.url, signed_headers(target, effect), target.body,
                                      target.timeout)
    except TransportError as err:
        return _failed(db, effect, f"{target.method} {target.url}: {err}", None,
                       responder if is_call else None, max_attempts, base_delay, clock)
    status = response.status
    if 200 <= status < 300:
        if is_call:
            responder.service_responded(key, True, status, response.json_or_text(), None)  # type: ignore[union-attr]
        with db.transaction() as session:
            mark_delivered(session, effect.id, clock())
        return "delivered"
    summary = f"{target.method} {target.url} -> HTTP {status}: {_snippet(response.body)}"
    if is_permanent(status):
        if is_call:
            responder.service_responded(  # type: ignore[union-attr]
                key, False, status, response.json_or_text(),
                {"code": f"HTTP_{status}", "message": f"{target.connection} answered HTTP {status}"})
            with db.transaction() as session:
                mark_delivered(session, effect.id, clock())
            return "answered_error"
        with db.transaction() as session:
            mark_failed(session, effect.id, summary, clock(), max_attempts=0)
        return "dead"
    return _failed(db, effect, summary, status, responder if is_call else None, max_attempts, base_delay, clock)


def _failed(db: Database, effect: ClaimedEffect, error: str, status: int | None, responder: Responder | None,
            max_attempts: int, base_delay: timedelta, clock: Callable[[], datetime]) -> str:
    """A retryable failure: backoff, or dead after the last attempt (a dying call is answered first)."""
    log.warning("outbox: %s attempt %d failed: %s", effect.idempotency_key, effect.attempts, error)
    if responder is not None and effect.attempts >= max_attempts:
        responder.service_responded(effect.idempotency_key, False, status, None,
                                    {"code": "SERVICE_UNAVAILABLE",
                                     "message": f"no answer after {effect.attempts} attempts: {error}"[:500]})
    with db.transaction() as session:
        outcome = mark_failed(session, effect.id, error, clock(), max_attempts=max_attempts, base_delay=base_delay)
    return "dead" if outcome == "dead" else "retry"


@dataclass(frozen=True)
class _ConnectionData:
    name: str
    base_url: str
    secret: str
    timeout_ms: int


def _load_connection(session: Any, name: str) -> _ConnectionData | None:
    # a store helper (runtime.store.connections) would be the place for this read; see docs/distributed.md
    row = session.query(Connection).filter_by(name=name).one_or_none()
    if row is None:
        return None
    return _ConnectionData(row.name, row.base_url, row.secret, int(row.timeout_ms or 5000))


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True, default=str).encode("utf-8")


def _snippet(body: bytes, size: int = 200) -> str:
    return body[:size].decode("utf-8", "replace")
