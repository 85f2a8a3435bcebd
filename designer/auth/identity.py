"""Who the current request acts as: :class:`AuthUser`, set once per request by the guard."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from flask import g, has_request_context

from designer.auth.policy import role_may
from runtime.store.users import Principal

USER_KEY = "orderloom_user"


@dataclass(frozen=True)
class AuthUser(Principal):
    """The signed-in user (or the owner of the API token), with the role the request acts with:
    ``id``, ``username``, ``role``, ``groups``, ``display_name``."""

    @classmethod
    def of(cls, principal: Principal) -> AuthUser:
        return cls(principal.id, principal.username, principal.role, tuple(principal.groups),
                   principal.display_name)

    def may(self, permission: str) -> bool:
        """Whether this user's role holds ``permission`` (see ``designer.auth.policy``)."""
        return role_may(self.role, permission)

    def in_any(self, groups: Iterable[str | None]) -> bool:
        """Whether the user belongs to one of ``groups`` (admins belong everywhere)."""
        return self.role == "admin" or any(name in self.groups for name in groups if name)

    def public(self) -> dict[str, object]:
        """What ``/api/auth/me`` and login show of the user."""
        return {"username": self.username, "role": self.role, "groups": list(self.groups),
                "display_name": self.display_name}


def current_user() -> AuthUser | None:
    """The request's user, or None (no credentials, a public endpoint, or outside a request)."""
    return g.get(USER_KEY) if has_request_context() else None


def set_current_user(user: AuthUser | None) -> None:
    g.setdefault(USER_KEY, None)
    setattr(g, USER_KEY, user)
