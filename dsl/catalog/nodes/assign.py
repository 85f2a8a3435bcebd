"""assign: compute values into flow variables (``vars.*``) for later nodes."""

from dsl.catalog.fields import config_schema, expr, ident, list_of, obj
from dsl.catalog.types import NodeType, Port

ASSIGNMENT = obj({
    "target": ident("变量名", "Variable"),
    "value": expr("any", "取值", "Value"),
}, ["target", "value"], zh="赋值", en="Assignment")

NODE = NodeType(
    name="assign", category="logic", keyword="assign",
    label_zh="变量赋值", label_en="Assign",
    description_zh="计算表达式并写入流程变量，供后续节点使用。",
    description_en="Evaluates expressions into flow variables for later nodes.",
    icon="variable",
    config_schema=config_schema({"assignments": list_of(ASSIGNMENT, "赋值", "Assignments", min_items=1,
                                                        max_items=50)}, ["assignments"]),
    ports=(Port("next", "继续", "Next"),),
    handler="runtime.handlers.assign:run",
    example_config={"assignments": [{"target": "remote", "value": 'order.address.province in ["西藏", "新疆"]'}]},
)
