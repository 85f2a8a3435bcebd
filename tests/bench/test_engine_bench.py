"""The engine bench: its reference flow is a valid, canonical template-style flow and gives plain.py's answers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from dsl.text import format_source
from dsl.validation import validate_source

ROOT = Path(__file__).resolve().parents[2]
FLOW = ROOT / "bench" / "flows" / "reference.flow"


def test_reference_flow_is_valid_and_canonical():
    text = FLOW.read_text(encoding="utf-8")
    assert [p.to_dict() for p in validate_source(text, filename=FLOW.name).problems] == []
    assert format_source(text) == text


def test_bench_quick_run_matches_plain_for_every_order():
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "engine.py"), "--json", "--n", "300",
                           "--rounds", "1"], capture_output=True, text=True, timeout=120, check=True)
    figures = json.loads(done.stdout.strip().splitlines()[-1])["engine"]
    assert figures["mismatches"] == 0 and figures["steps_per_order"] == 4
    assert set(figures) >= {"orders_per_s", "p50_us", "p99_us", "ratio_to_plain", "mismatches"}
