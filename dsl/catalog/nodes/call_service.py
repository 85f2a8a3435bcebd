"""call_service: call an outside system through an admin-managed named connection (never a free URL)."""

from dsl.catalog.fields import choice, config_schema, expr, ident, labelled
from dsl.catalog.types import NodeType, Port

PATH = labelled({"type": "string", "pattern": r"^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$", "maxLength": 500},
                "路径", "Path")

NODE = NodeType(
    name="call_service", category="outside", keyword="call_service",
    label_zh="调用外部服务", label_en="Call service",
    description_zh="通过管理员配置的连接调用外部系统（地址、密钥、超时由连接决定），结果写入变量。",
    description_en="Calls an outside system through an admin-managed connection (base URL, secret, "
                   "timeout); the answer goes into a variable.",
    icon="plug",
    config_schema=config_schema({
        "connection": ident("连接", "Connection", **{"x-ui": "connection"}),
        "method": choice(["GET", "POST", "PUT", "PATCH", "DELETE"], "方法", "Method"),
        "path": PATH,
        "body": labelled({"type": "object", "maxProperties": 50,
                          "propertyNames": {"pattern": r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"},
                          "additionalProperties": expr("any", "取值", "Value")},
                         "请求内容", "Body"),
        "result_var": ident("结果变量", "Result variable"),
    }, ["connection", "method", "path"]),
    ports=(Port("ok", "成功", "OK"), Port("error", "失败", "Error", optional=True)),
    handler="runtime.handlers.call_service:run",
    example_config={"connection": "wms", "method": "POST", "path": "/orders",
                    "body": {"order_id": "order.id"}},
)
