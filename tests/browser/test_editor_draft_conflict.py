"""Two tabs on one draft: the later save is refused (412) and the editor offers to reload or keep the
change as a new draft; keeping it opens the copy with the change saved."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.canvas_steps import select_node
from tests.browser.live import PASSWORD

pytestmark = pytest.mark.browser
STALE_SAVE = "the server responded with a status of 412"


def sign_in_other_tab(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("用户名").fill("editor")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/flows")


def relabel(page: Page, node_id: str, label: str) -> None:
    select_node(page, node_id)
    page.locator("#node-label").fill(label)


def test_a_stale_autosave_offers_reload_or_a_copy(page: Page, browser, server, sign_in, shots):
    sign_in("editor")
    page.get_by_role("button", name="新建流程").click()
    page.get_by_test_id("template-gallery").get_by_role("button", name="高金额订单审批").click()
    page.locator("input[name=key]").fill("s1-conflict")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/flows/s1-conflict/versions/1/edit")
    editor_url = page.url

    other = browser.new_context(viewport={"width": 1600, "height": 1000}).new_page()
    other_errors: list[str] = []
    other.on("console", lambda m: other_errors.append(m.text) if m.type == "error" else None)
    other.on("pageerror", lambda e: other_errors.append(str(e)))
    sign_in_other_tab(other, server.url)
    other.goto(editor_url)
    expect(other.locator(".react-flow__node")).to_have_count(4)

    relabel(page, "approved", "第一个标签页改的")
    expect(page.get_by_test_id("save-state")).to_have_text("已保存")

    relabel(other, "rejected", "第二个标签页改的")
    dialog = other.get_by_role("dialog")
    expect(dialog).to_contain_text("草稿已被他人修改")
    shots("second-tab-conflict", on=other)
    dialog.get_by_role("button", name="另存为新草稿").click()
    other.wait_for_url("**/flows/s1-conflict/versions/2/edit")
    expect(other.locator('.react-flow__node[data-id="rejected"]')).to_contain_text("第二个标签页改的")
    expect(other.locator('.react-flow__node[data-id="approved"]')).not_to_contain_text("第一个标签页改的")

    page.reload()
    expect(page.locator('.react-flow__node[data-id="approved"]')).to_contain_text("第一个标签页改的")
    other.context.close()
    assert other_errors and all(STALE_SAVE in e for e in other_errors), other_errors
