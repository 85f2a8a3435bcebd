"""The ``orderloom`` command: serve the designer, and check, format and convert flow files.

Exit codes: 0 all good, 1 the flows have problems (or ``fmt --check`` would change files),
2 usage, configuration or file errors.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import click

from designer.version import __version__
from runtime.config import ConfigError, Settings

SYNTAX_BY_SUFFIX = {".flow": "dsl", ".json": "json"}
EXIT_PROBLEMS = 1
EXIT_USAGE = 2

lang_option = click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                           help="Language of the problem messages.")


class UsageProblem(click.ClickException):
    """A file or setting the command cannot work with (exit 2, like a usage error)."""

    exit_code = EXIT_USAGE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orderloom")
def main() -> None:
    """Orderloom: design, check and run order flows."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="TCP port.")
@click.option("--demo-trickle", "trickle", default=0, show_default=True, type=click.IntRange(0, 100_000),
              metavar="N", help="Send N sample orders through the runtime while serving (needs `orderloom demo`).")
@click.option("--trickle-interval", default=3.0, show_default=True, type=click.FloatRange(0.05, 3600),
              metavar="SECONDS", help="Pause between two sample orders.")
def serve(host: str, port: int, trickle: int, trickle_interval: float) -> None:
    """Run the designer on HOST:PORT in one process (gunicorn, one gthread worker), with the in-process
    runtime and, without Redis, Socket.IO live updates served by the same process."""
    from designer import server

    settings = _settings()
    click.echo(f"Orderloom {__version__}: http://{host}:{port}/api/health  "
               f"(database: {settings.database_kind}, redis: {settings.redis_url or 'in-process'}, "
               f"live: {'Socket.IO process via Redis' if settings.redis_url else 'Socket.IO here'}, "
               f"data: {settings.data_dir})")
    if trickle:
        click.echo(f"demo: {trickle} sample order(s), one every {trickle_interval:g} s", err=True)
    server.serve(lambda: server.designer_app(settings, trickle=trickle, trickle_interval=trickle_interval),
                 host, port, on_exit=server.shutdown)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--user", default=None, metavar="NAME",
              help="The admin who publishes, recorded in the audit log (default: $USER).")
@lang_option
def publish(files: tuple[Path, ...], user: str | None, lang: str) -> None:
    """Validate flow files and publish each as the active version of its flow; print the version numbers.

    Admin-only, without review: NAME must be an active admin (exit 2 otherwise; the refusal is
    audited) — except on a fresh database that has no user yet. Every publication is audited.
    Sub-flows among FILES are published first, so a caller and its sub-flow can go together. If
    any file has problems (`file:line:col: CODE message`), nothing is published (exit 1). Publishing
    a file whose content is already active changes nothing.
    """
    from runtime.store.versions import InvalidDocument, publish_document, published_flow_keys

    sources = {path: _read(path) for path in files}
    database = _open_database()
    with database.read() as session:
        known = published_flow_keys(session)
    documents, failed = {}, 0
    keys = {k for k in (_flow_key(p, data) for p, data in sources.items()) if k}
    for path, data in sources.items():
        result = _validate_against(path, data, known | keys)
        _print_problems(path, result.problems, lang)
        if not result.valid or result.document is None:
            failed += 1
        else:
            documents[path] = result.document
    if failed:
        click.echo(f"{len(files)} file(s) checked, {failed} with problems; nothing published", err=True)
        sys.exit(EXIT_PROBLEMS)
    who = user or _whoami()
    _require_admin(database, who)
    order = sorted(documents, key=lambda p: documents[p].get("kind") != "subflow")
    records, current = [], None
    try:
        with database.transaction() as session:  # all or nothing
            for current in order:
                records.append((current, publish_document(session, documents[current], user=who)))
    except InvalidDocument as exc:  # e.g. a sub-flow retired by someone else meanwhile
        _print_problems(current, exc.problems, lang)
        click.echo("nothing published", err=True)
        sys.exit(EXIT_PROBLEMS)
    finally:
        database.dispose()
    for path, record in records:
        state = "published" if record.created else "unchanged, already active"
        click.echo(f"{path}: {record.flow_key} version {record.number} ({state})")


