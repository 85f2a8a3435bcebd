"""The outbox's HTTP client: ``urllib.request`` (no extra dependency), one call per delivery.

:func:`send` returns an :class:`HttpResponse` for every HTTP status (4xx and 5xx included) and raises
:class:`TransportError` when no status came back (connection refused, DNS, TLS, timeout). Tests and
other transports can pass any callable with the same signature as ``http=`` to ``deliver_due``.
"""

from __future__ import annotations

import json
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Protocol

MAX_BODY = 1 << 20  # answers larger than 1 MiB are cut (a call_service result is meant to be small)


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    def json_or_text(self) -> Any:
        """The body as JSON when it parses (whatever the content type), else as text; ``None`` when empty."""
        if not self.body:
            return None
        text = self.body.decode("utf-8", "replace")
        try:
            return json.loads(text)
        except ValueError:
            return text


class TransportError(Exception):
    """No HTTP status came back: the attempt failed before or while talking to the server (retryable)."""


class HttpSender(Protocol):
    def __call__(self, method: str, url: str, headers: dict[str, str], body: bytes | None,
                 timeout: float) -> HttpResponse: ...


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A connection names one endpoint: a redirect is an answer (3xx), never followed elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def send(method: str, url: str, headers: dict[str, str], body: bytes | None, timeout: float) -> HttpResponse:
    """One HTTP request; every status is a response, only a missing one raises :class:`TransportError`."""
    request = urllib.request.Request(url, data=body, headers=headers, method=method.upper())
    try:
        with _opener.open(request, timeout=timeout) as answer:
            return HttpResponse(answer.status, answer.read(MAX_BODY), dict(answer.headers.items()))
    except urllib.error.HTTPError as err:
        try:
            data = err.read(MAX_BODY)
        except OSError:
            data = b""
        return HttpResponse(err.code, data, dict(err.headers.items()) if err.headers else {})
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError) as err:
        reason = getattr(err, "reason", err)
        raise TransportError(f"{type(reason).__name__}: {reason}") from err
