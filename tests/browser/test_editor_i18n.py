"""The designer speaks Chinese by default and English on switch; no screen shows a raw message key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

I18N = Path(__file__).resolve().parents[2] / "frontend" / "src" / "i18n"


def message_keys() -> set[str]:
    """Every key of the zh dictionaries (zh.ts and the parts it spreads in; en has the same keys: Vitest checks)."""
    files = [I18N / "zh.ts", *I18N.glob("*.zh.ts")]
    return {key for f in files for key in re.findall(r'^\s*"([\w.]+)":', f.read_text(encoding="utf-8"), re.MULTILINE)}


def raw_keys_on(page: Page, keys: set[str]) -> list[str]:
    text = page.locator("body").inner_text()
    return sorted(key for key in keys if re.search(rf"(?<![\w.]){re.escape(key)}(?![\w.])", text))


def test_every_screen_of_the_editor_reads_in_both_languages(page: Page, server, sign_in, shots):
    keys = message_keys()
    assert len(keys) > 100
    sign_in("editor")
    expect(page.get_by_role("button", name="新建流程")).to_be_visible()
    assert raw_keys_on(page, keys) == []

    page.get_by_role("button", name="新建流程").click()
    page.get_by_test_id("template-gallery").get_by_role("button", name="多因子智能分仓").click()
    page.locator("input[name=key]").fill("routing-i18n")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url("**/flows/routing-i18n/versions/1/edit")
    page.locator(".react-flow__node").first.locator(".flow-node-label").click()
    expect(page.get_by_test_id("palette")).to_contain_text("人工审批")
    assert raw_keys_on(page, keys) == []

    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_test_id("palette")).to_contain_text("Approval")
    expect(page.get_by_role("button", name="Submit for review")).to_be_visible()
    expect(page.get_by_test_id("property-panel")).to_contain_text("Factors")
    page.get_by_role("tab", name="Test run").click()
    expect(page.get_by_test_id("dry-run")).to_contain_text("High-value order")
    assert raw_keys_on(page, keys) == []
    shots("editor-in-english")

    page.get_by_role("link", name="← Flows").click()
    expect(page.get_by_role("button", name="New flow")).to_be_visible()
    assert raw_keys_on(page, keys) == []
    page.get_by_test_id("lang-switch").click()
    expect(page.get_by_role("button", name="新建流程")).to_be_visible()
