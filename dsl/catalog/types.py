"""What a node type is: the one declaration the palette, forms, DSL, validator and runtime read."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

CATEGORIES = ("logic", "order", "people", "time_structure", "outside")

CATEGORY_LABELS = {
    "logic": ("逻辑", "Logic"),
    "order": ("订单", "Order"),
    "people": ("人工", "People"),
    "time_structure": ("时间与结构", "Time and structure"),
    "outside": ("外部系统", "Outside world"),
}


@dataclass(frozen=True)
class Port:
    """A named exit of a node; an optional port may stay unconnected."""

    name: str
    label_zh: str
    label_en: str
    optional: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "label_zh": self.label_zh, "label_en": self.label_en,
                "optional": self.optional}


@dataclass(frozen=True)
class DynamicPorts:
    """Ports named by the config: each item of ``config[list_key]`` (its ``item_key`` if the
    items are objects) becomes a port, e.g. a switch's cases or a parallel's branches."""

    list_key: str
    item_key: str | None = None

    def names(self, config: dict[str, Any]) -> list[str]:
        items = config.get(self.list_key) if isinstance(config, dict) else None
        if not isinstance(items, list):
            return []
        names = []
        for item in items:
            name = item.get(self.item_key) if self.item_key and isinstance(item, dict) else item
            if isinstance(name, str) and name:
                names.append(name)
        return names

    def to_dict(self) -> dict[str, Any]:
        return {"list_key": self.list_key, "item_key": self.item_key}


@dataclass(frozen=True)
class NodeType:
    """One node type, declared once.

    ``handler`` is the runtime's slot: a ``module:function`` path the runtime resolves, so
    the catalog stays free of runtime imports. ``waits`` marks node types that pause the
    instance (a cycle through one of them is allowed). ``version`` lets old flows keep old
    behaviour when a type changes.
    """

    name: str
    category: str
    keyword: str
    label_zh: str
    label_en: str
    description_zh: str
    description_en: str
    icon: str
    config_schema: dict[str, Any]
    ports: tuple[Port, ...] = ()
    dynamic_ports: DynamicPorts | None = None
    handler: str = ""
    waits: bool = False
    terminal: bool = False
    version: int = 1
    stability: str = "stable"
    example_config: dict[str, Any] = field(default_factory=dict)

    def port_names(self, config: dict[str, Any] | None) -> list[str]:
        """Every port this node has with this config (static first, then config-named)."""
        names = [p.name for p in self.ports]
        if self.dynamic_ports:
            names += [n for n in self.dynamic_ports.names(config or {}) if n not in names]
        return names

    def required_ports(self, config: dict[str, Any] | None) -> list[str]:
        """Ports that must be connected: every non-optional static port and all dynamic ones."""
        names = [p.name for p in self.ports if not p.optional]
        if self.dynamic_ports:
            names += [n for n in self.dynamic_ports.names(config or {}) if n not in names]
        return names

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape served to the palette and the property forms."""
        return {
            "name": self.name,
            "category": self.category,
            "keyword": self.keyword,
            "label_zh": self.label_zh,
            "label_en": self.label_en,
            "description_zh": self.description_zh,
            "description_en": self.description_en,
            "icon": self.icon,
            "ports": [p.to_dict() for p in self.ports],
            "dynamic_ports": self.dynamic_ports.to_dict() if self.dynamic_ports else None,
            "config_schema": self.config_schema,
            "waits": self.waits,
            "terminal": self.terminal,
            "version": self.version,
            "stability": self.stability,
            "handler": self.handler,
            "example_config": self.example_config,
        }
