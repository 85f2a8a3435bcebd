"""Impact preview speed: 1,000 recorded orders replayed through a draft routing version and the active one,
against the engine's raw speed on the same recorded snapshots, measured in the same run.

The world (``bench/service_world.py``): the demo's master data, every template published, stock topped up;
1,000 bench-anchors orders (plus 10 % spare) ingested and run through the pipeline, every human task approved
so that they reach routing. The draft is the S5 routing template with a route filter excluding warehouse hz.

- ``preview``: what a preview job does after its row is stored — read the newest 1,000 recorded routing
  snapshots (``runtime.preview.records``) and replay each order through both versions with the dry run's
  sandbox, building the report (``runtime.preview.core.run_preview``);
- ``baseline`` (the engine's raw speed): the same 1,000 snapshots, each run through both plans by
  ``runtime.engine.run`` alone (``events.start``; no sandbox, no step or effect shapes, no report).

``orders_per_s`` = orders previewed per second (each through two versions), ``seconds_for_1000`` = the time
of one preview of 1,000 orders (median of the rounds), ``ratio_to_engine`` = orders_per_s ÷ the baseline's
orders/s (through the same two versions). Target: ``seconds_for_1000`` ≤ 1 on 2 cores. With ``--json`` the
last line is ``{"preview": {…}}``.
"""

from __future__ import annotations

import argparse
import copy
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import service_world as world  # noqa: E402
from sqlalchemy import select  # noqa: E402

from dsl.document import behaviour_hash, content_hash  # noqa: E402
from dsl.text import print_flow  # noqa: E402
from runtime.engine import build_snapshot, compile_plan, events, run  # noqa: E402
from runtime.preview.core import revive, run_preview  # noqa: E402
from runtime.preview.records import Filters, load_records, subflow_versions  # noqa: E402
from runtime.service import Runtime  # noqa: E402
from runtime.store.db import Database  # noqa: E402
from runtime.store.models import Flow, FlowVersion  # noqa: E402
from runtime.store.versions import active_version  # noqa: E402

ROUTING = "multi-factor-routing"
ORDERS = 1000


class Collect:
    """An executor that only remembers what it was given (the orders are processed afterwards in batches)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, order_ids: list[int]) -> None:
        self.ids.extend(order_ids)


def build(url: str, orders: int) -> tuple[Database, Runtime]:
    db = world.build_world(url)
    collect = Collect()
    rt = Runtime(db, executor=collect, clock=lambda: world.NOW)
    for n, payload in enumerate(world.payloads(orders)):
        rt.ingest("bench", f"pv-{n}", "order.paid", payload)
    for start in range(0, len(collect.ids), 32):
        rt.process_orders(collect.ids[start:start + 32])
    for _ in range(3):  # an approval may lead to the next human step
        tasks = rt.list_tasks(status="active")
        for task in tasks:
            rt.decide_task(task["id"], "approved", {}, "bench")
        if not tasks:
            break
    return db, rt


def draft_without_hz(db: Database) -> tuple[Any, Any]:
    """(the active routing version's document, a draft of it whose route excludes hz)."""
    with db.transaction() as session:
        active = active_version(session, ROUTING)
        document = copy.deepcopy(active.document)
        route = next(n for n in document["nodes"] if n["type"] == "route")
        route["config"]["filters"] = [{"name": "not_hz", "keep_when": 'candidate.id != "hz"'}]
        flow = session.execute(select(Flow).where(Flow.key == ROUTING)).scalar_one()
        session.add(FlowVersion(flow_id=flow.id, number=active.number + 1, state="draft", document=document,
                                dsl=print_flow(document), content_hash=content_hash(document),
                                behaviour_hash=behaviour_hash(document), created_by="bench"))
        return active, document


def preview_once(db: Database, rt: Runtime, active: Any, proposed: Any, baseline: Any) -> tuple[float, float,
                                                                                                 dict[str, Any]]:
    """(seconds reading, seconds replaying, report) of one preview of the newest 1,000 orders."""
    start = time.perf_counter()
    with db.read() as session:
        records = load_records(session, active.flow_id, active.kind, Filters(limit=ORDERS), rt.tz)
        versions = subflow_versions(session, [])
    read = time.perf_counter()
    report = run_preview(records, proposed, baseline, versions=versions)
    return read - start, time.perf_counter() - read, report


def engine_once(records: list[Any], plans: list[Any]) -> float:
    """Seconds for the engine alone to run every record's snapshot through every plan."""
    start = time.perf_counter()
    for record in records:
        snapshot = build_snapshot(**revive(record.snapshot))
        for plan in plans:
            run(plan, None, events.start("bench"), snapshot, record.at)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    parser.add_argument("--json", action="store_true", help="print one JSON object as the last line")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 7
    tmp = tempfile.mkdtemp(prefix="orderloom-bench-preview-")
    try:
        started = time.perf_counter()
        db, rt = build(f"sqlite:///{tmp}/preview.db", ORDERS + ORDERS // 10)
        print(f"world: {ORDERS + ORDERS // 10} orders run in {time.perf_counter() - started:.1f} s")
        active, draft = draft_without_hz(db)
        proposed, baseline = compile_plan(draft), compile_plan(active.document)
        with db.read() as session:
            records = load_records(session, active.flow_id, active.kind, Filters(limit=ORDERS), rt.tz)
        assert len(records) == ORDERS, f"only {len(records)} orders reached routing"
        previews, engines = [], []
        for _ in range(rounds):  # interleaved, so both see the same machine load
            previews.append(preview_once(db, rt, active, proposed, baseline))
            engines.append(engine_once(records, [proposed, baseline]))
        report = previews[-1][2]
        figures = summarise(previews, engines, report)
        print(f"preview of {ORDERS} orders through 2 versions: {figures['seconds_for_1000']:.3f} s "
              f"(reading {figures['read_seconds']:.3f} s, replaying {figures['replay_seconds']:.3f} s) = "
              f"{figures['orders_per_s']:,.0f} orders/s; engine alone {figures['engine_orders_per_s']:,.0f} orders/s; "
              f"ratio {figures['ratio_to_engine']:.3f}; {report['changed']} orders changed "
              f"(target: ≤ 1 s for 1,000 → {'met' if figures['seconds_for_1000'] <= 1 else 'missed'})")
        db.dispose()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.json:
        print(json.dumps({"preview": figures}))
    return 0


def summarise(previews: list[tuple[float, float, dict[str, Any]]], engines: list[float],
              report: dict[str, Any]) -> dict[str, Any]:
    totals = [read + replay for read, replay, _ in previews]
    seconds = statistics.median(totals)
    engine = statistics.median(engines)
    return {"orders": ORDERS, "versions": 2, "rounds": len(previews), "seconds_for_1000": round(seconds, 4),
            "orders_per_s": round(ORDERS / seconds, 1),
            "read_seconds": round(statistics.median(r for r, _, _ in previews), 4),
            "replay_seconds": round(statistics.median(p for _, p, _ in previews), 4),
            "round_seconds": [round(t, 4) for t in totals],
            "engine_orders_per_s": round(ORDERS / engine, 1), "ratio_to_engine": round(engine / seconds, 4),
            "changed": report["changed"]}


if __name__ == "__main__":
    raise SystemExit(main())
