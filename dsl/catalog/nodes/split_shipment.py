"""split_shipment: split the order into shipments (by warehouse or temperature zone)."""

from dsl.catalog.fields import choice, config_schema, integer
from dsl.catalog.types import NodeType, Port

NODE = NodeType(
    name="split_shipment", category="order", keyword="split_shipment",
    label_zh="拆分发货", label_en="Split shipment",
    description_zh="按仓库或温区把订单拆成多个包裹；赠品随主商品同仓发出。",
    description_en="Splits the order into shipments by warehouse or temperature zone; gifts ship with "
                   "their main items.",
    icon="boxes",
    config_schema=config_schema({
        "by": choice(["warehouse", "cold_chain"], "拆分依据", "Split by",
                     labels={"warehouse": ("按仓库", "By warehouse"),
                             "cold_chain": ("按温区", "By temperature zone")}),
        "max_parts": integer("最多包裹数", "Max shipments", minimum=2, maximum=10, default=10),
    }, ["by"]),
    ports=(Port("next", "继续", "Next"),),
    handler="runtime.handlers.split_shipment:run",
    example_config={"by": "warehouse", "max_parts": 3},
)
