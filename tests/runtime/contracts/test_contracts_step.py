"""The published step contract validates REAL engine output: every template, driven through its waits."""

from __future__ import annotations

import collections

import jsonschema
import pytest

from dsl.catalog import all_node_types
from runtime.contracts import NAMES, load, path_of, validator
from tests.runtime.contracts.contract_support import extra_flow_steps, template_names, template_steps


def _errors(steps):
    v = validator("step")
    out = []
    for step in steps:
        for err in v.iter_errors(step):
            out.append(f"{step['type']}/{step['status']} {list(err.absolute_path)}: {err.message[:300]}")
    return out


@pytest.mark.parametrize("name", NAMES)
def test_every_contract_is_a_valid_draft_2020_12_schema(name):
    schema = load(name)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].endswith(path_of(name).name)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert load(f"{name}.schema.json") == schema


def test_load_refuses_unknown_names_and_returns_copies():
    with pytest.raises(KeyError):
        load("nope")
    a = load("step")
    a["title"] = "changed"
    assert load("step")["title"] != "changed"


def test_the_step_type_enum_is_the_catalog_plus_the_trigger():
    schema = load("step")
    assert set(schema["properties"]["type"]["enum"]) == {n.name for n in all_node_types()} | {"trigger"}
    for name in schema["properties"]["type"]["enum"]:
        assert name in schema["$defs"], f"no explanation schema for {name}"


@pytest.mark.parametrize("name", template_names())
def test_every_step_of_every_template_matches_the_step_schema(name):
    steps = template_steps(name)
    assert steps, f"{name} produced no step"
    assert _errors(steps) == []


def test_every_step_of_the_extra_flows_matches_and_together_they_cover_every_node_type_and_status():
    seen_types, seen_status = collections.Counter(), collections.Counter()
    for name, steps in extra_flow_steps().items():
        assert _errors(steps) == [], name
        seen_types.update(s["type"] for s in steps)
        seen_status.update(s["status"] for s in steps)
    for name in template_names():
        steps = template_steps(name)
        seen_types.update(s["type"] for s in steps)
        seen_status.update(s["status"] for s in steps)
    assert set(load("step")["properties"]["type"]["enum"]) <= set(seen_types)
    assert set(seen_status) == {"done", "waiting", "absorbed", "incident", "cancelled"}


def test_the_schema_rejects_a_drifted_explanation():
    steps = template_steps("s5-multi-factor-routing")
    route = next(s for s in steps if s["type"] == "route" and s["status"] == "done")
    bad = {**route, "explanation": {**route["explanation"], "winner_score": "1"}}
    assert _errors([route]) == [] and _errors([bad])
    missing = {**route, "explanation": {k: v for k, v in route["explanation"].items() if k != "candidates"}}
    assert _errors([missing])
    assert _errors([{**route, "started": "2026-03-02 10:00"}])  # no offset, no T
