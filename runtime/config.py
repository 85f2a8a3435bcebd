"""Settings: every ``ORDERLOOM_*`` environment variable is read here and nowhere else.

Without any of them Orderloom runs on the embedded default: a SQLite file and a secret key
in ``./var``, in-process execution (no Redis), times in ``Asia/Shanghai``.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_DATA_DIR = "./var"
DEFAULT_TIMEZONE = "Asia/Shanghai"
DEFAULT_DEMO_PASSWORD = "orderloom"
SECRET_KEY_FILE = "secret_key"
SQLITE_FILE = "orderloom.db"
DEFAULT_LEASE_SECONDS = 30.0


class ConfigError(ValueError):
    """A setting has a value Orderloom cannot start with; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one Orderloom process."""

    data_dir: Path
    database_url: str
    redis_url: str | None
    secret_key: str = field(repr=False)
    timezone: str
    #: the password of the demo users (``orderloom demo`` only, never a production start)
    demo_password: str = field(default=DEFAULT_DEMO_PASSWORD, repr=False)
    #: Celery workers: how long an order lease lasts without a heartbeat (docs/distributed.md)
    lease_seconds: float = DEFAULT_LEASE_SECONDS

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        """Read the environment, fill in the embedded defaults and check every value.

        Creates the data directory, and on first start a random secret key stored there so
        sessions survive restarts. Raises :class:`ConfigError` for a value that cannot work.
        """
        data_dir = Path(_get(environ, "ORDERLOOM_DATA_DIR") or DEFAULT_DATA_DIR).expanduser().resolve()
        _ensure_dir(data_dir)
        return cls(
            data_dir=data_dir,
            database_url=_get(environ, "ORDERLOOM_DATABASE_URL") or f"sqlite:///{data_dir / SQLITE_FILE}",
            redis_url=_get(environ, "ORDERLOOM_REDIS_URL"),
            secret_key=_get(environ, "ORDERLOOM_SECRET_KEY") or _stored_secret_key(data_dir),
            timezone=check_timezone(_get(environ, "ORDERLOOM_TIMEZONE") or DEFAULT_TIMEZONE),
            demo_password=_get(environ, "ORDERLOOM_DEMO_PASSWORD") or DEFAULT_DEMO_PASSWORD,
            lease_seconds=check_lease_seconds(_get(environ, "ORDERLOOM_LEASE_SECONDS")),
        )

    @property
    def tzinfo(self) -> ZoneInfo:
        """The configured zone, for turning the run's clock into local business time."""
        return ZoneInfo(self.timezone)

    @property
    def sqlalchemy_url(self) -> str:
        """``database_url`` with the driver SQLAlchemy should use (psycopg 3 for PostgreSQL)."""
        scheme, sep, rest = self.database_url.partition("://")
        if scheme in ("postgres", "postgresql"):
            return f"postgresql+psycopg{sep}{rest}"
        return self.database_url

    @property
    def database_kind(self) -> str:
        """``sqlite`` (embedded) or the dialect of the configured database, e.g. ``postgresql``."""
        return self.database_url.split(":", 1)[0].split("+", 1)[0]


def check_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA time zone, else raise a :class:`ConfigError` that says so."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(
            f"ORDERLOOM_TIMEZONE={name!r} is not an IANA time zone (for example Asia/Shanghai or UTC)"
        ) from exc
    return name


def check_lease_seconds(raw: str | None) -> float:
    """``ORDERLOOM_LEASE_SECONDS`` as a positive number of seconds (the default when unset)."""
    if raw is None:
        return DEFAULT_LEASE_SECONDS
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise ConfigError(f"ORDERLOOM_LEASE_SECONDS={raw!r} must be a positive number of seconds (for example 30)")
    return value


def _get(environ: Mapping[str, str], name: str) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _ensure_dir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"ORDERLOOM_DATA_DIR={str(path)!r} cannot be created: {exc.strerror}") from exc


def _stored_secret_key(data_dir: Path) -> str:
    """The key kept in ``data_dir``; the first process to need one creates it (owner-only file).

    The new key is written to a temporary file and linked into place, so a concurrent
    process sees either no file or a complete one, and exactly one key wins.
    """
    path = data_dir / SECRET_KEY_FILE
    if not path.exists():
        tmp = data_dir / f".{SECRET_KEY_FILE}.{os.getpid()}.{secrets.token_hex(4)}"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_urlsafe(48) + "\n")
            try:
                os.link(tmp, path)
            except FileExistsError:
                pass  # another process won the race; use its key
        except OSError as exc:
            raise ConfigError(f"cannot write the secret key to {path}: {exc.strerror}") from exc
        finally:
            tmp.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise ConfigError(f"{path} is empty: delete it to generate a new key, or set ORDERLOOM_SECRET_KEY")
    return key
