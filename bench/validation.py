"""Validation speed on bad inputs and templates, against the 1 s budget per bad input.

Prints one figure per input and a summary; with ``--json`` the last line is one JSON object
``{"validation": {"worst_bad_input_s", "budget_s", "worst_ratio_to_budget", "templates_per_s",
"ratio_to_json_schema_only"}}``. The baseline measured in the same run is plain
``json.loads`` + one jsonschema pass over the same template documents.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from jsonschema import Draft202012Validator  # noqa: E402

from dsl.document import build_flow_schema  # noqa: E402
from dsl.text import parse_flow, print_flow  # noqa: E402
from dsl.validation import validate_source  # noqa: E402
from tests.dsl.validation.bad_inputs import ALL_CASES  # noqa: E402

BUDGET_S = 1.0


def time_bad_inputs(verbose: bool) -> float:
    worst = 0.0
    for case in ALL_CASES:
        start = time.perf_counter()
        validate_source(case.source, syntax=case.syntax)
        spent = time.perf_counter() - start
        worst = max(worst, spent)
        if verbose:
            print(f"  {spent * 1000:9.2f} ms  {case.name}")
    return worst


def time_templates(rounds: int) -> tuple[float, float]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "templates").glob("*.flow"))]
    json_texts = [json.dumps(parse_flow(t), ensure_ascii=False) for t in texts]
    validator = Draft202012Validator(build_flow_schema())
    start = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            validate_source(text)
    ours = rounds * len(texts) / (time.perf_counter() - start)
    start = time.perf_counter()
    for _ in range(rounds):
        for text in json_texts:
            validator.is_valid(json.loads(text))
    baseline = rounds * len(texts) / (time.perf_counter() - start)
    assert all(parse_flow(print_flow(parse_flow(t))) == parse_flow(t) for t in texts)
    return ours, baseline


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--quick", action="store_true", help="fewer template rounds")
    args = parser.parse_args(argv)
    print(f"bad inputs ({len(ALL_CASES)}):")
    worst = time_bad_inputs(verbose=True)
    ours, baseline = time_templates(5 if args.quick else 30)
    print(f"worst bad input: {worst * 1000:.1f} ms = {worst / BUDGET_S:.3f} of the {BUDGET_S:.0f} s budget")
    print(f"templates: {ours:.0f} validations/s (full checks from DSL text); "
          f"json.loads + schema only: {baseline:.0f}/s; ratio {ours / baseline:.2f}")
    if args.json:
        print(json.dumps({"validation": {
            "worst_bad_input_s": round(worst, 4), "budget_s": BUDGET_S,
            "worst_ratio_to_budget": round(worst / BUDGET_S, 4),
            "templates_per_s": round(ours, 1), "ratio_to_json_schema_only": round(ours / baseline, 3)}}))
    return 0 if worst <= BUDGET_S else 1


if __name__ == "__main__":
    raise SystemExit(main())
