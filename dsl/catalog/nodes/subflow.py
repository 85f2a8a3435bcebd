"""subflow: run another flow (its active or a pinned version) and continue by its end outcome."""

from dsl.catalog.fields import choice, config_schema, ident, integer, labelled, list_of
from dsl.catalog.types import DynamicPorts, NodeType

FLOW_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"

_schema = config_schema({
    "flow": labelled({"type": "string", "pattern": FLOW_KEY_PATTERN, "x-ui": "flow"}, "子流程", "Sub-flow"),
    "binding": choice(["active", "pinned"], "版本绑定", "Version binding", labels={
        "active": ("调用时的生效版本", "Active version at call time"),
        "pinned": ("固定版本", "Pinned version")}),
    "version": integer("固定的版本号", "Pinned version", minimum=1),
    "outcomes": list_of(ident("结果", "Outcome"), "子流程的结束结果", "Outcomes", min_items=1, max_items=20),
}, ["flow", "binding", "outcomes"])
_schema["allOf"] = [{"if": {"properties": {"binding": {"const": "pinned"}}},
                     "then": {"required": ["version"]}}]

NODE = NodeType(
    name="subflow", category="time_structure", keyword="subflow",
    label_zh="子流程", label_en="Sub-flow",
    description_zh="调用另一个流程（调用时的生效版本或固定版本），按其结束结果继续。",
    description_en="Runs another flow (its active version at call time, or a pinned one) and continues "
                   "by the outcome it ended with.",
    icon="workflow",
    config_schema=_schema,
    dynamic_ports=DynamicPorts("outcomes"),
    handler="runtime.handlers.subflow:run",
    example_config={"flow": "ce-certificate-check", "binding": "active", "outcomes": ["passed", "failed"]},
)
