"""Live updates: Socket.IO rooms (``order:<id>``, ``flow:<key>``, ``group:<name>``) fed through the Redis
message queue, coalesced per window, and the Redis stream ``orderloom:events``. See ``docs/distributed.md``."""

from __future__ import annotations

from runtime.live.events import EVENTS, coalesce, is_room, order_id_of
from runtime.live.publisher import (
    STREAM,
    STREAM_MAXLEN,
    CompositePublisher,
    SocketIOPublisher,
    StreamPublisher,
    make_publisher,
    stream_record,
)

__all__ = [
    "EVENTS", "STREAM", "STREAM_MAXLEN", "CompositePublisher", "SocketIOPublisher", "StreamPublisher", "coalesce",
    "is_room", "make_publisher", "order_id_of", "stream_record",
]
