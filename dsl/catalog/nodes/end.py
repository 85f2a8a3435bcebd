"""end: finish the flow with a named outcome (a sub-flow's caller continues by it)."""

from dsl.catalog.fields import config_schema, ident
from dsl.catalog.types import NodeType

NODE = NodeType(
    name="end", category="time_structure", keyword="end",
    label_zh="结束", label_en="End",
    description_zh="以命名的结果结束流程；子流程的调用方按这个结果继续。",
    description_en="Ends the flow with a named outcome; a sub-flow's caller continues by it.",
    icon="flag",
    config_schema=config_schema({"outcome": ident("结果", "Outcome")}, ["outcome"]),
    handler="runtime.handlers.end:run",
    terminal=True,
    example_config={"outcome": "done"},
)
