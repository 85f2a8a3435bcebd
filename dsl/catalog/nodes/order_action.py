"""order_action: change the order — tag, untag, hold, release, cancel, add a line or a surcharge."""

from dsl.catalog.fields import boolean, choice, config_schema, expr, integer, obj, text
from dsl.catalog.types import NodeType, Port

ACTIONS = ["tag", "untag", "hold", "release", "cancel", "add_line", "add_surcharge"]

LINE = obj({
    "sku": text("商品编码", "SKU", min_length=1, max_length=64, **{"x-ui": "sku"}),
    "name": text("商品名称", "Name"),
    "qty": integer("数量", "Quantity", minimum=1, maximum=10000),
    "price": expr("number", "单价", "Unit price"),
    "gift": boolean("赠品", "Gift"),
    "ship_with_main": boolean("与主商品同仓发货", "Ship from the main items' warehouse"),
}, ["sku", "qty", "price"], zh="新增商品行", en="Line to add")

SURCHARGE = obj({
    "code": text("费用编码", "Code", min_length=1, max_length=64),
    "label": text("费用名称", "Label"),
    "amount": expr("number", "金额", "Amount"),
}, ["code", "amount"], zh="附加费", en="Surcharge")


def _requires(action: str, field: str) -> dict:
    return {"if": {"properties": {"action": {"const": action}}},
            "then": {"required": [field]}}


_schema = config_schema({
    "action": choice(ACTIONS, "动作", "Action", labels={
        "tag": ("打标签", "Tag"), "untag": ("去标签", "Untag"), "hold": ("冻结", "Hold"),
        "release": ("解冻", "Release"), "cancel": ("取消订单", "Cancel"),
        "add_line": ("添加商品行", "Add line"), "add_surcharge": ("添加附加费", "Add surcharge")}),
    "tag": text("标签", "Tag", min_length=1, max_length=64),
    "reason": text("原因", "Reason", max_length=500),
    "line": LINE,
    "surcharge": SURCHARGE,
}, ["action"])
_schema["allOf"] = [_requires("tag", "tag"), _requires("untag", "tag"), _requires("hold", "reason"),
                    _requires("cancel", "reason"), _requires("add_line", "line"),
                    _requires("add_surcharge", "surcharge")]

NODE = NodeType(
    name="order_action", category="order", keyword="order_action",
    label_zh="订单操作", label_en="Order action",
    description_zh="对订单打标签、冻结、解冻、取消、添加商品行（如赠品）或附加费。",
    description_en="Tags, holds, releases or cancels the order, or adds a line (e.g. a gift) or a "
                   "surcharge.",
    icon="clipboard-edit",
    config_schema=_schema,
    ports=(Port("next", "继续", "Next"),),
    handler="runtime.handlers.order_action:run",
    example_config={"action": "tag", "tag": "remote-freight"},
)
