"""``/api/templates``: the starter library of flows (``templates/*.flow``) the template gallery shows."""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path
from typing import Any

from flask import Blueprint, jsonify

from designer.api.support import not_found
from designer.openapi import operation
from designer.schemas.versions import TemplateSchema
from dsl.text import parse_flow
from runtime.demo import TEMPLATES_DIR

bp = Blueprint("templates", __name__)


@bp.get("/templates")
@operation(tags=["flows"], response=TemplateSchema(many=True))
def list_templates():
    """Every starter flow: key, name, description, kind and file name (create a flow from one by its key)."""
    return jsonify([{k: t[k] for k in ("key", "name", "description", "kind", "file")} for t in _templates()])


def template_document(key: str) -> dict[str, Any]:
    """A copy of the template's document, or 404 ``API_TEMPLATE_NOT_FOUND``."""
    for found in _templates():
        if found["key"] == key:
            return copy.deepcopy(found["document"])
    raise not_found("API_TEMPLATE_NOT_FOUND", key)


@cache
def _templates(directory: Path = TEMPLATES_DIR) -> tuple[dict[str, Any], ...]:
    """The templates, read once per process (they ship with the code)."""
    found = []
    for path in sorted(directory.glob("*.flow")):
        document = parse_flow(path.read_text(encoding="utf-8"))
        found.append({"key": document["key"], "name": document.get("name", document["key"]),
                      "description": document.get("description", ""), "kind": document["kind"],
                      "file": path.name, "document": document})
    return tuple(found)
