"""Serve the built browser designer (frontend/dist) at ``/``, with history fallback for client routes.

Every path that is not under ``/api`` and names no file in the build answers ``index.html``, so
a reload of ``/flows/x/versions/2/edit`` reaches the React router; ``/api/*`` never matches here,
so unknown API paths keep their JSON 404 (and 405) problems.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, send_from_directory
from werkzeug.routing import BaseConverter

DEFAULT_DIST = Path(__file__).resolve().parents[1] / "frontend" / "dist"

bp = Blueprint("frontend", __name__)


class ClientPathConverter(BaseConverter):
    """Any path except ``api`` and what lies under it."""

    regex = r"(?!api(?:/|$)).+"
    part_isolating = False


def dist_dir() -> Path:
    """Where the build is: ``FRONTEND_DIST`` in the app config, else ``frontend/dist``."""
    return Path(current_app.config.get("FRONTEND_DIST") or DEFAULT_DIST)


@bp.get("/")
def index():
    """The single-page app."""
    return _index_html()


@bp.get("/<client_path:path>")
def client_route(path: str):
    """A built asset if the path names one, else the app (the router shows the page or its 404)."""
    if _looks_like_file(path):
        return send_from_directory(dist_dir(), path)
    return _index_html()


def _looks_like_file(path: str) -> bool:
    return path.startswith("assets/") or "." in path.rsplit("/", 1)[-1]


def _index_html() -> Response:
    if not (dist_dir() / "index.html").is_file():
        message = "The designer is not built: run `make frontend` (or `make run`), then reload.\n"
        return Response(message, status=503, mimetype="text/plain")
    response = send_from_directory(dist_dir(), "index.html")
    response.headers["Cache-Control"] = "no-cache"  # a new build must reach the browser at once
    return response


def init_app(app) -> None:
    """Teach the URL map the client-path converter and mount the blueprint."""
    app.url_map.converters["client_path"] = ClientPathConverter
    app.register_blueprint(bp)
