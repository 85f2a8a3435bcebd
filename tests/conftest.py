"""Fixtures shared by every test: real-service URLs, a Chromium that needs no download, a clean env."""

from __future__ import annotations

import os
import shutil

import pytest

# ---- services: started by `make test` / .ci/run (.ci/with-services) ----
REDIS_URL = os.environ.get("ORDERLOOM_REDIS_URL")
TEST_DATABASE_URL = os.environ.get("ORDERLOOM_TEST_DATABASE_URL")


def in_ci() -> bool:
    """CI=true (set by .ci/run): nothing may be skipped for want of a server."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_service(url: str | None, what: str) -> str:
    """``url`` if the service is configured; else fail in CI, skip by hand.

    In CI a missing server is a broken pipeline, never a silent skip.
    """
    if url:
        return url
    if in_ci():
        pytest.fail(f"{what} is not running: `make test` (.ci/with-services) must start it")
    pytest.skip(f"{what} not configured: run `make test` to start it")


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The throwaway Redis of this test run."""
    return require_service(REDIS_URL, "Redis (ORDERLOOM_REDIS_URL)")


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The throwaway PostgreSQL database of this test run."""
    return require_service(TEST_DATABASE_URL, "PostgreSQL (ORDERLOOM_TEST_DATABASE_URL)")


# ---- a test never reads the developer's or CI's ORDERLOOM_* settings by accident ----
@pytest.fixture(autouse=True)
def _clean_orderloom_env(monkeypatch, tmp_path):
    """Start every test from the embedded default, with its data dir in the test's tmp dir."""
    for name in list(os.environ):
        if name.startswith("ORDERLOOM_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("ORDERLOOM_DATA_DIR", str(tmp_path / "var"))


# ---- Playwright: Debian's chromium, never `playwright install` ----
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's launch arguments, pointed at the system Chromium."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS]}


# ---- a small valid flow, the one from DESIGN.md's contract ----
def approval_flow() -> dict:
    """高金额订单审批: orders over 5000 wait for finance; approved or rejected ends the flow."""
    return {
        "format": "orderloom.flow/1",
        "key": "high-value-approval",
        "name": "高金额订单审批",
        "description": "金额超过 5000 的订单需财务复核",
        "kind": "approval",
        "trigger": {"start": "finance", "when": "order.total > 5000"},
        "nodes": [
            {"id": "finance", "type": "approval", "label": "财务复核",
             "config": {"assignee_group": "finance", "sla": "4h",
                        "on_sla_breach": {"action": "escalate", "escalate_to": "finance-manager"}},
             "ui": {"x": 240, "y": 80}},
            {"id": "approved", "type": "end", "config": {"outcome": "approved"}},
            {"id": "rejected", "type": "end", "config": {"outcome": "rejected"}},
        ],
        "edges": [
            {"from": "finance", "port": "approved", "to": "approved"},
            {"from": "finance", "port": "rejected", "to": "rejected"},
        ],
    }


@pytest.fixture
def sample_flow() -> dict:
    """A fresh copy of :func:`approval_flow` for the test to change."""
    return approval_flow()


def _call_subflow(doc: dict, key: str) -> dict:
    """Make ``doc`` start with a ``subflow`` node calling the flow ``key`` (node ``nodes[0]``)."""
    doc["nodes"].insert(0, {"id": "sub", "type": "subflow",
                            "config": {"flow": key, "binding": "active", "outcomes": ["done"]}})
    doc["edges"].append({"from": "sub", "port": "done", "to": doc["trigger"]["start"]})
    doc["trigger"]["start"] = "sub"
    return doc


@pytest.fixture
def call_subflow():
    """``call_subflow(doc, key)``: prepend a sub-flow call to ``key`` to a flow document."""
    return _call_subflow
