"""Flask serves the built designer at ``/``: assets as files, client routes as index.html, /api untouched."""

from __future__ import annotations

import pytest


@pytest.fixture
def dist(app, tmp_path):
    """A stand-in build (what `vite build` writes): index.html and one asset."""
    root = tmp_path / "dist"
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text('<div id="root"></div>', encoding="utf-8")
    (root / "assets" / "app.js").write_text("console.log(1)", encoding="utf-8")
    app.config["FRONTEND_DIST"] = str(root)
    return root


def test_the_root_and_every_client_route_answer_the_app(client, dist):
    for path in ("/", "/flows", "/flows/s1/versions/2/edit", "/orders/17"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert '<div id="root">' in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-cache"


def test_assets_are_served_as_files_and_a_missing_one_is_a_404(client, dist):
    assert client.get("/assets/app.js").get_data(as_text=True) == "console.log(1)"
    assert client.get("/assets/gone.js").status_code == 404


def test_unknown_api_paths_stay_json_problems(client, dist, problem_of):
    problem_of(client.get("/api/no-such-thing"), 404, "API_NOT_FOUND")
    problem_of(client.get("/api"), 404, "API_NOT_FOUND")
    problem_of(client.get("/api/validate"), 405, "API_METHOD_NOT_ALLOWED")


def test_without_a_build_the_page_says_how_to_build_it(app, client, tmp_path):
    app.config["FRONTEND_DIST"] = str(tmp_path / "nothing")
    response = client.get("/flows")
    assert response.status_code == 503
    assert "make frontend" in response.get_data(as_text=True)
