"""Customer phone numbers and addresses, masked for everyone but operators and admins (DESIGN).

A masked phone keeps its first three and last four digits (``138****5678``); a masked address keeps
only where the order goes at region level (country, province, city, routing region). Views that
answer with an order (list, detail, timeline) pass it through :func:`masked_order`.
"""

from __future__ import annotations

from typing import Any

from designer.auth.identity import current_user
from designer.auth.policy import SEES_CUSTOMER_DATA

ADDRESS_KEPT = ("country", "province", "city", "region")
MASK = "****"


def sees_customer_data() -> bool:
    user = current_user()
    return user is not None and user.role in SEES_CUSTOMER_DATA


def mask_phone(phone: Any) -> Any:
    """``13812345678`` → ``138****5678``; a short number keeps nothing; not a string: unchanged."""
    if not isinstance(phone, str) or not phone:
        return phone
    return f"{phone[:3]}{MASK}{phone[-4:]}" if len(phone) >= 8 else MASK


def mask_address(address: Any) -> Any:
    """An address object cut to :data:`ADDRESS_KEPT`; a free-text address becomes ``****``."""
    if isinstance(address, dict):
        return {key: address[key] for key in ADDRESS_KEPT if key in address}
    return MASK if isinstance(address, str) and address else address


def masked_order(order: Any) -> Any:
    """An order view (summary or detail) as the current user may see it."""
    if not isinstance(order, dict) or sees_customer_data():
        return order
    shown = dict(order)
    if "phone" in shown:
        shown["phone"] = mask_phone(shown["phone"])
    if "address" in shown:
        shown["address"] = mask_address(shown["address"])
    if isinstance(shown.get("customer"), dict):
        customer = dict(shown["customer"])
        for key, mask in (("phone", mask_phone), ("address", mask_address)):
            if key in customer:
                customer[key] = mask(customer[key])
        shown["customer"] = customer
    return shown


def masked_timeline(timeline: Any) -> Any:
    """A timeline whose ``order`` snapshot is masked."""
    if not isinstance(timeline, dict) or "order" not in timeline or sees_customer_data():
        return timeline
    return {**timeline, "order": masked_order(timeline["order"])}
