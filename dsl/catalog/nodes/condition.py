"""condition: two-way branch on a boolean expression."""

from dsl.catalog.fields import config_schema, expr
from dsl.catalog.types import NodeType, Port

NODE = NodeType(
    name="condition", category="logic", keyword="condition",
    label_zh="条件判断", label_en="Condition",
    description_zh="按条件分两路：满足走“是”，否则走“否”。",
    description_en="Branch two ways: 'yes' when the condition holds, otherwise 'no'.",
    icon="git-branch",
    config_schema=config_schema({"when": expr("boolean", "条件", "Condition")}, ["when"]),
    ports=(Port("yes", "是", "Yes"), Port("no", "否", "No")),
    handler="runtime.handlers.condition:run",
    example_config={"when": "order.total > 5000"},
)
