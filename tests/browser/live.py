"""A real designer server for browser tests: the app with demo data on a loopback port, in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from werkzeug.serving import make_server

from designer import create_app
from designer.frontend import DEFAULT_DIST
from runtime.config import Settings
from runtime.demo import seed
from tests.auth_support import create_user

PASSWORD = "orderloom-test-pw"
#: who signs in during browser tests: username -> (role, groups)
PEOPLE = {"editor": ("editor", ()), "reviewer": ("reviewer", ()), "admin": ("admin", ()),
          "operator": ("operator", ("finance", "finance-manager", "risk", "after-sales"))}


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: object


@contextmanager
def live_server(data_dir: Path) -> Iterator[LiveServer]:
    """Serve the built frontend and the API (demo data seeded, users with PASSWORD) until the block ends."""
    if not (DEFAULT_DIST / "index.html").is_file():
        raise RuntimeError("frontend/dist is not built: run `make frontend` first (make test does)")
    app = create_app(Settings.from_env({"ORDERLOOM_DATA_DIR": str(data_dir)}), background=True)
    seed(app.extensions["orderloom.db"])
    for username, (role, groups) in PEOPLE.items():
        create_user(app, username, role, password=PASSWORD, groups=groups)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
