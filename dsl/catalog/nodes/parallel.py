"""parallel: start several branches at once; a join brings them together."""

from dsl.catalog.fields import config_schema, ident, list_of
from dsl.catalog.types import DynamicPorts, NodeType

NODE = NodeType(
    name="parallel", category="time_structure", keyword="parallel",
    label_zh="并行分支", label_en="Parallel",
    description_zh="同时启动多个分支，之后用“汇合”节点合并。",
    description_en="Starts several branches at once; a join brings them together.",
    icon="columns",
    config_schema=config_schema({"branches": list_of(ident("分支名", "Branch"), "分支", "Branches",
                                                     min_items=2, max_items=10)}, ["branches"]),
    dynamic_ports=DynamicPorts("branches"),
    handler="runtime.handlers.parallel:run",
    example_config={"branches": ["notify", "reserve"]},
)
