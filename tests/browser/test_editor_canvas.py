"""Canvas handling with mouse and keyboard: palette search, copy/paste, delete, undo/redo, moving a node,
selecting and deleting a line, auto-layout and zoom to fit, the minimap."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.canvas_steps import connect, drop_block, node, select_node

pytestmark = pytest.mark.browser


def test_shortcuts_and_toolbar_change_the_canvas_and_undo_takes_it_back(page: Page, server, sign_in, shots):
    sign_in("editor")
    page.get_by_role("button", name="新建流程").click()
    page.locator("input[name=key]").fill("canvas-basics")
    page.locator("input[name=name]").fill("画布操作")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/flows/canvas-basics/versions/1/edit")
    nodes = page.locator(".react-flow__node")
    expect(nodes).to_have_count(1)  # a blank flow: one end node

    palette = page.get_by_test_id("palette")
    palette.get_by_role("searchbox").fill("审批")
    expect(palette.locator(".palette-item")).to_have_count(1)
    palette.get_by_role("searchbox").fill("")

    drop_block(page, "timer", 300, 150)
    expect(nodes).to_have_count(2)
    page.get_by_test_id("canvas").click(position={"x": 20, "y": 20})  # leave the form: keys go to the canvas
    select_node(page, "timer")
    page.locator(".flow-node-label").first.press("Control+c")
    page.keyboard.press("Control+v")
    expect(node(page, "timer_2")).to_be_visible()
    page.keyboard.press("Delete")
    expect(nodes).to_have_count(2)
    page.keyboard.press("Control+z")
    expect(node(page, "timer_2")).to_be_visible()
    page.keyboard.press("Control+Shift+z")
    expect(node(page, "timer_2")).to_have_count(0)

    box = node(page, "timer").bounding_box()
    page.mouse.move(box["x"] + 30, box["y"] + 12)
    page.mouse.down()
    page.mouse.move(box["x"] + 130, box["y"] + 92, steps=8)
    page.mouse.up()
    moved = node(page, "timer").bounding_box()
    assert moved["x"] > box["x"] + 50 and moved["y"] > box["y"] + 40, (box, moved)
    page.get_by_role("button", name="撤销").click()  # a whole drag is one step
    back = node(page, "timer").bounding_box()
    assert abs(back["x"] - box["x"]) < 2 and abs(back["y"] - box["y"]) < 2, (box, back)

    connect(page, "timer", "next", "done")
    edge = page.locator(".react-flow__edge")
    expect(edge).to_have_count(1)
    expect(page.locator(".react-flow__edge-text")).to_have_text("继续")
    page.get_by_role("button", name="自动布局").click()
    page.get_by_role("button", name="适应画布").click()
    expect(page.locator(".react-flow__minimap")).to_be_visible()
    shots("laid-out")

    page.locator(".react-flow__edge-textbg").click()  # the label sits on the line wherever it curves
    page.get_by_role("button", name="删除").click()
    expect(edge).to_have_count(0)
    page.get_by_role("button", name="撤销").click()
    expect(edge).to_have_count(1)
    expect(page.get_by_test_id("save-state")).to_have_text("已保存")
