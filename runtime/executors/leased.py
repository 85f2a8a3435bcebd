"""Running orders under a lease (DESIGN, engine contract): claim, heartbeat while the batch runs, release.

A worker process that is handed order ids (a ``process_orders`` message, a sweeper's re-enqueue):

1. claims them in ``order_leases`` in one short committed transaction — only the orders that have
   unprocessed events and that nobody holds (:func:`runtime.store.leases.claim`);
2. runs ``Runtime.process_orders`` on the claimed ones while a :class:`Heartbeat` thread renews their
   leases every third of the lease's time;
3. releases them and, in the same transaction, looks for events that arrived meanwhile: those orders
   go round again (their own messages found the lease taken and dropped them).

A duplicate message claims nothing (the lease is held, or the events are processed); a worker that
dies stops renewing, its leases lapse and the sweeper re-enqueues the orders (:func:`sweep`).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from typing import Any

from runtime.store import leases
from runtime.store.types import utcnow

log = logging.getLogger(__name__)

MAX_ROUNDS = 10  # orders that keep getting new events are left to their own messages after this many


def worker_id() -> str:
    """This process's lease owner name: host, pid and a random tag (a restarted pid is someone else)."""
    return f"{socket.gethostname()[:60]}:{os.getpid()}:{secrets.token_hex(4)}"


class Heartbeat:
    """Renews the leases this process holds, every ``ttl / 3``, on a daemon thread started on first use.

    A renewal that finds a lease gone (it lapsed and another worker took it) is logged: the batch goes on,
    and the order's row lock decides which of the two runs does the work — the other finds it done.
    """

    def __init__(self, db: Any, owner: str, ttl: timedelta, clock: Callable[[], datetime] = utcnow) -> None:
        self.db, self.owner, self.ttl, self.clock = db, owner, ttl, clock
        self.interval = ttl.total_seconds() / 3
        self._held: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def hold(self, order_ids: Iterable[int]) -> None:
        with self._lock:
            self._held.update(order_ids)
            if self._thread is None:
                self._thread = threading.Thread(target=self._beat, name="orderloom-heartbeat", daemon=True)
                self._thread.start()

    def drop(self, order_ids: Iterable[int]) -> None:
        with self._lock:
            self._held.subtract(order_ids)
            self._held = +self._held  # forget the ones at zero

    def beat(self) -> list[int]:
        """Renew now; returns the orders whose lease was lost."""
        with self._lock:
            held = list(self._held)
        if not held:
            return []
        with self.db.transaction() as session:
            kept = leases.renew(session, held, self.owner, self.clock(), self.ttl)
        lost = sorted(set(held) - set(kept))
        if lost:
            log.warning("heartbeat: the leases of %s were lost (lapsed and taken over)", _some(lost))
        return lost

    def _beat(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.beat()
            except Exception:  # noqa: BLE001 - the next beat tries again; a lapsed lease is only a delay
                log.exception("heartbeat failed")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)


class LeasedRunner:
    """Runs orders with ``runtime.process_orders`` under leases (see the module docstring)."""

    def __init__(self, runtime: Any, owner: str, ttl: timedelta, clock: Callable[[], datetime] = utcnow) -> None:
        self.runtime, self.db, self.owner, self.ttl, self.clock = runtime, runtime.db, owner, ttl, clock
        self.heartbeat = Heartbeat(self.db, owner, ttl, clock)

    def run(self, order_ids: Iterable[int]) -> dict[str, Any]:
        """Claim, process, release; again for orders that got new events meanwhile. Returns
        ``{"claimed": [order ids], "events": n}`` (nothing claimed: a duplicate or late message)."""
        todo = sorted({int(i) for i in order_ids})
        claimed: set[int] = set()
        events = 0
        for _ in range(MAX_ROUNDS):
            with self.db.transaction() as session:
                mine = leases.claim(session, todo, self.owner, self.clock(), self.ttl)
            if not mine:
                break
            claimed.update(mine)
            events += self._process(mine)
            with self.db.transaction() as session:
                leases.release(session, mine, self.owner)
                todo = leases.unprocessed(session, mine)
            if not todo:
                break
        return {"claimed": sorted(claimed), "events": events}

    def _process(self, order_ids: list[int]) -> int:
        self.heartbeat.hold(order_ids)
        try:
            results = self.runtime.process_orders(order_ids)
        except BaseException:
            self._hand_back(order_ids)
            raise
        finally:
            self.heartbeat.drop(order_ids)
        return sum(r["processed"] + r["failed"] for r in results)

    def _hand_back(self, order_ids: list[int]) -> None:
        """The batch failed (a database error): release at once — the next delivery of these orders can claim
        them without waiting for the leases to lapse."""
        try:
            with self.db.transaction() as session:
                leases.release(session, order_ids, self.owner)
        except Exception:  # noqa: BLE001 - the leases lapse by themselves
            log.warning("could not hand back the leases of %s", _some(order_ids), exc_info=True)

    def close(self) -> None:
        self.heartbeat.close()


def sweep(db: Any, submit: Callable[[list[int]], None], ttl: timedelta, *, now: datetime | None = None,
          limit: int = 200) -> list[int]:
    """Re-enqueue orders whose work nobody is doing: a lapsed lease, or an event that has waited longer
    than a lease lasts with no lease at all (its message was lost). Returns the orders sent."""
    at = now or utcnow()
    with db.read() as session:
        orders = leases.orphaned(session, at, stale_before=at - ttl, limit=limit)
    if orders:
        submit(orders)
        log.info("sweeper: %s re-enqueued (lapsed lease or lost message)", _some(orders))
    return orders


def _some(order_ids: list[int], shown: int = 5) -> str:
    """``3 orders (7, 9, 12)`` — a log line stays short however many there are."""
    more = ", …" if len(order_ids) > shown else ""
    return f"{len(order_ids)} order(s) ({', '.join(map(str, order_ids[:shown]))}{more})"
