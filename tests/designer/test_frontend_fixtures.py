"""The frontend's unit tests read the catalog from fixture files; they must be what the API serves now.

Regenerate after a catalog change: ``.venv/bin/python -m tests.designer.test_frontend_fixtures``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "frontend" / "src" / "catalog" / "fixtures"
SOURCES = {"node-types.json": "/api/node-types", "order-model.json": "/api/schemas/order-model"}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_frontend_fixture_is_what_the_api_serves(client, name):
    served = client.get(SOURCES[name]).get_json()
    stored = json.loads((FIXTURES / name).read_text(encoding="utf-8"))
    assert stored == served, f"frontend/src/catalog/fixtures/{name} is stale: run python -m {__name__}"


def write_fixtures() -> None:
    """Write every fixture from a fresh app (embedded default in a temporary data dir)."""
    import tempfile

    from designer import create_app
    from runtime.config import Settings

    with tempfile.TemporaryDirectory() as data_dir:
        client = create_app(Settings.from_env({"ORDERLOOM_DATA_DIR": data_dir})).test_client()
        for name, url in SOURCES.items():
            text = json.dumps(client.get(url).get_json(), ensure_ascii=False, indent=1, sort_keys=True)
            (FIXTURES / name).write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_fixtures()
