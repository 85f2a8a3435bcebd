"""Instance leases: a worker owns an instance until its lease expires; a heartbeat renews it.

The lease says who should be working; the instance's ``row_version`` is what makes a run that
lost its lease harmless (its commit fails with ``StaleDataError``).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from runtime.store.models import Instance
from runtime.store.types import as_utc


def acquire_lease(session: Session, instance_id: int, owner: str, now: datetime, ttl: timedelta) -> bool:
    """Take (or renew) the lease of an instance that is free, expired or already ``owner``'s."""
    at = as_utc(now)
    result = session.execute(
        update(Instance)
        .where(Instance.id == instance_id,
               or_(Instance.lease_owner.is_(None), Instance.lease_expires_at < at,
                   Instance.lease_owner == owner))
        .values(lease_owner=owner, lease_expires_at=at + ttl, heartbeat_at=at),
        execution_options={"synchronize_session": False})
    return result.rowcount == 1  # type: ignore[attr-defined]


def heartbeat(session: Session, instance_id: int, owner: str, now: datetime, ttl: timedelta) -> bool:
    """Extend ``owner``'s lease; ``False`` if it has lost the lease to another worker."""
    at = as_utc(now)
    result = session.execute(
        update(Instance).where(Instance.id == instance_id, Instance.lease_owner == owner)
        .values(lease_expires_at=at + ttl, heartbeat_at=at),
        execution_options={"synchronize_session": False})
    return result.rowcount == 1  # type: ignore[attr-defined]


def release_lease(session: Session, instance_id: int, owner: str) -> bool:
    """Give up ``owner``'s lease (the work is committed or handed back)."""
    result = session.execute(
        update(Instance).where(Instance.id == instance_id, Instance.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None),
        execution_options={"synchronize_session": False})
    return result.rowcount == 1  # type: ignore[attr-defined]


def expired_leases(session: Session, now: datetime, limit: int = 100) -> list[int]:
    """Running instances whose lease has expired: what the sweeper re-enqueues."""
    return list(session.execute(
        select(Instance.id).where(Instance.status == "running", Instance.lease_expires_at < as_utc(now))
        .order_by(Instance.lease_expires_at).limit(limit)).scalars())
