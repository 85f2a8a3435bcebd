"""return_disposition: decide what happens to a return — refund, exchange, points, coupon, pickup."""

from dsl.catalog.fields import choice, config_schema, expr, list_of, text
from dsl.catalog.types import NodeType, Port

RESOLUTIONS = {"refund": ("退款", "Refund"), "exchange": ("换货", "Exchange"),
               "points": ("积分补偿", "Points"), "coupon": ("优惠券补偿", "Coupon"),
               "reject": ("拒绝退货", "Reject")}

NODE = NodeType(
    name="return_disposition", category="order", keyword="return_disposition",
    label_zh="退货处置", label_en="Return disposition",
    description_zh="决定退货的处理方式：退款、换货、积分、优惠券或拒绝，可先提供换货等选项，并安排上门取件。",
    description_en="Decides a return: refund, exchange, points, coupon or reject; can offer options "
                   "(e.g. exchange) before the refund and arrange a pickup.",
    icon="undo",
    config_schema=config_schema({
        "resolution": choice(list(RESOLUTIONS), "处理方式", "Resolution", labels=RESOLUTIONS),
        "offer_first": list_of(choice(["exchange", "points", "coupon"], "选项", "Option"),
                               "先提供的选项", "Offer first", max_items=3),
        "pickup": choice(["none", "door", "dropoff"], "取件方式", "Pickup", labels={
            "none": ("无需取件", "None"), "door": ("上门取件", "Door pickup"),
            "dropoff": ("自行寄回", "Drop-off")}, default="none"),
        "amount": expr("number", "金额（默认全额）", "Amount (default: full)"),
        "reason": text("说明", "Reason", max_length=500),
    }, ["resolution"]),
    ports=(Port("next", "继续", "Next"),),
    handler="runtime.handlers.return_disposition:run",
    example_config={"resolution": "refund", "pickup": "none"},
)
