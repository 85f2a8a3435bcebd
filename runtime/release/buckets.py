"""The canary bucket of an order: a pure function, identical in every process and every run.

bucket = SHA-256(flow key, release salt, order id) → 0 … 9 999. A candidate served to ``p``% takes the
buckets below ``p × 100``, so raising the share from 10% to 50% keeps every order of the first 10%.
"""

from __future__ import annotations

import hashlib

BUCKETS = 10_000
PER_PERCENT = BUCKETS // 100


def bucket(flow_key: str, salt: str, order_id: int) -> int:
    """The order's bucket for this flow's release (``salt`` changes only with a new release record)."""
    digest = hashlib.sha256(f"{flow_key}\x1f{salt}\x1f{order_id}".encode()).digest()
    return int.from_bytes(digest[:8], "big") % BUCKETS


def in_share(bucket_value: int, percent: int) -> bool:
    """Whether a bucket falls in the first ``percent`` % (0 … 100)."""
    return bucket_value < percent * PER_PERCENT
