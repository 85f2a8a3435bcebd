"""The runtime's published contracts as OpenAPI components, so ``/api/openapi.json`` references them.

The contract files (``runtime/contracts/*.schema.json``) are self-contained JSON Schemas with local
``#/$defs/…`` references. Inside the OpenAPI document those references would resolve against the
document's root, so each contract is embedded as components: the contract itself under its component
name (``StepContract``, ``LiveEventsContract``, ``StreamRecordContract``) and each of its ``$defs`` as
``<Name>_<def>``, with the references (local ones and those by ``$id`` between contracts) rewritten to
point there. The contract's ``$id`` stays as ``x-contract-id`` and the
served file's URL as ``externalDocs``.
"""

from __future__ import annotations

from typing import Any

from runtime import contracts

#: contract file name -> component name in the OpenAPI document
COMPONENTS = {"step": "StepContract", "live-events": "LiveEventsContract", "stream-record": "StreamRecordContract"}
CONTRACT_URL = "/api/schemas/contracts/{name}"


def contract_components() -> dict[str, dict[str, Any]]:
    """Every published contract (and its ``$defs``) as named OpenAPI component schemas."""
    loaded = {name: contracts.load(name) for name in COMPONENTS}
    by_id = _global_names(loaded)
    components: dict[str, dict[str, Any]] = {}
    for name, component in COMPONENTS.items():
        schema = loaded[name]
        defs = schema.pop("$defs", {})
        rename = by_id | {f"#/$defs/{key}": f"#/components/schemas/{component}_{key}" for key in defs}
        contract_id = schema.pop("$id", None)
        schema.pop("$schema", None)
        schema["x-contract-id"] = contract_id
        schema["externalDocs"] = {"description": "the contract file", "url": CONTRACT_URL.format(name=name)}
        components[component] = _rewrite_refs(schema, rename)
        for key, definition in defs.items():
            components[f"{component}_{key}"] = _rewrite_refs(definition, rename)
    return components


def _global_names(loaded: dict[str, dict[str, Any]]) -> dict[str, str]:
    """References from one contract to another by ``$id`` (and ``$id#/$defs/x``) -> component names."""
    names: dict[str, str] = {}
    for name, schema in loaded.items():
        component, contract_id = COMPONENTS[name], schema["$id"]
        names[contract_id] = f"#/components/schemas/{component}"
        for key in schema.get("$defs", {}):
            names[f"{contract_id}#/$defs/{key}"] = f"#/components/schemas/{component}_{key}"
    return names


def _rewrite_refs(node: Any, rename: dict[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: (rename.get(value, value) if key == "$ref" and isinstance(value, str)
                      else _rewrite_refs(value, rename)) for key, value in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(item, rename) for item in node]
    return node
