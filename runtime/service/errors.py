"""What the runtime facade raises: refusals the API turns into problem details, each with a code, zh/en.

| class | HTTP | when |
|---|---|---|
| :class:`InputError` | 422 | a payload, form, decision or draft that does not validate (``path`` says where) |
| :class:`NotFound` | 404 | an order, instance, task, warehouse or flow that does not exist |
| :class:`Refused` | 409 | a request the current state does not allow (task already decided, …) |

Every code is in :data:`CODES` (zh/en message templates) so the API can merge it into its catalogue.
"""

from __future__ import annotations

from typing import Any

from dsl.problems import CodeEntry, Problem

E = CodeEntry

#: The runtime's codes: the API merges them into the one catalogue it serves.
CODES: dict[str, CodeEntry] = {
    "RUN_EVENT_KIND": E("error", "未知的事件类型 “{kind}”", "Unknown event kind '{kind}'"),
    "RUN_FIELD_REQUIRED": E("error", "缺少必填字段 {path}", "{path} is required"),
    "RUN_FIELD_TYPE": E("error", "{path} 类型错误：应为 {expected}", "{path}: expected {expected}"),
    "RUN_FIELD_INVALID": E("error", "{path} 取值无效：{detail}", "{path} is invalid: {detail}"),
    "RUN_ORDER_UNKNOWN": E("error", "找不到事件所指的订单", "The event names no known order"),
    "RUN_FORM_INVALID": E("error", "审批表单无效：{detail}", "The approval form is invalid: {detail}"),
    "RUN_DECISION_INVALID": E("error", "审批结论只能是 approved 或 rejected", "A decision is approved or rejected"),
    "RUN_DOCUMENT_INVALID": E("error", "流程文档有 {count} 个问题", "The flow document has {count} problem(s)"),
    "RUN_NOT_FOUND": E("error", "没有{what_zh} {id}", "There is no {what} {id}"),
    "RUN_TASK_CLOSED": E("error", "任务 {id} 已{status_zh}，不能再操作", "Task {id} is {status}; it cannot change"),
    "RUN_TASK_CLAIMED": E("error", "任务 {id} 已被 {user} 认领", "Task {id} is claimed by {user}"),
    "RUN_INSTANCE_STATE": E("error", "流程实例 {id} 当前为 {status}，不能{action_zh}",
                            "Instance {id} is {status}; it cannot be {action}"),
    "RUN_ORDER_STATE": E("error", "订单 {id} 当前为 {status}，不能{action_zh}",
                         "Order {id} is {status}; it cannot be {action}"),
    "RUN_EVENT_IGNORED": E("error", "流程没有在等待这个事件：{detail}", "Nothing waits for this event: {detail}"),
}


class ServiceError(Exception):
    """A refusal of the runtime facade: ``code`` (in :data:`CODES` or the store's), messages in zh and en."""

    status = 400

    def __init__(self, code: str, message_zh: str, message_en: str, **details: Any) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message_zh": self.message_zh, "message_en": self.message_en, **self.details}


class InputError(ServiceError):
    """Input that does not validate (→ 422). ``path`` is a JSON path into what was sent (``payload.lines[0].qty``);
    ``problems`` holds every problem (e.g. a draft document's validation problems) when there are several."""

    status = 422

    def __init__(self, code: str, path: str, message_zh: str, message_en: str, *,
                 problems: list[Problem] | None = None) -> None:
        super().__init__(code, message_zh, message_en)
        self.path = path
        self.problems = problems if problems is not None else [
            Problem(code=code, path=path, message_zh=message_zh, message_en=message_en)]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "path": self.path, "message_zh": self.message_zh, "message_en": self.message_en,
                "problems": [{"code": p.code, "path": p.path, "severity": p.severity, "message_zh": p.message_zh,
                              "message_en": p.message_en} for p in self.problems]}


_WHAT_ZH = {"order": "订单", "instance": "流程实例", "task": "任务", "warehouse": "仓库", "flow": "流程",
            "version": "流程版本", "call": "外部调用"}


class NotFound(ServiceError):
    """The thing asked for does not exist (→ 404). ``what``: order, instance, task, warehouse, flow, call."""

    status = 404

    def __init__(self, what: str, ident: Any) -> None:
        super().__init__("RUN_NOT_FOUND", f"没有{_WHAT_ZH.get(what, what)} {ident}", f"There is no {what} {ident}",
                         what=what, id=ident)
        self.what = what
        self.ident = ident


class Refused(ServiceError):
    """A well-formed request the current state does not allow (→ 409)."""

    status = 409


def field_error(path: str, kind: str, *, expected: str = "", detail: str = "", expected_zh: str = "",
                detail_zh: str = "") -> InputError:
    """An :class:`InputError` for one field: ``kind`` is required, type or invalid."""
    if kind == "required":
        return InputError("RUN_FIELD_REQUIRED", path, f"缺少必填字段 {path}", f"{path} is required")
    if kind == "type":
        return InputError("RUN_FIELD_TYPE", path, f"{path} 类型错误：应为 {expected_zh or expected}",
                          f"{path}: expected {expected}")
    return InputError("RUN_FIELD_INVALID", path, f"{path} 取值无效：{detail_zh or detail}",
                      f"{path} is invalid: {detail}")
