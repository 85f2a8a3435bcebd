"""call_service: call an outside system through a named connection — an effect, then a wait.

The body is evaluated now; the adapter delivers the ``call_service`` effect (base URL, secret and
timeout come from the connection) and answers with ``service.responded``. ok → ``ok`` (the body in
``vars.<result_var>``); an error → ``error`` when that port is connected (``{"error": …}`` in the
variable), else the instance goes to ``incident`` with the error's code and message.
"""

from __future__ import annotations

from typing import Any

from runtime.engine.errors import NodeIncident
from runtime.engine.outcomes import Wait
from runtime.engine.state import jsonable


def compile(config: dict[str, Any], c) -> tuple[Any, ...]:
    body = tuple((name, c.expr(text, "any")) for name, text in (config.get("body") or {}).items())
    return config["connection"], config["method"], config["path"], body, config.get("result_var")


def run(ctx, node, token):
    connection, method, path, body, _ = node.spec
    values = {name: jsonable(expr.evaluate(ctx.env, ctx.clock)) for name, expr in body}
    call = ctx.effect("call_service", node.id, {"connection": connection, "method": method, "path": path,
                                                "body": values, "order": ctx.order_id()}, key_as="call")
    return Wait({"kind": "service", "call": call}, ("called", call, values, None, None))


def resume(ctx, node, token, event):
    result_var = node.spec[4]
    call = token["wait"]["call"]
    if event.get("ok"):
        if result_var:
            ctx.set_var(result_var, event.get("body"))
        return "ok", ("ok", call, None, event.get("status"), None)
    error = event.get("error") or {}
    code, message = error.get("code") or "SERVICE_ERROR", error.get("message") or f"status {event.get('status')}"
    if "error" not in node.exits:
        raise NodeIncident(code, message, f"外部服务调用失败：{message}", status=event.get("status"), call=call)
    if result_var:
        ctx.set_var(result_var, {"error": {"code": code, "message": message, "status": event.get("status")}})
    return "error", ("error", call, None, event.get("status"), {"code": code, "message": message})


def explain(spec, detail) -> dict[str, Any]:
    state, call, body, status, error = detail
    connection, method, path, _, _ = spec
    out: dict[str, Any] = {"state": state, "call": call, "connection": connection, "method": method, "path": path,
                           "status": status}
    if body is not None:
        out["body"] = body
    if error is not None:
        out["error"] = error
    return out
