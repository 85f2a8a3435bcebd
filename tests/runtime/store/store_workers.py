"""Work run concurrently by the store tests, in threads of this process or in spawned OS processes.

Module-level functions only, so ``multiprocessing``'s spawn start method can import them.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from runtime.store.db import Database
from runtime.store.stock import StockLine, reserve
from runtime.store.timers import claim_due_timers


def in_threads(count: int, work: Callable[[int], Any], start: Any = None) -> tuple[list[Any], list[str]]:
    """Run ``work(i)`` for i in range(count) in ``count`` threads released together; (results, errors)."""
    barrier = threading.Barrier(count)
    results: list[Any] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=60)
            if start is not None:
                start.wait(timeout=60)
            value = work(i)
            with lock:
                results.append(value)
        except BaseException as exc:  # reported by the test, never swallowed
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=110)
    return results, errors


def reserve_attempts(db: Database, order_ids: list[int], sku: str, warehouse: str,
                     start: Any = None) -> tuple[list[bool], list[str]]:
    """One thread and one unit of work per order: reserve 1 unit of ``sku``; (outcomes, errors)."""
    def attempt(i: int) -> bool:
        with db.transaction() as session:
            result = reserve(session, order_ids[i], warehouse, [StockLine(sku, 1)])
            assert result.ok or (result.shortfalls and result.shortfalls[0].available == 0), result
            return result.ok

    return in_threads(len(order_ids), attempt, start)


def reserve_process(url: str, order_ids: list[int], sku: str, warehouse: str, ready: Any, start: Any,
                    out: Any) -> None:
    """Process entry point: :func:`reserve_attempts` on its own engine; puts (outcomes, errors) on ``out``.

    Puts ``True`` on ``ready`` once set up, then waits for ``start`` with the other processes."""
    db = Database.open(url, pool_size=10)
    try:
        ready.put(True)
        out.put(reserve_attempts(db, order_ids, sku, warehouse, start))
    except BaseException as exc:
        out.put(([], [f"{type(exc).__name__}: {exc}"]))
    finally:
        db.dispose()


def claim_until_empty(db: Database, now: datetime, limit: int, hold_s: float = 0.002,
                      pause_s: float = 0.01) -> list[int]:
    """Poll like a timer worker: claim due timers in small transactions, pausing between polls, until
    none is left; returns the ids this claimer won. (The pause matters on SQLite, whose write lock is
    not fair: a process that re-begins at once would starve the others and no race would happen.)"""
    won: list[int] = []
    empty_rounds = 0
    while empty_rounds < 3:
        with db.transaction() as session:
            claimed = claim_due_timers(session, now, limit)
            time.sleep(hold_s)  # "fire" them inside the claiming transaction
        won.extend(t.id for t in claimed)
        empty_rounds = empty_rounds + 1 if not claimed else 0
        time.sleep(pause_s)
    return won


def start_together(processes: list[Any], ready: Any, start: Any) -> None:
    """Start the processes, wait until each has reported ready, then release them at once."""
    for proc in processes:
        proc.start()
    for _ in processes:
        ready.get(timeout=60)
    start.set()


def claim_process(url: str, now: datetime, limit: int, ready: Any, start: Any, out: Any) -> None:
    """Process entry point: two claimer threads on their own engine; puts (ids, errors) on ``out``."""
    db = Database.open(url, pool_size=4)
    try:
        ready.put(True)
        results, errors = in_threads(2, lambda _i: claim_until_empty(db, now, limit), start)
        out.put(([tid for ids in results for tid in ids], errors))
    except BaseException as exc:
        out.put(([], [f"{type(exc).__name__}: {exc}"]))
    finally:
        db.dispose()
