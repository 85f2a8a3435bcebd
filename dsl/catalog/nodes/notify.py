"""notify: send a message to the customer or a business group through a configured channel."""

from dsl.catalog.fields import choice, config_schema, expr, group, text
from dsl.catalog.types import NodeType, Port

_schema = config_schema({
    "channel": choice(["sms", "wechat", "email", "app_push", "dingtalk"], "渠道", "Channel"),
    "to": choice(["customer", "group"], "发送给", "Send to", labels={
        "customer": ("客户", "Customer"), "group": ("业务组", "Business group")}),
    "group": group("业务组", "Group"),
    "title": text("标题", "Title"),
    "message": expr("string", "消息内容", "Message", **{"x-ui": "textarea"}),
}, ["channel", "to", "message"])
_schema["allOf"] = [{"if": {"properties": {"to": {"const": "group"}}}, "then": {"required": ["group"]}}]

NODE = NodeType(
    name="notify", category="outside", keyword="notify",
    label_zh="发送通知", label_en="Notify",
    description_zh="通过已配置的渠道给客户或业务组发消息（经发件箱可靠投递）。",
    description_en="Sends a message to the customer or a business group through a configured channel "
                   "(delivered reliably via the outbox).",
    icon="bell",
    config_schema=_schema,
    ports=(Port("next", "继续", "Next"),),
    handler="runtime.handlers.notify:run",
    example_config={"channel": "sms", "to": "customer", "message": '"您的订单已发货：" + order.id'},
)
