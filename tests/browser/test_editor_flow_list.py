"""The flow list: stages in pipeline order with flows by priority, search and filters, the template
gallery with descriptions; an admin reorders flows within a stage."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def stage_rows(page: Page, stage: str):
    return page.locator("section.stage", has=page.get_by_role("heading", name=stage)).locator("tr[data-flow]")


def keys_in_stage(page: Page, stage: str) -> list[str]:
    expect(stage_rows(page, stage).first).to_be_visible()
    return [row.get_attribute("data-flow") for row in stage_rows(page, stage).all()]


def test_flows_are_listed_by_stage_and_priority_and_can_be_searched_and_filtered(page: Page, server, sign_in, shots):
    sign_in("editor")
    expect(page.locator("section.stage h2")).to_have_text(["接单", "审批", "分仓", "退货", "子流程"])
    assert keys_in_stage(page, "接单") == ["brushing-risk", "cross-border-compliance", "remote-freight", "vip-gift"]

    page.get_by_label("阶段").select_option(label="分仓")
    expect(page.locator("section.stage h2")).to_have_text(["分仓"])
    page.get_by_label("搜索").fill("天气")
    expect(page.locator("tr[data-flow]")).to_have_count(1)
    expect(page.locator("tr[data-flow]")).to_have_attribute("data-flow", "weather-carrier")
    page.get_by_label("搜索").fill("")
    page.get_by_label("阶段").select_option(label="全部阶段")
    page.get_by_label("状态").select_option(label="草稿")
    expect(page.locator("tr[data-flow]")).to_have_count(0)
    expect(page.get_by_text("没有符合条件的流程")).to_be_visible()
    page.get_by_label("状态").select_option(label="已发布")
    expect(page.locator("tr[data-flow]")).to_have_count(9)  # the demo publishes the nine starter flows

    page.get_by_role("button", name="新建流程").click()
    gallery = page.get_by_test_id("template-gallery")
    expect(gallery.get_by_role("button")).to_have_count(10)  # blank + the nine starter flows
    expect(gallery).to_contain_text("订单金额超过 5000 元需财务复核")
    shots("template-gallery")


def test_an_admin_moves_a_flow_earlier_in_its_stage(page: Page, server, sign_in):
    sign_in("admin")
    assert keys_in_stage(page, "分仓") == ["multi-factor-routing", "weather-carrier"]
    page.locator('tr[data-flow="weather-carrier"]').get_by_role("button", name="↑").click()
    expect(stage_rows(page, "分仓").first).to_have_attribute("data-flow", "weather-carrier")
    page.reload()
    assert keys_in_stage(page, "分仓") == ["weather-carrier", "multi-factor-routing"]
