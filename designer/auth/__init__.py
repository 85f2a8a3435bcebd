"""Authentication and permissions: every request's user, the role table, CSRF, masking, refusal audit.

``current_user()`` is the request's :class:`AuthUser` (from the session cookie or an API token);
``designer/auth/policy.py`` maps every endpoint to a permission; :func:`init_app` installs the
checks on an app.
"""

from __future__ import annotations

from flask import Flask

from designer.auth import guard, refusals, writes
from designer.auth.identity import AuthUser, current_user

__all__ = ["AuthUser", "current_user", "init_app"]


def init_app(app: Flask) -> None:
    """Check every request (before it runs), audit every refusal and every write (after it is answered)."""
    guard.init_app(app)
    refusals.init_app(app)
    writes.init_app(app)
