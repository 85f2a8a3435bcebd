"""What the units of work of ONE transaction share, so that an order costs (almost) no statement of its
own: master data, customers with their 24-hour stats, stock and the orders' instances and version
choices are read once per batch; instance ids are handed out ahead; and the append-only rows —
instances that ended in their first run, steps, version choices, outbox effects, reservations — are
written in bulk (one ``executemany`` per table) just before the commit.

Two modes (see ``Runtime.process_orders``):

- **optimistic** (``careful=False``): no savepoint per event. A reservation is checked against the stock
  read in this transaction (kept in step with the reservations it made) and its conditional
  ``UPDATE … WHERE available >= :qty`` is deferred to :meth:`Batch.write`, which checks that every
  one of them took. Anything unexpected — an event that fails, a reservation that does not take —
  raises, the whole transaction rolls back and the batch is run again carefully.
- **careful** (``careful=True``): each event in its own savepoint (a failing event is rolled back
  alone and marked failed); reservations are made at once with :func:`runtime.store.stock.reserve`. A
  unit of work's rows are kept (:meth:`Batch.keep`) only once its savepoint is released.

:meth:`Batch.write` flushes the ORM, then inserts the kept rows — instances first (steps, outbox
effects and child instances refer to them).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, bindparam, event, inspect, select, text, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from runtime.service.release import VersionCache
from runtime.service.snapshots import Master
from runtime.store.bulk import insert_rows
from runtime.store.models import (
    Customer,
    Instance,
    Order,
    OrderLine,
    OrderStatusChange,
    OutboxEffect,
    Payment,
    Reservation,
    Step,
    Stock,
    Surcharge,
    Task,
    Timer,
    VersionChoice,
)
from runtime.store.types import as_utc, utcnow

if TYPE_CHECKING:
    from runtime.store.stock import StockLine

_ID_BLOCK = 32  # ids taken from PostgreSQL's sequence per round trip
_MAX_IDS: dict[tuple[str, ...], Any] = {}
#: what processing changes on an order: written for every changed order by one executemany (Batch.write_orders)
_ORDER_COLUMNS = ("status", "stage", "paid_at", "routed_warehouses", "tags", "hold_reason", "cancel_reason")
_ORDER_WRITTEN = frozenset((*_ORDER_COLUMNS, "updated_at"))
_ORDER_LOADED = frozenset((*_ORDER_COLUMNS, "id", "row_version"))
_ORDER_RELATIONS = frozenset(("lines", "payments", "surcharges", "status_changes"))
_ORDER_TABLE = Order.__table__
_ORDER_UPDATE = (update(_ORDER_TABLE)
                 .where(and_(_ORDER_TABLE.c.id == bindparam("b_id"), _ORDER_TABLE.c.row_version == bindparam("b_v")))
                 .values(row_version=bindparam("b_v2"), updated_at=bindparam("b_at"),
                         **{name: bindparam(f"b_{name}") for name in _ORDER_COLUMNS}))
_NUMBERED = frozenset((Instance, Task, Timer, OrderStatusChange, Payment, Surcharge, OrderLine))
_TAKE = (update(Stock.__table__)
         .where(and_(Stock.__table__.c.sku == bindparam("b_sku"), Stock.__table__.c.warehouse_code == bindparam("b_wh"),
                     Stock.__table__.c.available >= bindparam("b_qty")))
         .values(available=Stock.__table__.c.available - bindparam("b_qty"),
                 reserved=Stock.__table__.c.reserved + bindparam("b_qty"), updated_at=bindparam("b_at")))


class _Short(Exception):
    pass


@contextmanager
def _nothing() -> Iterator[None]:
    yield


class StockMoved(RuntimeError):
    """A deferred reservation did not take: the stock changed under this transaction (run it carefully)."""


@dataclass
class Rows:
    """Rows of one unit of work, written in bulk once it succeeded."""

    instances: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)
    outbox: list[dict[str, Any]] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        self.instances.extend(other.instances)
        self.steps.extend(other.steps)
        self.choices.extend(other.choices)
        self.outbox.extend(other.outbox)

    def clear(self) -> None:
        self.instances.clear()
        self.steps.clear()
        self.choices.clear()
        self.outbox.clear()


class Ids:
    """Ids of new rows, handed out before the rows are written, so that they can be inserted with one
    ``executemany`` per table (and the engine's effect keys can carry an instance's id): on SQLite one
    past the table's largest id (the transaction holds the write lock: ``BEGIN IMMEDIATE``), on
    PostgreSQL from the table's own sequence, a block at a time."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.dialect = session.get_bind().dialect.name
        self._next: dict[str, int] = {}  # SQLite: table → next free id
        self._pools: dict[str, list[int]] = {}  # PostgreSQL: table → ids taken from its sequence, not used yet

    def prefetch(self, *models: Any) -> None:
        """SQLite: read the largest ids of several tables in one statement (saves one per table)."""
        tables = [m.__table__.name for m in models if m.__table__.name not in self._next]
        if self.dialect != "sqlite" or not tables:
            return
        sql = _MAX_IDS.get(tuple(tables))
        if sql is None:
            sql = _MAX_IDS[tuple(tables)] = text("SELECT " + ", ".join(
                f"(SELECT coalesce(max(id), 0) FROM {table})" for table in tables))
        for table, largest in zip(tables, self.session.execute(sql).one(), strict=True):
            self._next[table] = int(largest) + 1

    def next(self, model: Any) -> int:
        table = model.__table__.name
        if self.dialect == "sqlite":
            value = self._next.get(table)
            if value is None:
                self.prefetch(model)
                value = self._next[table]
            self._next[table] = value + 1
            return value
        pool = self._pools.setdefault(table, [])
        if not pool:
            pool.extend(self.session.execute(text(
                f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, :n)"),
                {"n": _ID_BLOCK}).scalars())
            pool.reverse()
        return int(pool.pop())


