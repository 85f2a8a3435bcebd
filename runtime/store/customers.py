"""Customer identity: the fingerprint that links accounts of one person, and their 24-hour aggregates."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from runtime.store.models import Order
from runtime.store.types import as_utc

_NON_DIGITS = re.compile(r"\D+")
_SPACE_AND_PUNCT = re.compile(r"[\s,，.。;；:：\-_/#()（）]+")


def normalise_phone(phone: str) -> str:
    """Digits only, without the China country code: ``+86 138-0013-8000`` → ``13800138000``."""
    digits = _NON_DIGITS.sub("", unicodedata.normalize("NFKC", phone or ""))
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            return digits[len(prefix):]
    return digits


def normalise_address(address: str) -> str:
    """Full-width to half-width, lower case, no spaces or punctuation: the same place writes the same."""
    return _SPACE_AND_PUNCT.sub("", unicodedata.normalize("NFKC", address or "").casefold())


def fingerprint(phone: str, address: str) -> str:
    """SHA-256 (hex) of the normalised phone and address: one person at one address."""
    key = f"{normalise_phone(phone)}\x1f{normalise_address(address)}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def address_hash(address: str) -> str:
    """SHA-256 (hex) of the normalised address alone: counts distinct shipping addresses."""
    return hashlib.sha256(normalise_address(address).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CustomerStats:
    """A customer's last 24 hours: orders, distinct shipping addresses, orders that used a coupon."""

    orders: int
    distinct_addresses: int
    coupon_orders: int


def customer_stats_24h(session: Session, customer_id: int, now: datetime) -> CustomerStats:
    """The ``customer.stats_24h`` of the order model, from the orders placed in ``(now - 24h, now]``."""
    at = as_utc(now)
    row = session.execute(
        select(func.count(Order.id), func.count(func.distinct(Order.address_hash)),
               func.coalesce(func.sum(case((Order.coupon_used.is_(True), 1), else_=0)), 0))
        .where(Order.customer_id == customer_id, Order.created_at > at - timedelta(hours=24),
               Order.created_at <= at)).one()
    return CustomerStats(orders=int(row[0]), distinct_addresses=int(row[1]), coupon_orders=int(row[2]))
