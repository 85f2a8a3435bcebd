"""``/api/demo-receiver/<path>``: a stand-in for the outside systems of the demo (``orderloom demo``).

The demo connections ``compliance``, ``notify_sms`` and ``returns`` point here, so a newcomer's
sample orders complete without any real service: notifications and return instructions are
acknowledged, and the CE certificate check answers ``valid`` unless the order has a SKU from
:data:`REVOKED` (so both ways of the S9 flow show up). Nothing is stored. Not for production:
point the connections at real systems (``PUT /api/connections/<name>``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, request

from designer.http import json_body, require_media_type
from designer.openapi import operation
from designer.schemas.demo_receiver import DemoReceiptSchema

bp = Blueprint("demo_receiver", __name__)

#: demo SKUs whose CE certificate has lapsed
REVOKED = frozenset({"MED-004", "MED-010"})


@bp.post("/demo-receiver/<path:subpath>")
@operation(tags=["demo"], request={"type": "object"}, response=DemoReceiptSchema, errors=(400, 413, 415))
def receive(subpath: str):
    """Acknowledge a delivery from the outbox (demo only); a CE certificate check gets an answer."""
    require_media_type("json")
    body = json_body()
    answer: dict[str, Any] = {"received": True, "connection": subpath.split("/", 1)[0],
                              "idempotency_key": request.headers.get("Idempotency-Key"),
                              "signed": bool(request.headers.get("X-Orderloom-Signature"))}
    if subpath.rstrip("/").endswith("ce-certificates/check"):
        skus = body.get("skus") if isinstance(body, dict) else None
        skus = [str(s) for s in skus] if isinstance(skus, list) else []
        certificates = [{"sku": sku, "valid": sku not in REVOKED} for sku in skus]
        answer.update(valid=all(c["valid"] for c in certificates), certificates=certificates)
    return DemoReceiptSchema().dump(answer)
