"""What the review, operations and preview browser tests share: the designer served with live events
(Socket.IO, as ``orderloom serve`` does on the embedded default), a signed-in browser page per person that
fails the test on any console error, screenshots as artifacts, and API clients for the set-up."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from designer import extensions
from runtime.demo import OrderFactory
from tests.auth_support import client_as
from tests.browser.live import PASSWORD, PEOPLE, LiveServer, live_server

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@contextmanager
def designer_with_live_events(data_dir: Path) -> Iterator[LiveServer]:
    """The browser tests' server, also serving Socket.IO with the runtime publishing to it."""
    with live_server(data_dir) as server:
        extensions.serve_live(server.app)
        yield server


class Person:
    """One person's browser context, signed in through the login page; console errors are collected."""

    def __init__(self, browser: Browser, server: LiveServer, username: str, test_name: str) -> None:
        self.server, self.username, self.test_name = server, username, test_name
        self.context = browser.new_context(base_url=server.url, locale="zh-CN", viewport={"width": 1440, "height": 900})
        self.errors: list[str] = []
        self.shots = 0
        self.page = self.new_page()

    def new_page(self) -> Page:
        page = self.context.new_page()
        page.on("console", lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        return page

    def sign_in(self) -> Page:
        page = self.page
        page.goto("/login")
        page.locator("input[name=username]").fill(self.username)
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        expect(page.get_by_test_id("current-user")).to_contain_text(self.username)
        return page

    def nav(self, label: str) -> Page:
        self.page.get_by_role("navigation").get_by_role("link", name=label, exact=True).click()
        return self.page

    def shot(self, step: str, page: Page | None = None) -> None:
        self.shots += 1
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{self.test_name}-{self.shots:02d}-{self.username}-{step}")
        ARTIFACTS.mkdir(exist_ok=True)
        (page or self.page).screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@contextmanager
def people(browser: Browser, server: LiveServer, test_name: str, *usernames: str) -> Iterator[list[Person]]:
    """Signed-in people for a test; at the end, none of their pages may have logged a console error."""
    everyone = [Person(browser, server, name, test_name) for name in usernames]
    try:
        for person in everyone:
            person.sign_in()
        yield everyone
        errors = [f"{p.username}: {e}" for p in everyone for e in p.errors]
        assert not errors, "browser console errors:\n" + "\n".join(errors)
    finally:
        for person in everyone:
            person.close()


def api_as(server: LiveServer, username: str):
    """A Flask test client of the served app acting as ``username`` (Bearer token), for set-up and checks."""
    role, groups = PEOPLE[username]
    return client_as(server.app, role, username=username, groups=groups)


def ingest_order(client, event_id: str, *, seed: int = 1, total: str | None = None) -> tuple[int, dict]:
    """Send one demo ``order.paid`` event; ``total`` makes it a one-line order of that amount."""
    payload = OrderFactory(seed).payload()
    if total is not None:
        line = {**payload["lines"][0], "qty": 1, "price": total}
        payload.update(lines=[line], total=total)
        payload["payment"]["amount"] = total
    answer = client.post("/api/orders/events", json={"source": "browser-test", "event_id": event_id,
                                                      "kind": "order.paid", "payload": payload})
    assert answer.status_code in (200, 202), answer.get_data(as_text=True)
    return answer.get_json()["order_id"], payload
