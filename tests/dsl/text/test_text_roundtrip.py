"""JSON -> DSL -> JSON is the identity for every schema-valid document, and printing is canonical."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_text_support import document, from_schema, is_valid, same

from dsl.catalog import all_node_types
from dsl.text import format_source, parse_flow, print_flow

pytestmark = pytest.mark.slow  # property tests: in `make test`, not in `make test-fast`

NODE_TYPES = [n.name for n in all_node_types()]
SETTINGS = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                            HealthCheck.too_slow])


def check_round_trip(doc: dict) -> None:
    text = print_flow(doc)
    back = parse_flow(text)
    assert same(back, doc), text
    assert print_flow(back) == text
    assert format_source(text) == text


@pytest.mark.parametrize("type_name", NODE_TYPES)
@SETTINGS
@given(data=st.data())
def test_round_trip_per_node_type(type_name, data):
    check_round_trip(data.draw(document([type_name])))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.filter_too_much,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_round_trip_mixed_documents(data):
    check_round_trip(data.draw(document(NODE_TYPES)))


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12)


@settings(max_examples=200, deadline=None)
@given(config=st.dictionaries(st.text(max_size=8), JSON, max_size=4), label=st.text(), note=st.text())
def test_any_json_config_round_trips(config, label, note):
    """Beyond the schema: any keys (quoted when not names), any values, any unicode text."""
    doc = {"format": "orderloom.flow/1", "key": "k", "name": "n", "kind": "intake", "trigger": {"start": "a"},
           "nodes": [{"id": "a", "type": "call_service", "label": label, "note": note, "config": config}],
           "edges": []}
    check_round_trip(doc)


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(exclude_categories=()), max_size=20))
def test_every_code_point_round_trips_including_lone_surrogates(value):
    doc = {"format": "orderloom.flow/1", "key": "k", "name": value or "n", "description": value,
           "kind": "intake", "trigger": {"start": "a", "when": value or "x"},
           "nodes": [{"id": "a", "type": "condition", "config": {"when": value}}], "edges": []}
    check_round_trip(doc)


def test_generated_documents_are_schema_valid():
    """The strategy really produces valid documents (else the round trip proves little)."""
    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
    @given(document(NODE_TYPES))
    def check(doc):
        assert is_valid(doc)
    check()


def test_config_strategy_covers_every_node_type():
    for node_type in all_node_types():
        assert from_schema(node_type.config_schema) is not None
