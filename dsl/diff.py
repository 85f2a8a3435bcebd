"""What changed between two versions of a flow: a structural diff and a unified diff of the DSL text.

Reviewers read both: the structural part says which nodes, config paths, edges and trigger
changed (the canvas colours them); the text part is the canonical DSL, line by line.
``layout_only`` is true when the documents differ but their behaviour hashes are equal — only
``ui`` positions and notes moved, nothing an order would notice. Pure: no Flask, no database.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from dsl.document import behaviour_hash, canonical_json, content_hash
from dsl.problems import format_path

_STRUCTURAL = ("nodes", "edges", "trigger")


def diff_documents(old: dict[str, Any], new: dict[str, Any], *, old_text: str = "", new_text: str = "",
                   old_label: str = "old", new_label: str = "new") -> dict[str, Any]:
    """The structural and text diff of ``old`` → ``new`` (``*_text``: their DSL, when already printed)."""
    old_nodes, new_nodes = _nodes(old), _nodes(new)
    old_edges, new_edges = _edges(old), _edges(new)
    same_behaviour = behaviour_hash(old) == behaviour_hash(new)
    identical = content_hash(old) == content_hash(new)
    structural = {
        "nodes_added": [i for i in new_nodes if i not in old_nodes],
        "nodes_removed": [i for i in old_nodes if i not in new_nodes],
        "nodes_changed": [{"id": i, "paths": paths} for i in new_nodes if i in old_nodes
                          for paths in [changed_paths(old_nodes[i], new_nodes[i])] if paths],
        "edges_added": [_edge_dict(e) for e in new_edges if e not in old_edges],
        "edges_removed": [_edge_dict(e) for e in old_edges if e not in new_edges],
        "trigger_changed": not _same(old.get("trigger"), new.get("trigger")),
        "trigger_paths": changed_paths(old.get("trigger"), new.get("trigger")),
        "kind_changed": old.get("kind") != new.get("kind"),
        "fields_changed": sorted(k for k in set(old) | set(new)
                                 if k not in _STRUCTURAL and not _same(old.get(k), new.get(k))),
    }
    return {"structural": structural,
            "text_diff": unified_text_diff(old_text, new_text, old_label, new_label),
            "layout_only": same_behaviour and not identical,
            "identical": identical}


def unified_text_diff(old_text: str, new_text: str, old_label: str = "old", new_label: str = "new") -> str:
    """A unified diff (3 lines of context) of two texts; empty when they are equal."""
    lines = difflib.unified_diff(old_text.splitlines(keepends=True), new_text.splitlines(keepends=True),
                                 fromfile=old_label, tofile=new_label)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def changed_paths(old: Any, new: Any) -> list[str]:
    """Every path (``config.factors[1].weight``) where ``old`` and ``new`` differ, leaves first found."""
    return [format_path(parts) or "(value)" for parts in _walk(old, new, [])]


def _walk(old: Any, new: Any, at: list[str | int]) -> Iterator[list[str | int]]:
    if isinstance(old, dict) and isinstance(new, dict):
        for key in sorted(set(old) | set(new), key=str):
            if key not in old or key not in new:
                yield [*at, key]
            elif not _same(old[key], new[key]):
                yield from _walk(old[key], new[key], [*at, key])
    elif isinstance(old, list) and isinstance(new, list):
        for index in range(max(len(old), len(new))):
            if index >= len(old) or index >= len(new):
                yield [*at, index]
            elif not _same(old[index], new[index]):
                yield from _walk(old[index], new[index], [*at, index])
    elif not _same(old, new):
        yield at


def _same(old: Any, new: Any) -> bool:
    """Equal as JSON (``1`` and ``true`` differ, which Python's ``==`` does not see)."""
    return old is new or canonical_json(old) == canonical_json(new)


def _nodes(doc: dict[str, Any]) -> dict[str, Any]:
    nodes = doc.get("nodes") if isinstance(doc.get("nodes"), list) else []
    return {str(n["id"]): n for n in nodes if isinstance(n, dict) and "id" in n}


def _edges(doc: dict[str, Any]) -> list[tuple[Any, Any, Any]]:
    edges = doc.get("edges") if isinstance(doc.get("edges"), list) else []
    return [(e.get("from"), e.get("port"), e.get("to")) for e in edges if isinstance(e, dict)]


def _edge_dict(edge: tuple[Any, Any, Any]) -> dict[str, Any]:
    return {"from": edge[0], "port": edge[1], "to": edge[2]}
