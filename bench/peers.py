"""Peer engines (d): SpiffWorkflow and zen-engine on the bench-anchors workload, next to our engine and plain.py.

The same generated orders (``bench/orders.py``, seed 42) run, in ONE process, through:

- ``plain``            — ``bench/plain.py`` (hand-written Python; the baseline and the reference answers),
- ``orderloom_engine`` — our engine exactly as ``bench/engine.py`` (a) runs it (its functions are imported:
                         snapshot built per order inside the timed loop, every step recorded),
- ``zen_native``, ``zen``, ``spiff_dmn``, ``spiff`` — the shared adapters in ``../shared/bench-anchors/engines/``
  (imported from there by path, never copied), with the flow definitions next to them.

After a warm-up, rounds are interleaved: each round is cut into slices (``--slices``, default 10) and every
runner runs each slice in turn (``gc.collect()`` before each), so the fast runners are timed across the same
minutes of a shared machine as Spiff. For each runner the median round (by wall time, the sum of its slices)
gives orders/s and that round's p50 / p99 per order (nearest rank, µs).
``ratio_to_plain`` = orders/s ÷ plain's orders/s in the same run. Every result of every round is compared
with plain's answer {warehouse, priority, needs_approval, score (1e-9 relative)}: ``mismatches`` must be 0.

A peer whose package (the ``bench`` extra: ``pip install -e '.[bench]'``) or the shared folder is missing,
or whose adapter fails, is reported as ``{"skipped": "<why>"}``; the bench itself does not fail for it.
The exit status is 1 only if something that ran gave a mismatch.

Prints the figures; with ``--json`` the last line is ``{"peers": {"spiff": {...}, "spiff_dmn": {...},
"zen_native": {...}, "zen": {...}, "orderloom_engine": {...}, "plain": {...}}}``.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import importlib.metadata
import importlib.util
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "bench-anchors"
for _path in (str(ROOT), str(BENCH)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

import engine as ours  # noqa: E402  (bench/engine.py: the engine bench (a), reused as is)
import plain  # noqa: E402
from orders import generate_orders  # noqa: E402

ANCHOR_PACKAGE = "_bench_anchor_engines"  # the shared `engines` package, imported by path under this name
# JSON key -> (adapter module in engines/, loader, distribution for the version, what runs)
PEERS = {
    "zen_native": ("zen_jdm", "load_native", "zen-engine",
                   "zen-engine JDM: expression + 4 decision tables + expression node (no JS)"),
    "zen": ("zen_jdm", "load", "zen-engine", "zen-engine JDM: expression + decision table + JS function node"),
    "spiff_dmn": ("spiff_dmn", "load", "SpiffWorkflow",
                  "SpiffWorkflow BPMN: gateway + DMN business rule task + script tasks"),
    "spiff": ("spiff", "load", "SpiffWorkflow", "SpiffWorkflow BPMN: 2 exclusive gateways (+ joins) + script tasks"),
}
ORDER = ("plain", "orderloom_engine", "zen_native", "zen", "spiff_dmn", "spiff")


class Skip(Exception):
    """A peer that cannot run here; the message says why."""


def anchor_engines(shared: Path):
    """The shared ``engines`` package, imported from ``shared/engines`` under a private name (its adapters use
    relative imports, and a bare ``engines`` could clash with something else on sys.path)."""
    if ANCHOR_PACKAGE in sys.modules:
        return sys.modules[ANCHOR_PACKAGE]
    init = shared / "engines" / "__init__.py"
    if not init.is_file():
        raise Skip(f"shared bench-anchors folder not found ({init} is missing)")
    spec = importlib.util.spec_from_file_location(ANCHOR_PACKAGE, init, submodule_search_locations=[str(init.parent)])
    package = importlib.util.module_from_spec(spec)
    sys.modules[ANCHOR_PACKAGE] = package
    try:
        spec.loader.exec_module(package)
    except BaseException:
        del sys.modules[ANCHOR_PACKAGE]
        raise
    return package


def load_peer(name: str, shared: Path) -> tuple[Callable[[dict], dict], dict]:
    """The adapter's per-order function and what loading it cost; Skip when it cannot run here."""
    module_name, loader, dist, what = PEERS[name]
    anchor_engines(shared)
    try:
        version = importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        raise Skip(f"{dist} is not installed (the bench extra: pip install -e '.[bench]')") from None
    t0 = time.perf_counter()
    try:
        module = importlib.import_module(f"{ANCHOR_PACKAGE}.{module_name}")
    except ImportError as exc:
        raise Skip(f"cannot import the {module_name} adapter: {exc}") from exc
    t1 = time.perf_counter()
    run = getattr(module, loader)()
    t2 = time.perf_counter()
    return run, {"what": what, "version": f"{dist} {version}", "import_ms": round((t1 - t0) * 1e3, 1),
                 "load_ms": round((t2 - t1) * 1e3, 1)}


