"""Every table of Orderloom, as typed SQLAlchemy 2 models; importing this module fills ``Base.metadata``."""

from __future__ import annotations

from runtime.store.models.auth import ApiToken, AuditEntry, Group, User, UserGroup
from runtime.store.models.base import Base
from runtime.store.models.engine import (
    Connection,
    InboundEvent,
    Instance,
    OutboxEffect,
    Step,
    Task,
    Timer,
    VersionChoice,
)
from runtime.store.models.flows import Flow, FlowRelease, FlowVersion
from runtime.store.models.inventory import (
    Carrier,
    CarrierRate,
    ContextFeed,
    Reservation,
    Stock,
    StockAdjustment,
    Warehouse,
)
from runtime.store.models.leases import OrderLease
from runtime.store.models.orders import (
    Channel,
    Customer,
    Order,
    OrderLine,
    OrderStatusChange,
    Payment,
    ReturnRequest,
    Surcharge,
)
from runtime.store.models.previews import Preview
from runtime.store.models.releases import ReleaseEvent, ReleaseGuard, VersionDraft

__all__ = [
    "ApiToken", "AuditEntry", "Group", "User", "UserGroup",
    "Base", "Carrier", "CarrierRate", "Channel", "Connection", "ContextFeed", "Customer", "Flow",
    "FlowRelease", "FlowVersion", "InboundEvent", "Instance", "Order", "OrderLine", "OrderStatusChange",
    "OutboxEffect", "Payment", "Reservation", "ReturnRequest", "Step", "Stock", "StockAdjustment",
    "Surcharge", "Task", "Timer", "VersionChoice", "Warehouse",
    "ReleaseEvent", "ReleaseGuard", "VersionDraft",
    "Preview",
    "OrderLease",
]

metadata = Base.metadata
