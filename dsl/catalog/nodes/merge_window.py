"""merge_window (wave 2): hold an order briefly to merge it with the same customer's next orders."""

from dsl.catalog.fields import config_schema, duration, expr, integer
from dsl.catalog.types import NodeType, Port

NODE = NodeType(
    name="merge_window", category="order", keyword="merge_window",
    label_zh="合并发货窗口", label_en="Merge window",
    description_zh="同一客户指纹（电话+地址）在时间窗内的订单合并为一个包裹（第二期）。",
    description_en="Orders with the same customer fingerprint (phone + address) within the window ship "
                   "as one (wave 2).",
    icon="merge",
    config_schema=config_schema({
        "window": duration("时间窗", "Window"),
        "key": expr("string", "合并键", "Merge key"),
        "max_orders": integer("最多合并单数", "Max orders", minimum=2, maximum=20),
    }, ["window", "key"]),
    ports=(Port("merged", "已合并", "Merged"), Port("single", "未合并", "Single")),
    handler="runtime.handlers.merge_window:run",
    waits=True,
    stability="preview",
    example_config={"window": "30m", "key": "customer.fingerprint"},
)
