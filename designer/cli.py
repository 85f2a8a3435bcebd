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
def serve(host: str, port: int) -> None:
    """Run the designer (API now, the canvas later) on HOST:PORT."""
    from designer import create_app

    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        raise UsageProblem(str(exc)) from None
    app = create_app(settings)
    click.echo(f"Orderloom {__version__}: http://{host}:{port}/api/health  "
               f"(database: {settings.database_kind}, redis: {settings.redis_url or 'in-process'}, "
               f"data: {settings.data_dir})")
    app.run(host=host, port=port, threaded=True, use_reloader=False)


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


if __name__ == "__main__":  # pragma: no cover
    main()
