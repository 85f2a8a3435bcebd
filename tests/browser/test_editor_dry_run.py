"""A test run of the routing template on a demo order explains the choice: every candidate warehouse with
its raw factor values and scores, the winner marked, the path lit on the canvas."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.canvas_steps import node

pytestmark = pytest.mark.browser


def test_a_routing_test_run_shows_candidates_with_raw_values_and_scores(page: Page, server, sign_in, shots):
    sign_in("editor")
    page.get_by_role("button", name="新建流程").click()
    page.get_by_test_id("template-gallery").get_by_role("button", name="多因子智能分仓").click()
    page.locator("input[name=key]").fill("routing-dry-run")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/flows/routing-dry-run/versions/1/edit")

    page.get_by_role("tab", name="试运行").click()
    page.get_by_test_id("dry-run-order").select_option(label="普通订单（¥123.90，零食）")
    page.get_by_role("button", name="试运行", exact=True).last.click()
    result = page.get_by_test_id("dry-run-result")
    table = result.locator(".route-explanation table")
    expect(table).to_contain_text("成本 ×")
    expect(table.locator("tbody tr").first).to_be_visible()
    assert table.locator("tbody tr").count() >= 2, "more than one warehouse can ship snacks"
    expect(table.locator("tr.winner")).to_have_count(1)
    expect(result).to_contain_text("决定：routed")
    expect(node(page, "choose_warehouse").locator(".flow-node")).to_have_class(re.compile(r"\bon-path\b"))
    shots("route-explained")
