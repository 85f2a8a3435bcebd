"""S13 in the browser: an order ingested over the API appears in the order list; its page's timeline grows
live (Socket.IO, no reload) while an operator claims and approves its finance task from the inbox in another
tab, and then shows who decided."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.screens import api_as, designer_with_live_events, ingest_order, people

pytestmark = pytest.mark.browser


def test_inbox_decision_grows_the_live_timeline(browser, tmp_path):
    with designer_with_live_events(tmp_path) as server, people(browser, server, "inbox", "operator") as [operator]:
        page = operator.nav("订单")
        expect(page.get_by_test_id("order-list").or_(page.get_by_text("没有符合条件的订单"))).to_be_visible()

        order_id, payload = ingest_order(api_as(server, "operator"), "inbox-1", total="8800.00")
        row = page.locator(f"tr[data-order='{order_id}']")
        expect(row).to_contain_text(payload["channel_order_no"], timeout=10_000)
        operator.shot("order-in-list")

        row.get_by_role("link", name=str(order_id), exact=True).click()
        expect(page.get_by_test_id("live-status")).to_have_text("实时更新中")
        approval = page.get_by_test_id("stage-approval")
        expect(approval.locator("[data-flow='high-value-approval']")).to_contain_text("等待中")
        expect(page.get_by_test_id("stage-routing")).to_have_count(0)
        operator.shot("timeline-waiting")

        inbox = operator.new_page()
        inbox.goto("/inbox")
        task = inbox.locator(f"[data-testid=task][data-order='{order_id}']")
        expect(task).to_contain_text("剩余")
        task.get_by_test_id("claim").click()
        expect(task).to_contain_text("已由 operator 认领")
        task.get_by_role("textbox", name="审批意见").fill("金额核对无误")
        operator.shot("inbox-claimed", inbox)
        task.get_by_test_id("approve").click()
        expect(task).to_have_count(0)

        # the first tab was never reloaded: the decision and the routing arrive as live events
        expect(page.get_by_test_id("stage-routing")).to_be_visible(timeout=10_000)
        decided = approval.locator("[data-testid=timeline-step][data-node='finance_review']")
        expect(decided.get_by_test_id("step-actor")).to_have_text("处理人：operator")
        assert int(page.get_by_test_id("live-status").get_attribute("data-updates")) >= 1
        expect(page.get_by_test_id("order-status")).to_have_text("已分仓")
        operator.shot("timeline-decided")
