"""S14 for the reviewer, in the browser: an editor's submitted version (prepared over the API) is in the
reviewer's queue; the reviewer, signed in separately, reads its diff on the canvas and as text, approves it,
publishes it as a 50% canary and rolls it back in one action."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.screens import api_as, designer_with_live_events, people

pytestmark = pytest.mark.browser
FLOW = "high-value-approval"


def submit_lower_threshold(editor) -> int:
    """The editor's v2: the S1 threshold lowered from 5000 to 3000, and the approval box moved."""
    draft = editor.post(f"/api/flows/{FLOW}/versions", json={"based_on": 1}).get_json()
    url = f"/api/flows/{FLOW}/versions/{draft['number']}"
    answer = editor.get(url)
    doc = answer.get_json()["document"]
    doc["trigger"]["when"] = "order.total > 3000"
    doc["nodes"][0]["ui"] = {"x": 40, "y": 40}
    saved = editor.put(url, json={"document": doc}, headers={"If-Match": answer.headers["ETag"]})
    assert saved.status_code == 200, saved.get_data(as_text=True)
    submitted = editor.post(f"{url}/submit")
    assert submitted.status_code == 200, submitted.get_data(as_text=True)
    return draft["number"]


def test_reviewer_approves_canaries_and_rolls_back(browser, tmp_path):
    with designer_with_live_events(tmp_path) as server:
        number = submit_lower_threshold(api_as(server, "editor"))
        with people(browser, server, "review", "reviewer") as [reviewer]:
            page = reviewer.nav("审核")
            row = page.locator(f"tr[data-review='{FLOW}/{number}']")
            expect(row).to_contain_text("editor")
            row.get_by_role("link", name="查看差异并审核").click()

            expect(page.get_by_test_id("version-state")).to_have_text("审核中")
            expect(page.get_by_test_id("diff-summary")).to_contain_text("触发条件有变化")
            expect(page.get_by_test_id("text-diff").locator(".diff-add")).to_contain_text(["order.total > 3000"])
            expect(page.get_by_test_id("text-diff").locator(".diff-del")).to_contain_text(["order.total > 5000"])
            start = doc_start(api_as(server, "reviewer"), number)
            expect(page.locator(f"[data-testid=marked-{start}]")).to_have_class("marked-node diff-changed")
            reviewer.shot("diff")

            page.get_by_role("textbox", name="审核意见").fill("阈值调整已与财务确认")
            page.get_by_role("button", name="批准").click()
            expect(page.get_by_test_id("version-state")).to_have_text("已批准")

            publish = page.get_by_test_id("publish-box")
            publish.get_by_role("spinbutton", name="比例（%）").fill("50")
            publish.get_by_test_id("publish-candidate").click()
            expect(page.get_by_test_id("release-candidate")).to_have_text(f"v{number} · 50% 的订单")
            release = api_as(server, "reviewer").get(f"/api/flows/{FLOW}/release").get_json()
            assert (release["active"]["number"], release["candidate"]["number"], release["candidate"]["percent"]) \
                == (1, number, 50)
            reviewer.shot("canary")

            page.get_by_test_id("rollback").click()
            page.get_by_role("textbox", name="原因").fill("先观察一天")
            page.get_by_role("button", name="回滚").click()
            expect(page.get_by_test_id("release-candidate")).to_have_text("—")
            expect(page.get_by_test_id("release-history")).to_contain_text("rollback")
            release = api_as(server, "reviewer").get(f"/api/flows/{FLOW}/release").get_json()
            assert release["candidate"] is None and release["active"]["number"] == 1
            assert release["history"][0]["action"] == "rollback" and release["history"][0]["reason"] == "先观察一天"

            page.get_by_role("tab", name="审计日志").click()
            expect(page.get_by_test_id("audit")).to_contain_text("release.rollback")
            reviewer.shot("rolled-back")


def doc_start(client, number: int) -> str:
    """The id of the node the version starts at (the approval box the editor moved)."""
    return client.get(f"/api/flows/{FLOW}/versions/{number}").get_json()["document"]["trigger"]["start"]
