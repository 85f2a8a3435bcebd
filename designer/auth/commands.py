"""``orderloom user create`` and ``orderloom token create``: accounts and API tokens from the shell.

Both write through :mod:`runtime.store.users` and the audit log in one transaction (the actor is
``cli:<login name>``). A token is printed once, alone on standard output, so a script can capture it.
"""

from __future__ import annotations

import sys

import click

from designer.auth.policy import ROLES

EXIT_USAGE = 2


@click.group()
def user() -> None:
    """Manage users (one role each, any business groups)."""


@user.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True, help="The user's role.")
@click.option("--group", "groups", multiple=True, metavar="NAME",
              help="A business group (repeatable; created when missing), e.g. finance, risk, after-sales.")
@click.option("--display-name", default="", help="Shown in the UI and the timeline (default: USERNAME).")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input (else: a token-only user).")
def create_user(username: str, role: str, groups: tuple[str, ...], display_name: str, password_stdin: bool) -> None:
    """Create USERNAME with --role and --group(s); it can sign in once it has a password."""
    from runtime.store import users
    from runtime.store.audit import record

    password = _read_password() if password_stdin else None
    with _store() as session:
        try:
            users.ensure_groups(session, groups)
            created = users.create_user(session, username, role, password=password, groups=groups,
                                        display_name=display_name)
        except users.UserStoreError as exc:
            raise _usage(exc) from None
        record(session, actor=_actor(), action="user.create", target_type="user", target_id=created.username,
               details={"role": role, "groups": list(groups), "via": "cli"})
    click.echo(f"user {username} created: role {role}, groups {', '.join(groups) or '-'}"
               f"{'' if password else ' (token-only: no password)'}", err=True)


@click.group()
def token() -> None:
    """Manage API tokens (stored hashed; the secret is shown once)."""


@token.command("create")
@click.option("--user", "username", required=True, metavar="USERNAME", help="Whose token it is.")
@click.option("--role", type=click.Choice(ROLES), default=None,
              help="The token's role (default: the user's; another role only for an admin user).")
@click.option("--name", default="", help="What the token is for, e.g. `tmall adapter`.")
def create_token(username: str, role: str | None, name: str) -> None:
    """Create an API token for --user and print it (once): send it as `Authorization: Bearer <token>`."""
    from runtime.store import users
    from runtime.store.audit import record

    with _store() as session:
        owner = users.find_user(session, username)
        if owner is None:
            raise _usage(f"there is no user {username!r}: `orderloom user create` first")
        try:
            created, raw = users.create_token(session, owner, role=role, name=name, created_by=_actor())
        except users.UserStoreError as exc:
            raise _usage(exc) from None
        record(session, actor=_actor(), action="token.create", target_type="token", target_id=str(created.id),
               details={"user": username, "role": created.role, "via": "cli"})
    click.echo(raw)
    click.echo(f"token {created.prefix}… for {username} (role {created.role}); it is not shown again", err=True)


def _store():
    """A transaction on the configured (migrated) database, disposed afterwards."""
    from contextlib import contextmanager

    from designer.cli import _open_database

    @contextmanager
    def unit():
        database = _open_database()
        try:
            with database.transaction() as session:
                yield session
        finally:
            database.dispose()

    return unit()


def _read_password() -> str:
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise click.UsageError("--password-stdin: standard input had no password")
    return line


def _actor() -> str:
    from designer.cli import _whoami

    return f"cli:{_whoami() or 'unknown'}"[:64]


def _usage(exc: Exception | str) -> click.ClickException:
    problem = click.ClickException(str(exc))
    problem.exit_code = EXIT_USAGE
    return problem