def _require_admin(database: Any, username: str | None) -> None:
    """``orderloom publish`` skips review, so only an admin may run it (a database without users: anyone,
    to set up a fresh install). A refusal is audited and exits 2."""
    from sqlalchemy import func, select

    from runtime.store import audit
    from runtime.store.models import User

    with database.transaction() as session:
        if not session.scalar(select(func.count()).select_from(User)):
            return
        admin = session.scalar(select(User).where(User.username == (username or ""), User.role == "admin",
                                                  User.active.is_(True)))
        if admin is not None:
            return
        audit.record(session, actor=username, action="cli.publish", target_type="cli", target_id="publish",
                     outcome="refused", comment="orderloom publish is admin-only")
    database.dispose()
    raise UsageProblem(f"orderloom publish is admin-only: {username or '(unknown user)'} is not an active admin "
                       "(use --user NAME)")


@main.command()
@click.option("--receiver-url", default=None, metavar="URL",
              help="Base URL of the demo receiver the demo connections point at "
                   "[default: http://127.0.0.1:8000/api/demo-receiver].")
@click.option("--trickle", default=0, show_default=True, type=click.IntRange(0, 100_000), metavar="N",
              help="After seeding, send N sample orders through the runtime, here, one every --interval.")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0, 3600), metavar="SECONDS",
              help="Pause between two sample orders of --trickle.")
def demo(receiver_url: str | None, trickle: int, interval: float) -> None:
    """Seed the demo data (idempotent): warehouses, stock, customers, carriers, feeds, connections, flows,
    and the demo users editor, reviewer, operator, manager, admin (password: $ORDERLOOM_DEMO_PASSWORD,
    default `orderloom`).

    Running it again adds only what is missing. With --trickle N it then sends N sample orders
    (`order.paid`) through the runtime in this process; `orderloom serve --demo-trickle N` does the
    same in the background of the server.
    """
    from runtime.demo import DEFAULT_RECEIVER, DEMO_USERS, Trickle, seed, seed_users

    settings = _settings()
    database = _open_database(settings)
    try:
        report = seed(database, receiver_url=receiver_url or DEFAULT_RECEIVER)
        for line in report.lines():
            click.echo(line)
        added = seed_users(database, settings.demo_password)
        click.echo(f"demo users (password: {settings.demo_password}): " + ", ".join(
            f"{name} ({role}{', ' + ', '.join(groups) if groups else ''})"
            for name, (role, groups, _) in DEMO_USERS.items()) + (f"; added {', '.join(added)}" if added else ""))
        if trickle:
            from designer import create_app, extensions

            app = create_app(settings)
            rt = app.extensions[extensions.runtime.key]
            sender = Trickle(rt.ingest, count=trickle, interval=interval, timezone=settings.timezone)
            sender.run()
            click.echo(f"sample orders: {sender.sent} sent, {sender.failed} failed")
            extensions.runtime.shutdown(app)
    finally:
        database.dispose()


def _settings() -> Settings:
    try:
        return Settings.from_env()
    except ConfigError as exc:
        raise UsageProblem(str(exc)) from None


def _open_database(settings: Settings | None = None):
    """The configured database, migrated to the newest schema (exit 2 if it cannot be)."""
    from runtime.store.db import Database
    from runtime.store.migrate import upgrade

    settings = settings or _settings()
    try:
        database = Database.open(settings.sqlalchemy_url)
        upgrade(database.engine)
    except Exception as exc:  # noqa: BLE001 - any failure to reach the database is a usage problem here
        raise UsageProblem(f"database {settings.database_kind}: {type(exc).__name__}: "
                           f"{(str(exc).splitlines() or [''])[0]}") from None
    return database


def _whoami() -> str | None:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name is fine
        return None


def _validate_against(path: Path, data: bytes, known_flows: set[str]):
    """Validate a flow file against the flows that exist (published, or among the files given)."""
    from dsl.validation import validate_source

    return validate_source(data, syntax=SYNTAX_BY_SUFFIX.get(path.suffix.lower()), known_flows=known_flows,
                           filename=str(path))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--known-flow", "known_flows", multiple=True, metavar="KEY",
              help="A flow key that exists (repeatable); when given, sub-flow keys are checked against "
                   "these plus the keys of the FILES.")
