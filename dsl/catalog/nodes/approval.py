"""approval: a human task for a business group, with a form, an SLA and breach behaviour."""

from dsl.catalog.fields import (
    boolean,
    choice,
    config_schema,
    duration,
    group,
    ident,
    list_of,
    obj,
    text,
)
from dsl.catalog.types import NodeType, Port

FORM_FIELD = obj({
    "name": ident("字段名", "Field name"),
    "label_zh": text("中文标签", "Chinese label"),
    "label_en": text("英文标签", "English label"),
    "type": choice(["text", "number", "choice", "boolean"], "类型", "Type"),
    "options": list_of(text("选项", "Option", min_length=1), "选项", "Options", max_items=50),
    "required": boolean("必填", "Required"),
}, ["name", "type"], zh="表单字段", en="Form field")

ON_BREACH = obj({
    "action": choice(["escalate", "exit", "remind"], "超时处理", "On breach", labels={
        "escalate": ("升级给其他组并继续等待", "Escalate and keep waiting"),
        "exit": ("走“超时”出口", "Take the 'SLA breached' exit"),
        "remind": ("提醒处理人并继续等待", "Remind and keep waiting")}),
    "escalate_to": group("升级到", "Escalate to"),
}, ["action"], zh="超时处理", en="SLA breach",
    allOf=[{"if": {"properties": {"action": {"const": "escalate"}}},
            "then": {"required": ["escalate_to"]}}])

NODE = NodeType(
    name="approval", category="people", keyword="approval",
    label_zh="人工审批", label_en="Approval",
    description_zh="为业务组创建审批任务，表单内容随决定保存；超过时效可升级、提醒或走超时出口。",
    description_en="Creates a task for a business group; the form is stored with the decision; on an "
                   "SLA breach it escalates, reminds or takes the 'SLA breached' exit.",
    icon="user-check",
    config_schema=config_schema({
        "title": text("任务标题", "Task title"),
        "assignee_group": group("处理组", "Assignee group"),
        "form": list_of(FORM_FIELD, "表单字段", "Form fields", max_items=30),
        "sla": duration("处理时效", "SLA"),
        "on_sla_breach": ON_BREACH,
    }, ["assignee_group"]),
    ports=(Port("approved", "通过", "Approved"), Port("rejected", "驳回", "Rejected"),
           Port("sla_breached", "超时", "SLA breached", optional=True)),
    handler="runtime.handlers.approval:run",
    waits=True,
    example_config={"assignee_group": "finance", "sla": "4h",
                    "on_sla_breach": {"action": "escalate", "escalate_to": "finance-manager"}},
)
