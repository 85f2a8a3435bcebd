"""wait_event: pause until an outside event for this order arrives (or a timeout)."""

from dsl.catalog.fields import config_schema, duration, expr, labelled
from dsl.catalog.types import NodeType, Port

EVENT_NAME = labelled({"type": "string", "pattern": r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$",
                       "maxLength": 100}, "事件名", "Event name")

NODE = NodeType(
    name="wait_event", category="time_structure", keyword="wait_event",
    label_zh="等待事件", label_en="Wait for event",
    description_zh="等待该订单的外部事件（如支付确认、证书回传），可设置匹配条件和超时。",
    description_en="Waits for an outside event for this order (e.g. a certificate came back), with an "
                   "optional match condition and timeout.",
    icon="radio",
    config_schema=config_schema({
        "event": EVENT_NAME,
        "match": expr("boolean", "匹配条件", "Match when", bindings={"event": "any"}),
        "timeout": duration("超时", "Timeout"),
    }, ["event"]),
    ports=(Port("received", "已收到", "Received"), Port("timeout", "超时", "Timed out", optional=True)),
    handler="runtime.handlers.wait_event:run",
    waits=True,
    example_config={"event": "ce_certificate.checked", "timeout": "2d"},
)
