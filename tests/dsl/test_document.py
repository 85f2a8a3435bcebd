"""Content and behaviour hashes, and the shipped JSON Schema file."""

import copy
import json

from jsonschema import Draft202012Validator

from dsl.document import FORMAT, KINDS, SCHEMA_FILE, behaviour_hash, build_flow_schema, content_hash

DOC = {"format": FORMAT, "key": "k", "name": "名字", "kind": "approval",
       "trigger": {"start": "a"},
       "nodes": [{"id": "a", "type": "end", "config": {"outcome": "done"}, "ui": {"x": 1, "y": 2}, "note": "n"}],
       "edges": []}


def test_shipped_schema_file_is_current_with_the_catalog():
    """`python -m dsl.document` regenerates it; this fails when someone forgot to."""
    assert json.loads(SCHEMA_FILE.read_text(encoding="utf-8")) == build_flow_schema()


def test_schema_is_draft_2020_12_and_lists_the_stages():
    schema = build_flow_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["kind"]["enum"] == list(KINDS)
    assert Draft202012Validator(schema).is_valid(DOC)


def test_content_hash_is_sha256_of_canonical_json():
    import hashlib
    canonical = json.dumps(DOC, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert content_hash(DOC) == hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def test_key_order_does_not_change_the_hash():
    reordered = dict(reversed(list(DOC.items())))
    assert content_hash(reordered) == content_hash(DOC)


def test_moving_a_box_changes_content_but_not_behaviour():
    moved = copy.deepcopy(DOC)
    moved["nodes"][0]["ui"] = {"x": 500, "y": 2}
    moved["nodes"][0]["note"] = "another note"
    assert content_hash(moved) != content_hash(DOC)
    assert behaviour_hash(moved) == behaviour_hash(DOC)


def test_changing_config_changes_behaviour():
    changed = copy.deepcopy(DOC)
    changed["nodes"][0]["config"]["outcome"] = "other"
    assert behaviour_hash(changed) != behaviour_hash(DOC)


def test_behaviour_hash_does_not_touch_the_input():
    before = copy.deepcopy(DOC)
    behaviour_hash(DOC)
    assert DOC == before
