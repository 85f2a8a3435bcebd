"""decision_table: rows of tests over inputs set output variables (hit policy first or collect)."""

from dsl.catalog.fields import (
    choice,
    config_schema,
    expr,
    ident,
    list_of,
    obj,
    text,
    unary_test,
)
from dsl.catalog.types import NodeType, Port

LITERAL = {"type": ["string", "number", "boolean", "null"], "maxLength": 1000}

INPUT = obj({
    "name": ident("名称", "Name"),
    "label": text("显示名", "Label"),
    "expr": expr("any", "取值表达式", "Input expression"),
}, ["name", "expr"], zh="输入列", en="Input column")

OUTPUT = obj({
    "name": ident("变量名", "Variable"),
    "label": text("显示名", "Label"),
    "type": choice(["string", "number", "boolean"], "类型", "Type"),
    "default": {**LITERAL, "title": "Default", "x-title-zh": "默认值"},
}, ["name", "type"], zh="输出列", en="Output column")

RULE = obj({
    "when": list_of(unary_test("条件", "Test"), "各输入列的条件", "Tests per input", min_items=1,
                    max_items=50),
    "then": list_of(LITERAL, "各输出列的取值", "Values per output", min_items=1, max_items=50),
    "note": text("备注", "Note", max_length=500),
}, ["when", "then"], zh="规则行", en="Rule row")

NODE = NodeType(
    name="decision_table", category="logic", keyword="decision_table",
    label_zh="决策表", label_en="Decision table",
    description_zh="逐行匹配输入条件（支持“包含”关键字分类文本），命中行的结果写入流程变量。",
    description_en="Matches rows of input tests (including 'contains' keyword rows for text) and "
                   "writes the outputs of the matching row(s) to flow variables.",
    icon="table",
    config_schema=config_schema({
        "hit_policy": choice(["first", "collect"], "命中策略", "Hit policy",
                             labels={"first": ("首条命中", "First match"),
                                     "collect": ("全部命中", "Collect all")}),
        "inputs": list_of(INPUT, "输入列", "Inputs", min_items=1, max_items=20),
        "outputs": list_of(OUTPUT, "输出列", "Outputs", min_items=1, max_items=20),
        "rules": list_of(RULE, "规则", "Rules", min_items=1, max_items=500),
    }, ["hit_policy", "inputs", "outputs", "rules"]),
    ports=(Port("next", "继续", "Next"), Port("no_match", "无命中", "No match", optional=True)),
    handler="runtime.handlers.decision_table:run",
    example_config={
        "hit_policy": "first",
        "inputs": [{"name": "reason", "label": "退货原因", "expr": "return_request.reason_text"}],
        "outputs": [{"name": "reason_class", "label": "原因分类", "type": "string", "default": "other"}],
        "rules": [{"when": ['contains_any ["尺码", "大小", "偏大", "偏小"]'], "then": ["size"]}],
    },
)
