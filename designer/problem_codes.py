"""The HTTP edge's own problem codes, and the one catalogue the API serves (dsl's, the runtime's, these).

Codes about a flow come from :mod:`dsl.problems`; these say what is wrong with a *request*
(route, method, media type, body). They share the catalogue's entry type and are merged with
it, so the UI reads one table and a code is never declared twice.
"""

from __future__ import annotations

from typing import Any

from dsl.problems import CATALOGUE, CodeEntry, Problem

E = CodeEntry

API_CODES: dict[str, CodeEntry] = {
    "API_NOT_FOUND": E("error", "没有这个接口：{url}", "There is no API route {url}"),
    "API_METHOD_NOT_ALLOWED": E("error", "此接口不支持 {method}，可用：{allowed}",
                                "{method} is not allowed here; use {allowed}"),
    "API_UNSUPPORTED_MEDIA_TYPE": E("error", "不支持的内容类型 “{got}”，请使用 {expected}",
                                    "Content-Type '{got}' is not supported; send {expected}"),
    "API_BODY_TOO_LARGE": E("error", "请求体过大，上限 {limit} 字节",
                            "The request body is too large; the limit is {limit} bytes"),
    "API_BODY_ENCODING": E("error", "请求体不是有效的 UTF-8 编码（第 {offset} 字节）",
                           "The request body is not valid UTF-8 (byte {offset})"),
    "API_JSON_SYNTAX": E("error", "请求体不是有效的 JSON：{detail}",
                         "The request body is not valid JSON: {detail}"),
    "API_FIELD_REQUIRED": E("error", "缺少必填字段", "This field is required"),
    "API_FIELD_UNKNOWN": E("error", "未知字段", "Unknown field"),
    "API_FIELD_TYPE": E("error", "类型错误：应为 {expected}", "Wrong type: expected {expected}"),
    "API_FIELD_INVALID": E("error", "取值无效：{detail}", "Invalid value: {detail}"),
    "API_ONE_OF": E("error", "{fields} 必须且只能提供一个", "Send exactly one of {fields}"),
    "API_NODE_TYPE_NOT_FOUND": E("error", "未知的节点类型 “{name}”{hint_zh}",
                                 "Unknown node type '{name}'{hint_en}"),
    "API_ORDER_NOT_FOUND": E("error", "没有订单 {id}", "There is no order {id}"),
    "API_INSTANCE_NOT_FOUND": E("error", "没有流程实例 {id}", "There is no flow instance {id}"),
    "API_TASK_NOT_FOUND": E("error", "没有任务 {id}", "There is no task {id}"),
    "API_WAREHOUSE_NOT_FOUND": E("error", "没有仓库 “{id}”", "There is no warehouse '{id}'"),
    "API_CARRIER_NOT_FOUND": E("error", "没有承运商 “{id}”", "There is no carrier '{id}'"),
    "API_CONTEXT_FEED_NOT_FOUND": E("error", "没有外部信息 “{id}”", "There is no context feed '{id}'"),
    "API_CONNECTION_NOT_FOUND": E("error", "没有连接 “{id}”", "There is no connection '{id}'"),
    "API_CONTRACT_NOT_FOUND": E("error", "没有契约 “{id}”（可用：step、live-events、stream-record）",
                                "There is no published contract '{id}' (known: step, live-events, stream-record)"),
    "API_DEAD_LETTER_NOT_FOUND": E("error", "没有死信 {id}", "There is no dead letter {id}"),
    "API_FLOW_NOT_FOUND": E("error", "没有流程 “{id}”", "There is no flow '{id}'"),
    "API_PREVIEW_NOT_FOUND": E("error", "没有影响预览 {id}", "There is no impact preview {id}"),
    # ---- flows, versions, review and release (designer/api/flows, versions, releases, bundles) ----
    "API_FLOW_EXISTS": E("error", "流程 “{key}” 已存在", "A flow with the key '{key}' already exists"),
    "API_VERSION_NOT_FOUND": E("error", "没有流程版本 {id}", "There is no flow version {id}"),
    "API_TEMPLATE_NOT_FOUND": E("error", "没有模板 “{id}”", "There is no template '{id}'"),
    "API_VERSION_STATE": E("error", "版本 {number} 当前为 {state}，不能执行此操作（{action}）",
                           "Version {number} is {state}; it cannot be {action}"),
    "API_VERSION_STALE": E("error", "版本 {number} 已被他人修改：请重新加载后再保存（本次未保存任何内容）",
                           "Version {number} was changed meanwhile: reload it and save again (nothing was saved)"),
    "API_IF_MATCH_REQUIRED": E("error", "保存草稿需要 If-Match 请求头（读取版本时得到的 ETag）",
                               "Saving a draft needs an If-Match header (the ETag you read the version with)"),
    "API_OWN_VERSION": E("error", "不能审核自己编写或提交的版本 {number}",
                         "You cannot review version {number}: you wrote or submitted it"),
    "API_VERSION_MISMATCH": E("error", "流程文档的 key 和类型必须与流程一致（{key}，{kind}）",
                              "The document's key and kind must be the flow's ({key}, {kind})"),
    "API_RELEASE_STATE": E("error", "流程 {key}：{reason_zh}", "Flow {key}: {reason_en}"),
    "API_BUNDLE_INVALID": E("error", "导入包无效：{detail}", "The bundle is invalid: {detail}"),
    "API_ACTOR_REQUIRED": E("error", "请在请求体 actor 或请求头 X-Orderloom-User 中说明操作人",
                            "Say who acts: `actor` in the body or the X-Orderloom-User header"),
    "API_EVENT_INVALID": E("error", "事件内容无效（{code}）：{detail_zh}",
                           "The event is invalid ({code}): {detail_en}"),
    "API_RUNTIME_REFUSED": E("error", "无法执行（{code}）：{detail_zh}", "Refused ({code}): {detail_en}"),
    "API_STOCK_REFUSED": E("error", "库存调整被拒绝：{detail_zh}", "The stock adjustment was refused: {detail_en}"),
    "API_DEAD_LETTER_STATE": E("error", "只有死信状态（dead）的消息可以{action_zh}，此消息为 {state}",
                               "Only a dead letter can be {action_en}; this one is {state}"),
    "API_FEED_VALUE": E("error", "外部信息取值无效：{detail}", "Invalid context feed value: {detail}"),
    "API_BAD_REQUEST": E("error", "请求无效：{detail}", "Bad request: {detail}"),
    "API_HTTP_ERROR": E("error", "请求失败：{detail}", "The request failed: {detail}"),
    "API_UNAVAILABLE": E("error", "服务暂不可用：{detail}", "The service is unavailable: {detail}"),
    # ---- authentication and permissions (designer/auth) ----
    "API_AUTH_REQUIRED": E("error", "请先登录（会话 Cookie 或 Authorization: Bearer 令牌）",
                           "Sign in first: a session cookie or an `Authorization: Bearer <token>` header"),
    "API_AUTH_INVALID": E("error", "令牌无效、已吊销或格式错误（应为 Authorization: Bearer <令牌>）",
                          "The token is invalid, revoked or malformed (send `Authorization: Bearer <token>`)"),
    "API_AUTH_FAILED": E("error", "用户名或密码错误", "Wrong username or password"),
    "API_FORBIDDEN": E("error", "角色 {role} 没有权限 “{permission}”",
                       "The role {role} lacks the permission '{permission}'"),
    "API_FORBIDDEN_GROUP": E("error", "只有 {groups} 组的成员可以处理此任务",
                             "Only members of {groups} may act on this task"),
    "API_CSRF_REQUIRED": E("error", "缺少 X-CSRF-Token 请求头（登录或 GET /api/auth/me 时返回）",
                           "The X-CSRF-Token header is missing (login and GET /api/auth/me return it)"),
    "API_CSRF_INVALID": E("error", "X-CSRF-Token 与当前会话不符，请重新获取",
                          "The X-CSRF-Token does not match this session; fetch it again"),
    "API_USER_NOT_FOUND": E("error", "没有用户 “{id}”", "There is no user '{id}'"),
    "API_USER_EXISTS": E("error", "用户 “{name}” 已存在", "The user '{name}' already exists"),
    "API_GROUP_EXISTS": E("error", "组 “{name}” 已存在", "The group '{name}' already exists"),
    "API_GROUP_UNKNOWN": E("error", "没有组 “{name}”，请先创建", "There is no group '{name}'; create it first"),
    "API_TOKEN_NOT_FOUND": E("error", "没有令牌 {id}", "There is no token {id}"),
    "API_TOKEN_ROLE": E("error", "令牌角色无效：{detail}", "The token's role is not allowed: {detail}"),
    "API_LAST_ADMIN": E("error", "{name} 是最后一个有效的管理员，不能降级或停用",
                        "{name} is the last active admin and cannot be demoted or deactivated"),
    "API_PASSWORD_WEAK": E("error", "密码至少 {min} 个字符", "The password needs at least {min} characters"),
    "API_INTERNAL": E("error", "服务器内部错误，详情见服务器日志",
                      "Internal server error; the server log has the details"),
}


def api_problem(code: str, path: str = "", **params: Any) -> Problem:
    """A request problem from :data:`API_CODES`, its zh/en templates filled with ``params``."""
    entry = API_CODES[code]
    return Problem(code=code, path=path, severity=entry.severity,
                   message_zh=entry.zh.format(**params), message_en=entry.en.format(**params))


def all_codes() -> dict[str, CodeEntry]:
    """Every code the API can answer with: the flow catalogue, the runtime's refusals and the request codes."""
    tables = [CATALOGUE, runtime_codes(), API_CODES]
    merged: dict[str, CodeEntry] = {}
    for table in tables:
        clash = merged.keys() & table.keys()
        if clash:
            raise ValueError(f"problem codes declared twice: {sorted(clash)}")
        merged.update(table)
    return merged


def runtime_codes() -> dict[str, CodeEntry]:
    """The runtime facade's codes (``runtime.service.errors.CODES``), empty in a build without it."""
    try:
        from runtime.service.errors import CODES
    except ImportError:
        return {}
    return dict(CODES)
