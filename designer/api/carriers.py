"""``/api/carriers``: carriers and their rate tables (cost and ETA per origin → destination region)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from marshmallow import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from designer.api.support import ACTOR_PARAM, not_found, reading, transaction
from designer.errors import ApiError
from designer.http import load_json
from designer.openapi import operation
from designer.problem_codes import api_problem
from designer.schemas.master_data import (
    CODE,
    CarrierListSchema,
    CarrierPutSchema,
    CarrierRatesPutSchema,
    CarrierRatesSchema,
    CarrierSchema,
)
from runtime.store.models import Carrier, CarrierRate

bp = Blueprint("carriers", __name__)


@bp.get("/carriers")
@operation(tags=["master data"], response=CarrierListSchema)
def list_carriers():
    """Every carrier with its rate table."""
    with reading() as session:
        carriers = session.execute(select(Carrier).order_by(Carrier.code)).scalars().all()
        rates = _rates(session)
        return CarrierListSchema().dump({"carriers": [_carrier(c, rates.get(c.code, [])) for c in carriers]})


@bp.get("/carriers/<code>")
@operation(tags=["master data"], response=CarrierSchema, errors=(404,))
def get_carrier(code: str):
    """One carrier with its rate table."""
    with reading() as session:
        return CarrierSchema().dump(_carrier_dict(session, code))


@bp.put("/carriers/<code>")
@operation(tags=["master data"], request=CarrierPutSchema, response=CarrierSchema,
           errors=(400, 404, 415, 422), parameters=(ACTOR_PARAM,))
def put_carrier(code: str):
    """Create or update a carrier; `rates`, when given, replace its whole rate table."""
    _check_code(code)
    body = load_json(CarrierPutSchema())
    with transaction() as session:
        carrier = session.get(Carrier, code)
        if carrier is None:
            carrier = Carrier(code=code)
            session.add(carrier)
        carrier.name, carrier.cold_chain, carrier.active = body["name"], body["cold_chain"], body["active"]
        session.flush()
        if "rates" in body:
            _replace_rates(session, code, body["rates"])
        return CarrierSchema().dump(_carrier_dict(session, code))


@bp.delete("/carriers/<code>")
@operation(tags=["master data"], response=CarrierSchema, errors=(404,))
def delete_carrier(code: str):
    """Delete a carrier and its rate table (deactivating it with `active: false` keeps the history)."""
    with transaction() as session:
        answer = _carrier_dict(session, code)
        session.execute(delete(CarrierRate).where(CarrierRate.carrier_code == code))
        session.execute(delete(Carrier).where(Carrier.code == code))
        return CarrierSchema().dump(answer)


@bp.get("/carriers/<code>/rates")
@operation(tags=["master data"], response=CarrierRatesSchema, errors=(404,))
def get_rates(code: str):
    """A carrier's rate table."""
    with reading() as session:
        return CarrierRatesSchema().dump({"carrier": code, "rates": _carrier_dict(session, code)["rates"]})


@bp.put("/carriers/<code>/rates")
@operation(tags=["master data"], request=CarrierRatesPutSchema, response=CarrierRatesSchema,
           errors=(400, 404, 415, 422), parameters=(ACTOR_PARAM,))
def put_rates(code: str):
    """Replace a carrier's whole rate table (each origin → destination lane once)."""
    body = load_json(CarrierRatesPutSchema())
    with transaction() as session:
        _carrier_dict(session, code)
        _replace_rates(session, code, body["rates"])
        return CarrierRatesSchema().dump({"carrier": code, "rates": _carrier_dict(session, code)["rates"]})


def _check_code(code: str) -> None:
    try:
        CODE(code)
    except ValidationError:
        raise ApiError(422, [api_problem("API_FIELD_INVALID", "url.code",
                                         detail="a carrier code is letters, digits, `_`, `-`, `.` (1-16)")]) from None
    if len(code) > 16:
        raise ApiError(422, [api_problem("API_FIELD_INVALID", "url.code", detail="at most 16 characters")])


def _replace_rates(session: Session, code: str, rates: list[dict[str, Any]]) -> None:
    session.execute(delete(CarrierRate).where(CarrierRate.carrier_code == code))
    session.flush()
    for rate in rates:
        session.add(CarrierRate(carrier_code=code, **rate))
    session.flush()


def _carrier_dict(session: Session, code: str) -> dict[str, Any]:
    carrier = session.get(Carrier, code) if len(code) <= 16 else None
    if carrier is None:
        raise not_found("API_CARRIER_NOT_FOUND", code)
    return _carrier(carrier, _rates(session, code).get(code, []))


def _rates(session: Session, code: str | None = None) -> dict[str, list[dict[str, Any]]]:
    query = select(CarrierRate).order_by(CarrierRate.carrier_code, CarrierRate.origin_region, CarrierRate.dest_region)
    if code is not None:
        query = query.where(CarrierRate.carrier_code == code)
    out: dict[str, list[dict[str, Any]]] = {}
    for r in session.execute(query).scalars():
        out.setdefault(r.carrier_code, []).append(
            {"origin_region": r.origin_region, "dest_region": r.dest_region, "cost_per_unit": r.cost_per_unit,
             "cost_per_kg": r.cost_per_kg, "eta_hours": r.eta_hours})
    return out


def _carrier(c: Carrier, rates: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": c.code, "name": c.name, "cold_chain": c.cold_chain, "active": c.active, "rates": rates}
