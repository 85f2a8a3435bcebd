"""Human tasks: the inbox, claiming, reassigning, and deciding with the approval's form."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from runtime.service.errors import InputError, Refused
from runtime.store.models import Task

_STATUS_ZH = {"decided": "处理", "cancelled": "取消"}


def check_open(task: Task) -> None:
    if task.status not in ("open", "claimed"):
        raise Refused("RUN_TASK_CLOSED", f"任务 {task.id} 已{_STATUS_ZH.get(task.status, task.status)}，不能再操作",
                      f"task {task.id} is {task.status}; it cannot change", id=task.id, status=task.status)


def check_decision(decision: Any) -> str:
    if decision not in ("approved", "rejected"):
        raise InputError("RUN_DECISION_INVALID", "decision", "审批结论只能是 approved 或 rejected",
                         f"a decision is approved or rejected, not {decision!r}")
    return decision


def check_form(fields: list[dict[str, Any]], form: Any) -> dict[str, Any]:
    """The form values checked against the approval's fields: required ones present, types right, choices
    among the options, no unknown fields. Returns the values (numbers as given)."""
    if form is None:
        form = {}
    if not isinstance(form, dict):
        raise InputError("RUN_FORM_INVALID", "form", "审批表单应为对象", "the form must be an object")
    known = {f["name"]: f for f in fields}
    for name in form:
        if name not in known:
            raise InputError("RUN_FORM_INVALID", f"form.{name}", f"表单没有字段 “{name}”",
                             f"the form has no field {name!r}; fields: {', '.join(known) or 'none'}")
    for name, field in known.items():
        value = form.get(name)
        label = field.get("label_zh") or name
        if value is None or value == "":
            if field.get("required"):
                raise InputError("RUN_FORM_INVALID", f"form.{name}", f"请填写“{label}”", f"{name} is required")
            continue
        kind = field.get("type", "text")
        if kind == "text" and not isinstance(value, str):
            raise InputError("RUN_FORM_INVALID", f"form.{name}", f"“{label}”应为文本", f"{name} must be text")
        if kind == "boolean" and not isinstance(value, bool):
            raise InputError("RUN_FORM_INVALID", f"form.{name}", f"“{label}”应为是或否",
                             f"{name} must be true or false")
        if kind == "number":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            if isinstance(value, str):
                try:
                    ok = Decimal(value).is_finite()
                except InvalidOperation:
                    ok = False
            if not ok:
                raise InputError("RUN_FORM_INVALID", f"form.{name}", f"“{label}”应为数字", f"{name} must be a number")
        if kind == "choice" and value not in (field.get("options") or []):
            options = field.get("options") or []
            raise InputError("RUN_FORM_INVALID", f"form.{name}", f"“{label}”应为 {'、'.join(map(str, options))} 之一",
                             f"{name} must be one of {', '.join(map(str, options))}")
    return dict(form)
