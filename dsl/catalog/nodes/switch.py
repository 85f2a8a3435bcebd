"""switch: many-way branch; the first case whose condition holds wins, else ``default``."""

from dsl.catalog.fields import config_schema, expr, ident, list_of, obj, text
from dsl.catalog.types import DynamicPorts, NodeType, Port

CASE = obj({
    "port": ident("出口名", "Exit name"),
    "label": text("显示名", "Label"),
    "when": expr("boolean", "条件", "Condition"),
}, ["port", "when"], zh="分支", en="Case")

NODE = NodeType(
    name="switch", category="logic", keyword="switch",
    label_zh="多路分支", label_en="Switch",
    description_zh="按顺序判断各分支条件，走第一个满足的分支；都不满足走“其他”。",
    description_en="Checks the cases in order and takes the first that holds; otherwise 'default'.",
    icon="split",
    config_schema=config_schema({"cases": list_of(CASE, "分支", "Cases", min_items=1, max_items=50)},
                                ["cases"]),
    ports=(Port("default", "其他", "Default"),),
    dynamic_ports=DynamicPorts("cases", "port"),
    handler="runtime.handlers.switch:run",
    example_config={"cases": [{"port": "east", "label": "华东", "when": 'order.address.region == "east"'}]},
)
