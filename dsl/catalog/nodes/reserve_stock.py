"""reserve_stock: atomically reserve the order's lines in the chosen warehouse."""

from dsl.catalog.fields import choice, config_schema, expr
from dsl.catalog.types import NodeType, Port

NODE = NodeType(
    name="reserve_stock", category="order", keyword="reserve_stock",
    label_zh="锁定库存", label_en="Reserve stock",
    description_zh="在选定仓库原子地锁定库存；库存不足时走“库存不足”或转缺货。",
    description_en="Atomically reserves stock in the chosen warehouse; on a shortage takes 'shortage' "
                   "or backorders.",
    icon="package-check",
    config_schema=config_schema({
        "warehouse": expr("string", "仓库（默认取分仓结果）", "Warehouse (default: the route's choice)"),
        "on_shortage": choice(["port", "backorder"], "库存不足时", "On shortage",
                              labels={"port": ("走“库存不足”出口", "Take the 'shortage' exit"),
                                      "backorder": ("转为缺货等待", "Backorder")}),
    }, ["on_shortage"]),
    ports=(Port("reserved", "已锁定", "Reserved"), Port("shortage", "库存不足", "Shortage", optional=True)),
    handler="runtime.handlers.reserve_stock:run",
    example_config={"on_shortage": "backorder"},
)
