"""``/api/context-feeds``: outside information flows read as ``context.*`` (weather alerts by region, promotion)."""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint
from marshmallow import ValidationError
from sqlalchemy import select

from designer.api.support import ACTOR_PARAM, actor_of, not_found, reading, transaction
from designer.errors import ApiError
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.problem_codes import api_problem
from designer.schemas.master_data import REGION, ContextFeedListSchema, ContextFeedSchema, FeedPutSchema
from runtime.store.models import ContextFeed

bp = Blueprint("context_feeds", __name__)

#: weather alert levels of China's meteorological warnings: 0 none, blue, yellow, orange, red
WEATHER_LABELS = {0: "无预警", 1: "蓝色预警", 2: "黄色预警", 3: "橙色预警", 4: "红色预警"}
KEY = r"^[a-z][a-z0-9_]{0,31}$"


@bp.get("/context-feeds")
@operation(tags=["master data"], response=ContextFeedListSchema)
def list_feeds():
    """Every feed with its value per region."""
    with reading() as session:
        rows = session.execute(select(ContextFeed).order_by(ContextFeed.key, ContextFeed.region)).scalars().all()
        feeds: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            feeds.setdefault(row.key, []).append(_value(row))
    return ContextFeedListSchema().dump({"feeds": [{"key": k, "values": v} for k, v in feeds.items()]})


@bp.get("/context-feeds/<key>")
@operation(tags=["master data"], response=ContextFeedSchema, errors=(404,))
def get_feed(key: str):
    """One feed (e.g. `weather`) with its value per region (`*` for a global feed such as `promotion`)."""
    with reading() as session:
        rows = session.execute(select(ContextFeed).where(ContextFeed.key == key[:64])
                               .order_by(ContextFeed.region)).scalars().all()
        if not rows:
            raise not_found("API_CONTEXT_FEED_NOT_FOUND", key)
        return ContextFeedSchema().dump({"key": key, "values": [_value(r) for r in rows]})


@bp.put("/context-feeds/<key>/<region>")
@operation(tags=["master data"], request=FeedPutSchema, response=ContextFeedSchema,
           errors=(400, 415, 422), parameters=(ACTOR_PARAM,))
def put_feed(key: str, region: str):
    """Set a feed's value for a region, e.g. `PUT /api/context-feeds/weather/east {"value": {"level": 3}}`.

    `weather` values are `{"level": 0..4, "label": "..."}` (0 none, 1 blue, 2 yellow, 3 orange,
    4 red; the label is filled in when left out); `promotion` values are `{"active": bool,
    "name": "..."}` under region `*`. Other keys take any JSON object. Orders routed from now on
    read the new value.
    """
    if not re.match(KEY, key):
        raise ApiError(422, [api_problem("API_FIELD_INVALID", "url.key",
                                         detail="a feed key is lower-case letters, digits and `_` (1-32)")])
    try:
        REGION(region)
    except ValidationError:
        raise ApiError(422, [api_problem("API_FIELD_INVALID", "url.region",
                                         detail="a region code such as `east`, or `*`")]) from None
    body = load_json(FeedPutSchema())
    value = check_value(key, body["value"])
    source = body.get("source") or actor_of(body)
    with transaction() as session:
        row = session.get(ContextFeed, (key, region))
        if row is None:
            row = ContextFeed(key=key, region=region)
            session.add(row)
        row.value, row.source, row.updated_at = value, source, runtime.now()
        session.flush()
        rows = session.execute(select(ContextFeed).where(ContextFeed.key == key)
                               .order_by(ContextFeed.region)).scalars().all()
        return ContextFeedSchema().dump({"key": key, "values": [_value(r) for r in rows]})


def check_value(key: str, value: Any) -> Any:
    """The value to store: a known feed's value checked (and its label filled), else any JSON object."""
    def bad(detail: str, path: str = "body.value") -> ApiError:
        return ApiError(422, [api_problem("API_FEED_VALUE", path, detail=detail)])

    if not isinstance(value, dict):
        raise bad("a feed value is a JSON object, e.g. {\"level\": 3}")
    if key == "weather":
        level = value.get("level")
        if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 4:
            raise bad("weather needs `level`, an integer 0..4 (0 none, 1 blue, 2 yellow, 3 orange, 4 red)",
                      "body.value.level")
        label = value.get("label", WEATHER_LABELS[level])
        if not isinstance(label, str) or len(label) > 100:
            raise bad("`label` is a text of at most 100 characters", "body.value.label")
        return {**value, "level": level, "label": label}
    if key == "promotion":
        if not isinstance(value.get("active"), bool):
            raise bad("promotion needs `active`, true or false", "body.value.active")
        if "name" in value and not isinstance(value["name"], str):
            raise bad("`name` is a text", "body.value.name")
    return value


def _value(row: ContextFeed) -> dict[str, Any]:
    return {"region": row.region, "value": row.value, "source": row.source, "updated_at": row.updated_at}