def callable_round(run: Callable[[dict], dict], orders: list[dict]) -> tuple[float, list[int], list]:
    """One pass of a peer adapter, timed the way ``ours.plain_round`` times plain.py."""
    ns = time.perf_counter_ns
    latencies, results = [0] * len(orders), [None] * len(orders)
    start = time.perf_counter()
    for i, o in enumerate(orders):
        t = ns()
        results[i] = run(o)
        latencies[i] = ns() - t
    return time.perf_counter() - start, latencies, results


def measure(runners: dict, orders: list[dict], rounds: int, slices: int, warmup: int, reference: list[dict]) -> dict:
    """Interleaved rounds over every runner; per runner the rounds (wall, latencies) and the worst mismatches.

    ``runners`` maps name -> (one_pass(orders) -> (wall, latencies, results, ...), project(result) -> 4 fields).
    Each round is cut into ``slices`` consecutive slices of the orders and every runner runs each slice in turn, so
    a fast runner's round is spread over the same minutes as Spiff's, not squeezed into one moment of a shared
    machine's load; a runner's round = the sum of its slices. ``gc.collect()`` runs before every slice, so one
    runner's garbage is not collected on the next one's clock, and a slice's results are compared with plain's
    and dropped at once, so no runner times its GC over another's kept results. A peer that raises is dropped
    and reported."""
    done = {name: {"rounds": [], "mismatches": 0} for name in runners}
    failed: dict[str, str] = {}

    def one(name: str, batch: list[dict]):
        try:
            return runners[name][0](batch)[:3]
        except Exception as exc:  # a peer's failure is reported, never fatal
            if name not in PEERS:
                raise
            failed[name] = f"failed: {type(exc).__name__}: {exc}"

    for name in runners:
        one(name, orders[:warmup])
    size = -(-len(orders) // max(1, slices))
    for _ in range(rounds):
        acc = {name: [0.0, [], 0] for name in runners}  # wall, latencies, mismatches of this round
        for lo in range(0, len(orders), size):
            for name in runners:
                if name not in failed:
                    gc.collect()
                    got = one(name, orders[lo:lo + size])
                    if got is not None:  # checked now and dropped: no runner's results weigh on the next one's GC
                        project = runners[name][1]
                        acc[name][0] += got[0]
                        acc[name][1] += got[1]
                        acc[name][2] += sum(not ours.same(project(r), x)
                                            for r, x in zip(got[2], reference[lo:lo + size], strict=True))
                    got = None
        for name, (wall, latencies, bad) in acc.items():
            if name not in failed:
                done[name]["mismatches"] = max(done[name]["mismatches"], bad)
                done[name]["rounds"].append((wall, latencies))
    return {name: ({"skipped": failed[name]} if name in failed else done[name]) for name in runners}


def summarise(measured: dict, n: int) -> dict:
    runs = sorted(measured["rounds"], key=lambda r: r[0])
    wall, latencies = runs[len(runs) // 2]
    return {"orders_per_s": round(n / wall), "p50_us": round(ours.percentile(latencies, 50), 1),
            "p99_us": round(ours.percentile(latencies, 99), 1), "mismatches": measured["mismatches"],
            "round_orders_per_s": [round(n / r[0]) for r in measured["rounds"]]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--quick", action="store_true", help="500 orders × 2 rounds (well under a minute)")
    parser.add_argument("--n", type=int, default=None, help="orders per round (default 10000, quick 500)")
    parser.add_argument("--rounds", type=int, default=None, help="rounds (default 3, quick 2)")
    parser.add_argument("--slices", type=int, default=10, help="slices per round, runners alternating (default 10)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--anchors", type=Path, default=SHARED, help=f"the shared bench-anchors folder ({SHARED})")
    args = parser.parse_args(argv)
    n = args.n or (500 if args.quick else 10_000)
    rounds = args.rounds or (2 if args.quick else 3)
    warmup = min(n, 100 if args.quick else 500)
    orders = generate_orders(n, args.seed)
    reference = [plain.route(o) for o in orders]

    t0 = time.perf_counter()
    plan = ours.compile_source(ours.FLOW.read_text(encoding="utf-8"))
    compile_ms = (time.perf_counter() - t0) * 1e3
    runners: dict = {"plain": (ours.plain_round, lambda r: r),
                     "orderloom_engine": (lambda batch: ours.engine_round(plan, batch), ours.project)}
    info: dict[str, dict] = {"orderloom_engine": {"what": "Orderloom engine, bench/flows/reference.flow, every step "
                                                          "recorded, snapshot built per order",
                                                  "load_ms": round(compile_ms, 1)},
                             "plain": {"what": "bench/plain.py, hand-written Python (baseline)"}}
    skipped: dict[str, str] = {}
    for name in PEERS:
        try:
            run, info[name] = load_peer(name, args.anchors)
        except Skip as exc:
            skipped[name] = str(exc)
        except Exception as exc:  # the adapter's own loading failed: report it, go on
            skipped[name] = f"load failed: {type(exc).__name__}: {exc}"
        else:
            runners[name] = (lambda batch, run=run: callable_round(run, batch), lambda r: r)
    runners = {name: runners[name] for name in ORDER if name in runners}

    load_before = os.getloadavg()[0]
    measured = measure(runners, orders, rounds, args.slices, warmup, reference)
    plain_figures = summarise(measured["plain"], n)
    figures: dict[str, dict] = {}
    for name in ORDER:
        if name in skipped or "skipped" in measured.get(name, {}):
            figures[name] = {"skipped": skipped.get(name) or measured[name]["skipped"]}
            continue
        f = summarise(measured[name], n)
        f["ratio_to_plain"] = round(f["orders_per_s"] / plain_figures["orders_per_s"], 5)
        figures[name] = {**f, **info[name], "n": n, "rounds": rounds}
    zen_native = figures["zen_native"].get("orders_per_s")
    if zen_native:
        figures["orderloom_engine"]["ratio_to_zen_native"] = round(
            figures["orderloom_engine"]["orders_per_s"] / zen_native, 3)

    print(f"peers (d): {n} orders × {rounds} rounds of {args.slices} interleaved slices, seed {args.seed}, one "
          f"process; {os.cpu_count()} CPUs, 1-min load average {load_before:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after")
    print(f"  {'runner':<17}{'orders/s':>12}{'p50 µs':>11}{'p99 µs':>11}{'× plain':>10}{'mismatches':>12}")
    for name, f in figures.items():
        if "skipped" in f:
            print(f"  {name:<17}skipped: {f['skipped']}")
        else:
            print(f"  {name:<17}{f['orders_per_s']:>12,}{f['p50_us']:>11,.1f}{f['p99_us']:>11,.1f}"
                  f"{f['ratio_to_plain']:>10.4f}{f['mismatches']:>12}   {f.get('version', '')}".rstrip())
    if "ratio_to_zen_native" in figures["orderloom_engine"]:
        print(f"  orderloom engine ÷ zen_native = {figures['orderloom_engine']['ratio_to_zen_native']:.2f}")
    if args.json:
        print(json.dumps({"peers": figures}, ensure_ascii=False))
    return 1 if any(f.get("mismatches") for f in figures.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())
