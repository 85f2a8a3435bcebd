"""The OpenAPI side of auth: the two ways to sign a request, and each operation's permission and refusals."""

from __future__ import annotations

from typing import Any

from apispec import APISpec

from designer.auth.policy import PERMISSIONS, permission_of

PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "An API token (`orderloom token create`, `POST /api/tokens`)"},
    "session": {"type": "apiKey", "in": "cookie", "name": "orderloom_session",
                "description": "The browser session of `POST /api/auth/login`; unsafe requests also send "
                               "`X-CSRF-Token`"},
}


def add_security_schemes(spec: APISpec) -> None:
    for name, scheme in SCHEMES.items():
        spec.components.security_scheme(name, scheme)


def document_access(endpoint: str, operation: dict[str, Any]) -> None:
    """Say who may call ``operation``: no security for public ones; else either scheme, 401 and 403."""
    permission = permission_of(endpoint)
    if permission == "public":
        operation["security"] = []
        return
    operation["security"] = [{"bearer": []}, {"session": []}]
    roles = sorted(PERMISSIONS.get(permission or "", ()))
    operation["x-permission"] = permission
    note = f"Permission `{permission}`: {', '.join(roles) or 'nobody'}." if permission else "Refused to all."
    operation["description"] = f"{operation.get('description', '')}\n\n{note}".strip()
    responses = operation.setdefault("responses", {})
    responses.setdefault("401", {"description": "Unauthorized", "content": PROBLEM})
    responses.setdefault("403", {"description": "Forbidden", "content": PROBLEM})
