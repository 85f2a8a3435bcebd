"""S1 built in the browser: an editor makes the high-value approval from an empty flow with the mouse and
forms, fixes a deliberate mistake from the problem list, test-runs it on a demo order and submits it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.canvas_steps import (
    choose,
    connect,
    drop_block,
    field,
    fill,
    node,
    select_node,
    type_expression,
)

pytestmark = pytest.mark.browser
ON_PATH = re.compile(r"\bon-path\b")


def new_blank_flow(page: Page, key: str, name: str) -> None:
    page.get_by_role("button", name="新建流程").click()
    page.locator("input[name=key]").fill(key)
    page.locator("input[name=name]").fill(name)
    page.locator("select[name=kind]").select_option("approval")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url(f"**/flows/{key}/versions/1/edit")
    expect(page.get_by_test_id("flow-name")).to_have_text(name)


def test_editor_builds_s1_fixes_an_error_test_runs_and_submits(page: Page, server, sign_in, shots):
    sign_in("editor")
    new_blank_flow(page, "s1-by-hand", "高金额订单审批（手工）")
    shots("blank-flow")

    # the trigger, with a deliberate typo in the field name
    type_expression(page, "trigger.when", "order.totl > 5000")

    drop_block(page, "approval", 200, 120)
    expect(page.locator("#node-id")).to_have_value("approval")
    page.locator("#node-id").fill("finance_review")
    page.locator("#node-label").click()  # leaving the id field renames the node
    page.locator("#node-label").fill("财务复核")
    fill(page, "config.assignee_group", "finance")
    field(page, "config.sla").locator("input").fill("4")
    choose(page, "config.sla", "小时")
    choose(page, "config.on_sla_breach.action", "升级给其他组并继续等待")
    fill(page, "config.on_sla_breach.escalate_to", "finance-manager")
    field(page, "config.form").get_by_role("button", name="表单字段").click()
    fill(page, "config.form[0].name", "comment")
    fill(page, "config.form[0].label_zh", "审批意见")
    choose(page, "config.form[0].type", "text")
    page.get_by_role("button", name="设为起点").click()

    drop_block(page, "order_action", 520, 300)
    choose(page, "config.action", "取消订单")
    fill(page, "config.reason", "财务复核驳回")
    drop_block(page, "end", 520, 480)
    fill(page, "config.outcome", "rejected")
    shots("blocks-placed")

    connect(page, "finance_review", "approved", "done")
    connect(page, "finance_review", "rejected", "order_action")
    connect(page, "order_action", "next", "end")
    expect(page.locator(".react-flow__edge")).to_have_count(3)

    # a second line from a connected exit is refused, with the reason
    connect(page, "finance_review", "approved", "end")
    expect(page.get_by_test_id("notice")).to_contain_text("已经连线")
    expect(page.locator(".react-flow__edge")).to_have_count(3)
    page.get_by_role("button", name="自动布局").click()

    # the typo is the one problem left: the list says so, a click leads to the field
    problems = page.get_by_test_id("problem-list")
    expect(problems.locator("button.problem")).to_have_count(1)
    expect(problems).to_contain_text("order.total")
    shots("problem-listed")
    problems.locator("button.problem").first.click()
    expect(field(page, "trigger.when").locator(".cm-content")).to_be_focused()
    type_expression(page, "trigger.when", "order.tot")  # the editor completes the order model's fields
    expect(page.locator(".cm-tooltip-autocomplete")).to_contain_text("order.total")
    page.wait_for_timeout(200)  # CodeMirror ignores Enter for 75 ms after the list opens (no accidental picks)
    page.keyboard.press("Enter")
    page.keyboard.type(" > 5000")
    expect(field(page, "trigger.when").locator(".cm-content")).to_have_text("order.total > 5000")
    expect(problems).to_contain_text("没有问题")
    expect(page.get_by_test_id("save-state")).to_have_text("已保存")

    # test run on the high-value demo order, everyone approves: trigger -> finance_review -> done
    page.get_by_role("tab", name="试运行").click()
    page.get_by_test_id("dry-run-order").select_option(index=0)
    page.get_by_role("button", name="试运行", exact=True).last.click()
    expect(page.get_by_test_id("dry-run-result")).to_contain_text("结束于 done")
    for on_path in ("finance_review", "done"):
        expect(node(page, on_path).locator(".flow-node")).to_have_class(ON_PATH)
    for off_path in ("order_action", "end"):
        expect(node(page, off_path).locator(".flow-node")).not_to_have_class(ON_PATH)
    shots("test-run")

    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_test_id("save-state")).to_have_text("只读")
    expect(page.locator(".editor-header .state")).to_contain_text("审核中")
    expect(page.get_by_test_id("palette")).to_have_count(0)  # a submitted version only shows
    select_node(page, "finance_review")
    expect(page.locator("#node-label")).to_be_disabled()
    shots("submitted")