class Batch:
    """The shared part of every unit of work in one transaction (see the module docstring)."""

    def __init__(self, session: Session, versions: VersionCache, *, careful: bool = True, live: bool = True) -> None:
        self.session = session
        self.versions = versions
        self.careful = careful
        self.live = live  # False: nobody listens (see Runtime._live), live events are not even built
        self.dialect = session.get_bind().dialect.name
        self.master = Master(session)
        self.rows = Rows()
        self.ids = Ids(session)
        self._stock: dict[str, dict[str, int]] = {}  # sku → warehouse → available
        self._takes: list[dict[str, Any]] = []  # deferred conditional stock updates (optimistic mode)
        self._reservations: list[dict[str, Any]] = []
        self._orders: dict[int, tuple[list[Instance], dict[int, int]]] = {}
        self._customers: dict[int, Any] = {}
        self._history: dict[int, list[tuple[datetime, str, bool]]] = {}  # customer → (created, address, coupon)
        versions.refresh(session)
        event.listen(session, "before_flush", self._give_ids)  # goes with the session

    # ---- reading ahead ----------------------------------------------------------------------------------
    def prepare(self, orders: Iterable[Order]) -> None:
        """Read what the orders' units of work will need, a statement per kind of data for all of them:
        instances and version choices, customers and their recent orders, stock of their SKUs."""
        orders = list(orders)
        self.ids.prefetch(Instance, OrderStatusChange, Payment, Task, Timer, Surcharge, OrderLine)
        self.preload([o.id for o in orders])
        customers = {o.customer_id for o in orders if o.customer_id is not None} - set(self._customers)
        if customers:
            for row in self.session.execute(select(
                    Customer.id, Customer.external_ref, Customer.name, Customer.tier, Customer.is_new,
                    Customer.fingerprint, Customer.phone).where(Customer.id.in_(sorted(customers)))):
                self._customers[row.id] = row
            created = [o.created_at for o in orders if o.customer_id in customers]
            history: dict[int, list[tuple[datetime, str, bool]]] = {c: [] for c in customers}
            for customer_id, at, address, coupon in self.session.execute(
                    select(Order.customer_id, Order.created_at, Order.address_hash, Order.coupon_used)
                    .where(Order.customer_id.in_(sorted(customers)),
                           Order.created_at > as_utc(min(created)) - timedelta(hours=24),
                           Order.created_at <= as_utc(max(created)))):
                history[customer_id].append((at, address, bool(coupon)))
            self._history.update(history)
        self.stock({line.sku for o in orders for line in o.lines})

    def preload(self, order_ids: list[int]) -> None:
        """Read the instances and version choices of these orders in one go."""
        from runtime.service.work import load_instances

        wanted = [order_id for order_id in order_ids if order_id not in self._orders]
        if wanted:
            instances, choices = load_instances(self.session, wanted)
            for order_id in wanted:
                self._orders[order_id] = (instances[order_id], choices[order_id])

    def order_state(self, order_id: int) -> tuple[list[Instance], dict[int, int]]:
        """The order's instances (oldest first) and version choices (flow id → version id); the lists are
        shared with the units of work, which keep them up to date."""
        if order_id not in self._orders:
            self.preload([order_id])
        return self._orders[order_id]

    def forget_order(self, order_id: int) -> None:
        """A unit of work on the order failed and was rolled back: write what the earlier ones kept and read
        the order's instances again when next needed."""
        self._orders.pop(order_id, None)
        self.write()

    def customer(self, order: Order) -> dict[str, Any] | None:
        """The customer view of :func:`runtime.service.snapshots.customer_view` from the rows read ahead;
        ``None`` if they were not (the caller reads them itself)."""
        row = self._customers.get(order.customer_id) if order.customer_id is not None else None
        history = self._history.get(order.customer_id) if order.customer_id is not None else None
        if row is None or history is None:
            return None
        end = as_utc(order.created_at)
        start = end - timedelta(hours=24)
        recent = [(address, coupon) for at, address, coupon in history if start < at <= end]
        return {"id": row.external_ref or str(row.id), "name": row.name, "tier": row.tier, "new": bool(row.is_new),
                "fingerprint": row.fingerprint, "phone": row.phone,
                "stats_24h": {"orders": len(recent), "distinct_addresses": len({a for a, _ in recent}),
                              "coupon_orders": sum(1 for _, coupon in recent if coupon)}}

    # ---- ids --------------------------------------------------------------------------------------------
    def instance_id(self) -> int:
        """A new instance id, known before the row is written (the engine's effect keys carry it)."""
        return self.next_id(Instance)

    def next_id(self, model: type) -> int:
        """A new id of ``model``'s table, handed out before the row is written (see :class:`Ids`)."""
        return self.ids.next(model)

    def _give_ids(self, session: Session, *_: Any) -> None:
        """Before every flush: ids for new rows of the tables this batch numbers (see :meth:`next_id`)."""
        for obj in session.new:
            if type(obj) in _NUMBERED and obj.id is None:
                obj.id = self.next_id(type(obj))

    # ---- stock ------------------------------------------------------------------------------------------
    def stock(self, skus: Iterable[str]) -> dict[str, dict[str, int]]:
        """warehouse → sku → available for ``skus``, read once per transaction and kept in step with the
        reservations this transaction made; :meth:`forget_stock` after anything else."""
        skus = set(skus)
        wanted = sorted(skus - self._stock.keys())
        if wanted:
            for sku in wanted:
                self._stock[sku] = {}
            for wh, sku, available in self.session.execute(
                    select(Stock.warehouse_code, Stock.sku, Stock.available).where(Stock.sku.in_(wanted))):
                self._stock[sku][wh] = int(available)
        out: dict[str, dict[str, int]] = {}
        for sku in skus:
            for wh, available in self._stock[sku].items():
                out.setdefault(wh, {})[sku] = available
        return out

    def reserve(self, order_id: int, asked: list[tuple[str, list[StockLine]]], now: datetime) -> bool:
        """Reserve every line of every (warehouse, lines) for the order, or none; ``False`` when short.
        Careful: at once (:func:`runtime.store.stock.reserve`, in a savepoint when there are several).
        Optimistic: checked against the stock this transaction read, the conditional updates deferred to
        :meth:`write` (which fails the batch if one does not take)."""
        from runtime.store import stock

        merged = [(warehouse, stock._merged(lines)) for warehouse, lines in asked]
        if self.careful:
            try:
                with self.session.begin_nested() if len(asked) > 1 else _nothing():
                    for warehouse, lines in asked:
                        if not stock.reserve(self.session, order_id, warehouse, lines, now=now).ok:
                            raise _Short
            except _Short:
                self.forget_stock()
                return False
            for warehouse, wanted in merged:
                self.reserved(warehouse, wanted)
            return True
        need: dict[tuple[str, str], int] = {}
        for warehouse, wanted in merged:
            for sku, qty in wanted:
                need[(warehouse, sku)] = need.get((warehouse, sku), 0) + qty
        levels = self.stock({sku for _, sku in need})
        if any(levels.get(warehouse, {}).get(sku, 0) < qty for (warehouse, sku), qty in need.items()):
            return False
        when = as_utc(now)
        for warehouse, wanted in merged:
            for sku, qty in wanted:
                self._takes.append({"b_sku": sku, "b_wh": warehouse, "b_qty": qty, "b_at": when})
                self._reservations.append({"order_id": order_id, "sku": sku, "warehouse_code": warehouse, "qty": qty,
                                           "status": "active", "reason": None, "created_at": when,
                                           "ended_at": None})
            self.reserved(warehouse, wanted)
        return True

    def release(self, order_id: int, reason: str, now: datetime, *, fulfil: bool = False) -> int:
        """:func:`runtime.store.stock.release` (or ``fulfil``) of the order's reservations, the deferred
        ones made first; returns the units."""
        from runtime.store import stock

        self.flush_stock()
        units = (stock.fulfil(self.session, order_id, now=now) if fulfil
                 else stock.release(self.session, order_id, reason=reason, now=now))
        self.forget_stock()
        return units

    def reserved(self, warehouse: str, lines: Iterable[tuple[str, int]]) -> None:
        """This transaction reserved ``lines`` in ``warehouse``."""
        for sku, qty in lines:
            levels = self._stock.get(sku)
            if levels is not None and warehouse in levels:
                levels[warehouse] -= qty

    def forget_stock(self) -> None:
        """Stock changed otherwise (a release, a conflict): deferred reservations are made now, and stock is
        read again when next needed."""
        self.flush_stock()
        self._stock.clear()

    def flush_stock(self) -> None:
        """Make the deferred reservations: every conditional update must take, else :class:`StockMoved`."""
        if not self._takes:
            return
        takes, reservations = self._takes, self._reservations
        self._takes, self._reservations = [], []
        result = self.session.connection().execute(_TAKE, takes)
        if result.rowcount != len(takes):
            raise StockMoved(f"{len(takes) - result.rowcount} deferred reservation(s) did not take")
        insert_rows(self.session, Reservation.__table__, reservations)

    # ---- orders -----------------------------------------------------------------------------------------
    def write_orders(self) -> None:
        """The orders whose processing columns changed, in ONE ``executemany`` of ``UPDATE orders … WHERE id = :id
        AND row_version = :v`` (the ORM sends a versioned UPDATE per object), the row count checked — a stale
        order fails the batch as the ORM's check would; the objects are then clean for the ORM (new row
        version, values committed). An order with any other column changed, or one not fully loaded, is
        left to the ORM's flush."""
        if not self.session.get_bind().dialect.supports_sane_multi_rowcount:
            return  # the summed row count could not be trusted: the ORM's one-by-one check
        rows, written = [], []
        for obj in self.session.dirty:
            if not isinstance(obj, Order):
                continue
            state = inspect(obj)
            changed = set(state.committed_state) - _ORDER_RELATIONS
            if not changed or not changed <= _ORDER_WRITTEN or not _ORDER_LOADED <= obj.__dict__.keys():
                continue
            values = {f"b_{name}": getattr(obj, name) for name in _ORDER_COLUMNS}
            at = obj.updated_at if "updated_at" in changed else utcnow()
            rows.append({**values, "b_id": obj.id, "b_v": obj.row_version, "b_v2": obj.row_version + 1, "b_at": at})
            written.append((obj, at))
        if not rows:
            return
        result = self.session.connection().execute(_ORDER_UPDATE, rows)
        if result.rowcount != len(rows):
            raise StaleDataError(f"UPDATE orders: {len(rows) - result.rowcount} of {len(rows)} rows were changed "
                                 "by another transaction")
        for obj, at in written:
            for name in _ORDER_COLUMNS:
                set_committed_value(obj, name, getattr(obj, name))
            set_committed_value(obj, "updated_at", at)
            set_committed_value(obj, "row_version", obj.row_version + 1)

    # ---- rows -------------------------------------------------------------------------------------------
    def keep(self, rows: Rows) -> None:
        """A unit of work succeeded: its rows will be written."""
        self.rows.extend(rows)
        rows.clear()

    def write(self) -> None:
        """Write the changed orders, flush the ORM and the deferred reservations, then insert the kept rows
        (instances before the steps, outbox effects and child instances that refer to them)."""
        self.write_orders()
        self.session.flush()
        self.flush_stock()
        rows = self.rows
        rows.instances.sort(key=lambda r: r["id"])  # a child after its parent
        insert_rows(self.session, Instance.__table__, rows.instances)
        insert_rows(self.session, Step.__table__, rows.steps)
        insert_rows(self.session, VersionChoice.__table__, rows.choices)
        insert_rows(self.session, OutboxEffect.__table__, rows.outbox)
        rows.clear()
