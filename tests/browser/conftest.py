"""Browser fixtures: a live designer with demo data, a page that fails the test on any console error, and
screenshots kept under tests/artifacts/ (their folder is printed at the end of the run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.live import PASSWORD, live_server

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The designer on a loopback port: built frontend, API, demo data, users editor/reviewer/operator."""
    with live_server(tmp_path_factory.mktemp("live")) as running:
        yield running


@pytest.fixture
def console_errors(page):
    """Every console error and uncaught exception of the page; the test fails if any is left at its end."""
    errors: list[str] = []
    page.on("console", lambda message: errors.append(f"console.{message.type}: {message.text}")
            if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    yield errors
    assert not errors, "the browser reported errors:\n" + "\n".join(errors)


@pytest.fixture
def shots(page, request):
    """``shots("name", on=page)`` saves a full-page screenshot as tests/artifacts/<test>/<n>-name.png
    (of the test's page unless another is given)."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)
    count = iter(range(1, 1000))

    def take(name: str, on=None) -> Path:
        path = folder / f"{next(count):02d}-{name}.png"
        (on or page).screenshot(path=str(path), full_page=True)
        return path

    yield take
    print(f"\nscreenshots: {folder}")


@pytest.fixture
def sign_in(page, server, console_errors):
    """``sign_in(username)``: log in through the login page like a person; lands on the flow list."""
    page.set_viewport_size({"width": 1600, "height": 1000})

    def sign(username: str) -> None:
        page.goto(f"{server.url}/login")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_url("**/flows")

    return sign
