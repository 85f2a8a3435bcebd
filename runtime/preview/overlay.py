"""What-if overlays: a change laid over a recorded snapshot before the proposed version replays it.

An overlay is JSON with any of these keys::

    {"warehouses": {"hz": {"status": "closed"}},              # merged into that candidate (and context.warehouses)
     "carriers": {"sf": {"status": "closed"}},
     "context": {"weather": {"east": {"level": 3, "label": "橙色"}}},   # deep-merged into the context feeds
     "order": {...}, "customer": {...}}                        # deep-merged into the order / customer view

Objects merge key by key (recursively); any other value replaces. A candidate the order never had (no
rate to its region) stays absent. Pure: no database.
"""

from __future__ import annotations

from typing import Any

from runtime.service.errors import InputError

KEYS = ("warehouses", "carriers", "context", "order", "customer")
#: context.warehouses mirrors these fields of a warehouse candidate (see ``runtime.engine.build_snapshot``)
_MIRRORED = ("status", "load", "region")


def check_overlay(overlay: Any, path: str = "overlay") -> dict[str, Any]:
    """``overlay`` if it is a well-formed overlay, else :class:`InputError` at the offending path."""
    if not isinstance(overlay, dict):
        raise _invalid(path, "应为对象", "must be an object")
    for key, value in overlay.items():
        if key not in KEYS:
            raise _invalid(f"{path}.{key}", f"未知的键（可用：{'、'.join(KEYS)}）",
                           f"is not an overlay key (known: {', '.join(KEYS)})")
        if not isinstance(value, dict):
            raise _invalid(f"{path}.{key}", "应为对象", "must be an object")
        if key in ("warehouses", "carriers"):
            for ident, fields in value.items():
                if not isinstance(fields, dict):
                    raise _invalid(f"{path}.{key}.{ident}", "应为对象（要改的字段）",
                                   "must be an object (the fields to change)")
    return overlay


def apply_overlay(snapshot: dict[str, Any], overlay: dict[str, Any] | None) -> dict[str, Any]:
    """A copy of the stored ``snapshot`` (``Snapshot.to_dict()`` shape) with ``overlay`` laid over it."""
    if not overlay:
        return snapshot
    out = dict(snapshot)
    for key in ("context", "order", "customer"):
        if key in overlay:
            out[key] = merge(snapshot.get(key) or {}, overlay[key])
    for key in ("warehouses", "carriers"):
        changes = overlay.get(key)
        if changes:
            out[key] = [merge(c, changes[c.get("id")]) if c.get("id") in changes else c
                        for c in snapshot.get(key) or ()]
    mirrored = {wid: {k: v for k, v in fields.items() if k in _MIRRORED}
                for wid, fields in (overlay.get("warehouses") or {}).items()}
    known = (out.get("context") or {}).get("warehouses")
    if isinstance(known, dict) and any(mirrored.values()):
        context = dict(out["context"])
        context["warehouses"] = {wid: merge(view, mirrored[wid]) if mirrored.get(wid) else view
                                 for wid, view in known.items()}
        out["context"] = context
    return out


def merge(base: Any, change: Any) -> Any:
    """``change`` laid over ``base``: objects key by key, recursively; anything else replaces."""
    if not isinstance(base, dict) or not isinstance(change, dict):
        return change
    out = dict(base)
    for key, value in change.items():
        out[key] = merge(base.get(key), value)
    return out


def _invalid(path: str, zh: str, en: str) -> InputError:
    return InputError("RUN_FIELD_INVALID", path, f"{path} {zh}", f"{path} {en}")
