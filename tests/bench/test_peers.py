"""The peers bench (d): `bench/peers.py --quick --json` on a tiny N gives the promised JSON shape, 0 mismatches for
every runner that ran, and skips (never fails) a peer whose package or the shared bench-anchors folder is missing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / "bench" / "peers.py"
KEYS = {"spiff", "spiff_dmn", "zen_native", "zen", "orderloom_engine", "plain"}
FIGURES = {"orders_per_s", "p50_us", "p99_us", "ratio_to_plain", "mismatches"}

pytestmark = pytest.mark.slow


def run_peers(*extra: str) -> dict:
    done = subprocess.run([sys.executable, str(PEERS), "--quick", "--json", "--n", "40", *extra],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])["peers"]


def test_quick_json_shape_and_no_mismatches():
    peers = run_peers()
    assert set(peers) == KEYS
    for name in ("plain", "orderloom_engine"):  # ours always run
        assert "skipped" not in peers[name], peers[name]
    assert peers["plain"]["ratio_to_plain"] == 1.0
    for name, figures in peers.items():
        if "skipped" in figures:
            assert set(figures) == {"skipped"} and figures["skipped"], (name, figures)
            continue
        assert set(figures) >= FIGURES, (name, figures)
        assert figures["mismatches"] == 0, (name, figures)
        assert figures["orders_per_s"] > 0 and 0 < figures["p50_us"] <= figures["p99_us"], (name, figures)


def test_missing_shared_folder_skips_every_peer(tmp_path):
    peers = run_peers("--anchors", str(tmp_path / "no-bench-anchors"))
    assert set(peers) == KEYS
    for name in ("spiff", "spiff_dmn", "zen_native", "zen"):
        assert "shared bench-anchors folder not found" in peers[name]["skipped"]
    assert peers["orderloom_engine"]["mismatches"] == 0 and peers["plain"]["mismatches"] == 0
