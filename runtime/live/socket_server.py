"""The Socket.IO side of live updates: clients join rooms and receive what the runtime publishes.

``register_socketio(app, message_queue)`` attaches Flask-SocketIO (threading mode + simple-websocket)
to the designer's Flask app. With ``message_queue`` = the Redis URL, emits of every other process
(Celery workers, API workers) reach this process's clients; in distributed mode this is its own
process (Flask-SocketIO needs one process per client set — no multi-worker gunicorn without sticky
sessions), see ``docs/distributed.md``.

Client protocol (namespace ``/``):

- ``join`` ``{"room": "order:12"}`` → ack ``{"ok": true, "room": "order:12"}`` or ``{"ok": false,
  "error": {"code": ..., "message": ...}}``; ``leave`` likewise;
- the server emits ``batch`` ``{"room", "events": [{"event", "data"}]}`` to each room
  (``runtime/contracts/live-events.schema.json``).

Rights: every join goes through :func:`may_join` — the single place that checks the user's rights on
the room: the user comes from the ``auth`` payload's API token (``{"token": "olt_…"}``) or the signed
session cookie of a browser that logged in (``POST /api/auth/login``), looked up in the app's store
(``app.extensions["orderloom.db"]``; the standalone process opens its own).
"""

from __future__ import annotations

import logging
from typing import Any

from runtime.live.events import is_room

log = logging.getLogger(__name__)
CONNECTIONS = "orderloom.live.connections"  # app.extensions: Socket.IO session id → auth payload, per client
DATABASE = "orderloom.db"  # app.extensions: the store's Database the users are looked up in


def may_join(room: str, auth: dict[str, Any] | None, environ: dict[str, Any] | None = None) -> bool:
    """Whether the connection (its Socket.IO ``auth`` payload, or its session cookie) may join ``room``.

    THE rights check for rooms: ``order:<id>`` and ``flow:<key>`` — any signed-in user (every role reads
    orders and flows); ``group:<name>`` — a member of the group, or an admin. Unknown users never join.
    """
    from flask import current_app, session

    from runtime.store.users import SESSION_USER_KEY, user_for_credentials

    database = current_app.extensions.get(DATABASE)
    token = (auth or {}).get("token")
    try:
        user = database and user_for_credentials(database, token=token if isinstance(token, str) else None,
                                                 session_user=session.get(SESSION_USER_KEY))
    except Exception:  # noqa: BLE001 - a store that cannot answer lets nobody in
        log.exception("live: could not check the rights on %s", room)
        return False
    if not user:
        return False
    return not room.startswith("group:") or user.role == "admin" or room[len("group:"):] in user.groups


def register_socketio(app: Any, message_queue: str | None = None, *, check: Any = None,
                      cors_allowed_origins: Any = None, **socketio_options: Any) -> Any:
    """Attach a ``SocketIO`` with the room protocol to ``app``; returns it (also ``app.extensions["socketio"]``).

    ``check(room, auth, environ) -> bool`` replaces :func:`may_join` (tests). Call once per app.
    """
    from flask import request
    from flask_socketio import SocketIO, join_room, leave_room

    sio = SocketIO(app, async_mode="threading", message_queue=message_queue,
                   cors_allowed_origins=cors_allowed_origins, **socketio_options)
    allowed = check or may_join
    auth_by_sid: dict[str, Any] = {}  # the connected clients
    app.extensions[CONNECTIONS] = auth_by_sid

    @sio.on("connect")
    def _connect(auth: Any = None) -> None:
        auth_by_sid[request.sid] = auth if isinstance(auth, dict) else None  # type: ignore[attr-defined]

    @sio.on("disconnect")
    def _disconnect(*_: Any) -> None:
        auth_by_sid.pop(request.sid, None)  # type: ignore[attr-defined]

    @sio.on("join")
    def _join(data: Any = None) -> dict[str, Any]:
        room = data.get("room") if isinstance(data, dict) else None
        if not is_room(room):
            return _refused("ROOM_INVALID", "room must be order:<id>, flow:<key> or group:<name>")
        if not allowed(room, auth_by_sid.get(request.sid), request.environ):  # type: ignore[attr-defined]
            return _refused("ROOM_FORBIDDEN", f"not allowed to join {room}")
        join_room(room)
        return {"ok": True, "room": room}

    @sio.on("leave")
    def _leave(data: Any = None) -> dict[str, Any]:
        room = data.get("room") if isinstance(data, dict) else None
        if not is_room(room):
            return _refused("ROOM_INVALID", "room must be order:<id>, flow:<key> or group:<name>")
        leave_room(room)
        return {"ok": True, "room": room}

    return sio


def _refused(code: str, message: str) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message}}


def create_socket_app(message_queue: str | None, *, cors_allowed_origins: Any = None, settings: Any = None) -> Any:
    """A Flask app that only serves Socket.IO (the separate live-updates process of distributed mode);
    with ``settings`` it checks joins against their database and reads their session cookies."""
    from flask import Flask

    app = Flask("orderloom-live")
    if settings is not None:
        from runtime.store.db import Database
        from runtime.store.users import SESSION_COOKIE

        app.secret_key = settings.secret_key
        app.config["SESSION_COOKIE_NAME"] = SESSION_COOKIE
        app.extensions[DATABASE] = Database.open(settings.sqlalchemy_url)
    register_socketio(app, message_queue, cors_allowed_origins=cors_allowed_origins)

    @app.get("/live/health")
    def _health() -> dict[str, Any]:
        return {"status": "ok", "message_queue": bool(message_queue)}

    return app


def main(argv: list[str] | None = None) -> None:
    """``python -m runtime.live.socket_server --host 127.0.0.1 --port 8001 [--cors-origin URL]``.

    The message queue is ``ORDERLOOM_REDIS_URL`` (required: without it no other process can reach the
    clients). Threading mode on Werkzeug with simple-websocket (real WebSockets), one process.
    """
    import argparse

    from runtime.config import ConfigError, Settings

    parser = argparse.ArgumentParser(prog="python -m runtime.live.socket_server",
                                     description="Orderloom's Socket.IO process (live updates), fed by Redis")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--cors-origin", action="append", default=None,
                        help="an origin allowed to connect (the designer's URL); repeatable; '*' for any")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if not settings.redis_url:
        raise ConfigError("ORDERLOOM_REDIS_URL is not set: the Socket.IO process is fed through Redis")
    origins = None if not args.cors_origin else ("*" if "*" in args.cors_origin else args.cors_origin)
    app = create_socket_app(settings.redis_url, cors_allowed_origins=origins, settings=settings)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    log.info("orderloom live: Socket.IO on http://%s:%d, message queue %s", args.host, args.port,
             settings.redis_url.split("@")[-1])
    app.extensions["socketio"].run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True)


if __name__ == "__main__":
    main()
