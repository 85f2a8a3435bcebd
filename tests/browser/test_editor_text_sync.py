"""Text view and canvas are one document: editing the DSL moves and relabels the canvas, editing the
canvas rewrites the text. The flow comes from the template gallery (S1), all through the UI."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.canvas_steps import node, select_node

pytestmark = pytest.mark.browser


def new_flow_from_template(page: Page, key: str, template_name: str) -> None:
    page.get_by_role("button", name="新建流程").click()
    page.get_by_test_id("template-gallery").get_by_role("button", name=template_name).click()
    page.locator("input[name=key]").fill(key)
    page.get_by_role("button", name="创建").click()
    page.wait_for_url(f"**/flows/{key}/versions/1/edit")


def dsl_line(page: Page, text: str):
    return page.get_by_test_id("dsl-text").locator(".cm-line", has_text=text)


def test_editing_the_text_moves_the_canvas_and_editing_the_canvas_rewrites_the_text(page: Page, server, sign_in,
                                                                                    shots):
    sign_in("editor")
    new_flow_from_template(page, "s1-text-sync", "高金额订单审批")
    page.get_by_role("button", name="画布 + 文本").click()
    expect(dsl_line(page, 'end approved "审批通过"')).to_be_visible()
    before = node(page, "approved").bounding_box()

    # text -> canvas: relabel the node and move it 200 to the right
    dsl_line(page, 'end approved "审批通过"').click()
    page.keyboard.press("End")
    for _ in range(3):
        page.keyboard.press("ArrowLeft")
    page.keyboard.type("（已改）")
    ui_line = dsl_line(page, "ui {x: 360, y: 40}")
    ui_line.click()
    page.keyboard.press("Home")
    page.keyboard.press("Shift+End")
    page.keyboard.type("ui {x: 560, y: 40}")
    expect(node(page, "approved")).to_contain_text("审批通过（已改）")
    expect(page.get_by_test_id("save-state")).to_have_text("已保存")
    after = node(page, "approved").bounding_box()
    assert after["x"] > before["x"] + 50, (before, after)
    shots("text-moved-canvas")

    # canvas -> text: relabel in the property panel; the saved draft's canonical text comes back
    select_node(page, "cancel_order")
    page.locator("#node-label").fill("驳回后取消")
    expect(dsl_line(page, 'order_action cancel_order "驳回后取消"')).to_be_visible()
    expect(page.get_by_test_id("dsl-text")).not_to_contain_text('"取消订单"')

    # a syntax error is shown at its line and leaves the canvas as it was
    page.get_by_test_id("dsl-text").click()
    page.keyboard.press("Control+Home")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("End")
    page.keyboard.type(" @")  # line 4: kind approval @
    expect(page.locator(".cm-lintRange-error, .cm-lint-marker-error").first).to_be_visible()
    expect(page.get_by_test_id("problem-list")).to_contain_text("第 4 行")
    expect(page.get_by_test_id("problem-list")).to_contain_text("无法识别的字符 “@”")
    expect(node(page, "approved")).to_contain_text("审批通过（已改）")
    shots("syntax-error")
