"""route: choose a warehouse (or carrier) by filters with reasons and weighted factors."""

from dsl.catalog.fields import (
    boolean,
    choice,
    config_schema,
    expr,
    ident,
    integer,
    list_of,
    number,
    obj,
    text,
)
from dsl.catalog.types import NodeType, Port

CANDIDATE = {"candidate": "candidate"}

FILTER = obj({
    "name": ident("名称", "Name"),
    "keep_when": expr("boolean", "保留条件", "Keep when", bindings=CANDIDATE),
    "reason_zh": text("排除原因（中文）", "Reason (Chinese)"),
    "reason_en": text("排除原因（英文）", "Reason (English)"),
}, ["name", "keep_when"], zh="筛选条件", en="Filter")

ADJUSTMENT = obj({
    "when": expr("boolean", "条件", "When"),
    "weight": number("权重", "Weight", minimum=0, maximum=1, **{"x-ui": "slider"}),
}, ["when", "weight"], zh="权重调整", en="Weight adjustment")

FACTOR = obj({
    "name": ident("名称", "Name"),
    "label": text("显示名", "Label"),
    "value": expr("number", "原始值", "Raw value", bindings=CANDIDATE),
    "weight": number("权重", "Weight", minimum=0, maximum=1, **{"x-ui": "slider"}),
    "better": choice(["lower", "higher"], "越…越好", "Better when",
                     labels={"lower": ("越低越好", "Lower"), "higher": ("越高越好", "Higher")}),
    "adjust": list_of(ADJUSTMENT, "按条件调整权重", "Conditional weights", max_items=20),
}, ["name", "value", "weight", "better"], zh="评分因子", en="Scoring factor")

NODE = NodeType(
    name="route", category="order", keyword="route",
    label_zh="智能分仓", label_en="Route",
    description_zh="在候选仓库（或承运商）中按筛选条件排除并记录原因，再按加权因子打分选出最优；"
                   "无单仓可发时按拆单策略拆单或缺货等待。",
    description_en="Filters candidate warehouses (or carriers) with recorded reasons, scores the rest "
                   "by weighted factors and picks the best; with no single warehouse it splits or "
                   "backorders by the split policy.",
    icon="warehouse",
    config_schema=config_schema({
        "target": choice(["warehouse", "carrier"], "选择对象", "Choose a",
                         labels={"warehouse": ("仓库", "Warehouse"), "carrier": ("承运商", "Carrier")}),
        "candidates": list_of(ident("候选", "Candidate"), "候选（留空为全部）", "Candidates (empty = all)",
                              max_items=200),
        "exclude_closed": boolean("排除关闭的仓库", "Exclude closed warehouses", default=True),
        "require_full_stock": boolean("要求单仓满足全部商品", "Require stock for every line", default=False),
        "filters": list_of(FILTER, "筛选条件", "Filters", max_items=50),
        "factors": list_of(FACTOR, "评分因子", "Factors", min_items=1, max_items=20),
        "scoring": choice(["normalised", "weighted_sum"], "打分方式", "Scoring", labels={
            "normalised": ("各因子归一化到 0–1 后加权（默认）", "Normalise each factor to 0–1, then weigh (default)"),
            "weighted_sum": ("原始值直接加权求和", "Weighted sum of the raw values")}, default="normalised"),
        "split_policy": obj({
            "allow_when": expr("boolean", "允许拆单条件", "Split allowed when"),
            "max_parts": integer("最多拆成几单", "Max parts", minimum=2, maximum=10),
        }, ["allow_when"], zh="拆单策略", en="Split policy"),
        "result_var": ident("结果变量", "Result variable"),
    }, ["target", "factors"]),
    ports=(Port("routed", "已选定", "Routed"),
           Port("split", "拆单", "Split", optional=True),
           Port("backorder", "缺货等待", "Backorder", optional=True)),
    handler="runtime.handlers.route:run",
    example_config={
        "target": "warehouse", "exclude_closed": True, "require_full_stock": True,
        "factors": [{"name": "cost", "label": "成本", "value": "candidate.cost", "weight": 0.5,
                     "better": "lower"}],
    },
)
