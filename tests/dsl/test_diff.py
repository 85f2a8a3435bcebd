"""The diff a reviewer reads: nodes, config paths, edges, trigger and kind, the DSL text, layout-only moves."""

from __future__ import annotations

import copy
from pathlib import Path

from dsl.diff import changed_paths, diff_documents, unified_text_diff
from dsl.text import parse_flow, print_flow

ROUTING = parse_flow((Path(__file__).resolve().parents[2] / "templates" / "s5-multi-factor-routing.flow")
                     .read_text(encoding="utf-8"))


def _edited(**changes):
    doc = copy.deepcopy(ROUTING)
    for change in changes.values():
        change(doc)
    return doc


def _node(doc, node_id):
    return next(n for n in doc["nodes"] if n["id"] == node_id)


def test_a_weight_change_names_the_node_and_the_config_path():
    new = _edited(weight=lambda d: _node(d, "choose_warehouse")["config"]["factors"][1].update(weight=0.75))
    result = diff_documents(ROUTING, new, old_text=print_flow(ROUTING), new_text=print_flow(new))
    assert result["structural"]["nodes_changed"] == [{"id": "choose_warehouse", "paths": ["config.factors[1].weight"]}]
    assert result["structural"]["nodes_added"] == [] and result["structural"]["nodes_removed"] == []
    assert not result["layout_only"] and not result["identical"]
    assert "-        weight: 0.3\n" in result["text_diff"] and "+        weight: 0.75\n" in result["text_diff"]


def test_added_and_removed_nodes_and_edges_and_a_new_trigger():
    def add_hold(doc):
        doc["nodes"].append({"id": "held", "type": "end", "config": {"outcome": "held"}})
        doc["edges"] = [e for e in doc["edges"] if e["from"] != "choose_warehouse" or e["port"] != "backorder"]
        doc["edges"].append({"from": "choose_warehouse", "port": "backorder", "to": "held"})
        doc["nodes"] = [n for n in doc["nodes"] if n["id"] != "backorder"]
        doc["trigger"]["when"] = "order.total > 100"
    new = _edited(hold=add_hold)
    structural = diff_documents(ROUTING, new)["structural"]
    assert structural["nodes_added"] == ["held"]
    assert structural["nodes_removed"] == ["backorder"]
    assert structural["edges_added"] == [{"from": "choose_warehouse", "port": "backorder", "to": "held"}]
    assert structural["edges_removed"] == [{"from": "choose_warehouse", "port": "backorder", "to": "backorder"}]
    assert structural["trigger_changed"] and structural["trigger_paths"] == ["when"]
    assert not structural["kind_changed"]


def test_moving_boxes_and_editing_notes_is_layout_only():
    def move(doc):
        _node(doc, "reserve")["ui"] = {"x": 999, "y": 1}
        _node(doc, "routed")["note"] = "看这里"
    new = _edited(move=move)
    result = diff_documents(ROUTING, new)
    assert result["layout_only"] is True
    assert result["structural"]["nodes_changed"] == [{"id": "reserve", "paths": ["ui.x", "ui.y"]},
                                                     {"id": "routed", "paths": ["note"]}]


def test_identical_documents_have_an_empty_diff_and_are_not_layout_only():
    result = diff_documents(ROUTING, copy.deepcopy(ROUTING), old_text=print_flow(ROUTING),
                            new_text=print_flow(ROUTING))
    assert result["identical"] and not result["layout_only"] and result["text_diff"] == ""


def test_kind_name_and_type_changes():
    new = _edited(kind=lambda d: d.update(kind="approval", name="新名字"))
    structural = diff_documents(ROUTING, new)["structural"]
    assert structural["kind_changed"] and structural["fields_changed"] == ["kind", "name"]
    assert changed_paths({"a": 1}, {"a": True}) == ["a"]
    assert changed_paths([1, 2], [1]) == ["[1]"]
    assert changed_paths(1, 2) == ["(value)"]


def test_unified_diff_has_labels_and_ends_every_line():
    text = unified_text_diff("a\nb", "a\nc", "flow v1", "flow v2")
    assert text.startswith("--- flow v1\n+++ flow v2\n")
    assert text.endswith("+c\n")
