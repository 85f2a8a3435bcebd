"""Fields shared by the schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from marshmallow import INCLUDE, Schema, fields, post_dump


class LocalDateTime(fields.DateTime):
    """An ISO 8601 date-time shown in the business time zone (``ORDERLOOM_TIMEZONE``), like the runtime's views.

    The store keeps UTC; an answer reads ``2026-03-02T10:00:00+08:00``. Text is passed through as is.
    """

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, datetime) and value.tzinfo is not None and has_app_context():
            settings = current_app.extensions.get("orderloom.settings")
            if settings is not None:
                value = value.astimezone(ZoneInfo(settings.timezone))
        return super()._serialize(value, attr, obj, **kwargs)


class OpenSchema(Schema):
    """A response schema for the runtime's views: the declared fields are documented and checked, and
    any further key the runtime adds is passed through unchanged (never silently dropped), so the
    OpenAPI document allows additional properties."""

    class Meta:
        unknown = INCLUDE

    @post_dump(pass_original=True)
    def keep_the_rest(self, data: dict[str, Any], original: Any, **kwargs: Any) -> dict[str, Any]:
        if isinstance(original, dict):
            for key, value in original.items():
                data.setdefault(key, value)
        return data