@lang_option
def validate(files: tuple[Path, ...], known_flows: tuple[str, ...], lang: str) -> None:
    """Check flow files (.flow DSL or .json); print `file:line:col: CODE message` per problem."""
    from dsl.validation import validate_source

    sources = {path: _read(path) for path in files}
    registry = None
    if known_flows:
        registry = set(known_flows) | {k for k in (_flow_key(p, data) for p, data in sources.items()) if k}
    failed = 0
    for path, data in sources.items():
        result = validate_source(data, syntax=SYNTAX_BY_SUFFIX.get(path.suffix.lower()),
                                 known_flows=registry, filename=str(path))
        _print_problems(path, result.problems, lang)
        failed += not result.valid
    click.echo(f"{len(files)} file(s) checked, {failed} with problems", err=True)
    sys.exit(EXIT_PROBLEMS if failed else 0)


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--check", is_flag=True, help="Change nothing; list the files that are not canonical.")
@lang_option
def fmt(files: tuple[Path, ...], check: bool, lang: str) -> None:
    """Rewrite .flow files in their canonical form (with --check: only list those that would change)."""
    from dsl.text import FlowSyntaxError, format_source

    for path in files:
        if path.suffix.lower() != ".flow":
            raise UsageProblem(f"{path}: fmt formats .flow files; use `orderloom convert` for JSON")
    sources = {path: _read(path) for path in files}
    changed = broken = 0
    for path, data in sources.items():
        text = _decode(path, data, lang)
        if text is None:
            broken += 1
            continue
        try:
            canonical = format_source(text)
        except FlowSyntaxError as exc:
            _print_problems(path, exc.problems, lang)
            broken += 1
            continue
        if canonical == text:
            continue
        changed += 1
        if check:
            click.echo(str(path))
        else:
            _write(path, canonical)
            click.echo(f"reformatted {path}", err=True)
    sys.exit(EXIT_PROBLEMS if broken or (check and changed) else 0)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--to", "target", type=click.Choice(["json", "dsl"]), required=True, help="Output syntax.")
@lang_option
def convert(file: Path, target: str, lang: str) -> None:
    """Print FILE (.flow or .json) as JSON or DSL on standard output."""
    from dsl.text import print_flow
    from dsl.validation import validate_source

    syntax = SYNTAX_BY_SUFFIX.get(file.suffix.lower())
    if syntax is None:
        raise UsageProblem(f"{file}: cannot tell the syntax from the name; use .flow (DSL) or .json")
    result = validate_source(_read(file), syntax=syntax, filename=str(file))
    if result.document is None or not result.valid:
        _print_problems(file, result.problems, lang, err=True)
        sys.exit(EXIT_PROBLEMS)
    if target == "json":
        click.echo(json.dumps(result.document, ensure_ascii=False, indent=2, allow_nan=False))
    else:
        click.echo(print_flow(result.document), nl=False)


def format_problem(path: Path | str, problem: Any, lang: str) -> str:
    """``file:line:col: CODE message [document path]``; line and column are 1:1 when unknown."""
    message = problem.message_zh if lang == "zh" else problem.message_en
    where = f" [{problem.path}]" if problem.path else ""
    return f"{path}:{problem.line or 1}:{problem.column or 1}: {problem.code} {message}{where}"


def _print_problems(path: Path, problems: Iterable[Any], lang: str, err: bool = False) -> None:
    for problem in problems:
        click.echo(format_problem(path, problem, lang), err=err)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise UsageProblem(f"{path}: {exc.strerror or exc}") from None


def _write(path: Path, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageProblem(f"{path}: {exc.strerror or exc}") from None


def _decode(path: Path, data: bytes, lang: str) -> str | None:
    """The file as text, or None after printing a DOC_ENCODING problem."""
    from dsl.problems import problem

    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        _print_problems(path, [problem("DOC_ENCODING", offset=exc.start)], lang)
        return None


def _flow_key(path: Path, data: bytes) -> str | None:
    """The ``key`` of a flow file, for the sub-flow registry (None if it cannot be read)."""
    from dsl.validation import validate_source

    result = validate_source(data, syntax=SYNTAX_BY_SUFFIX.get(path.suffix.lower()), filename=str(path))
    key = (result.document or {}).get("key")
    return key if isinstance(key, str) else None


def _add_auth_commands() -> None:
    """`orderloom user …` and `orderloom token …` (designer/auth/commands.py)."""
    from designer.auth.commands import token, user

    main.add_command(user)
    main.add_command(token)


_add_auth_commands()


if __name__ == "__main__":  # pragma: no cover
    main()
