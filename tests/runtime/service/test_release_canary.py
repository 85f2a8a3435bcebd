"""The release policy in the runtime: the canary bucket (exactly SHA-256(flow key, salt, order id), evenly spread,
the same in another OS process), the candidate served to its share or segment, the choice stored with its reason
and bucket, a growing share keeping earlier orders, a rollback leaving running orders on their version."""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select

from runtime.release import review
from runtime.release.buckets import BUCKETS, bucket, in_share
from runtime.store import releases
from runtime.store.models import Flow, FlowRelease, VersionChoice
from runtime.store.versions import new_draft, save_draft, version_of
from tests.runtime.service.support import paid

ROOT = Path(__file__).resolve().parents[3]
KEY = "multi-factor-routing"


def _reference_bucket(key: str, salt: str, order_id: int) -> int:
    """The definition, written out independently of the code under test."""
    digest = hashlib.sha256(key.encode() + b"\x1f" + salt.encode() + b"\x1f" + str(order_id).encode()).digest()
    return int.from_bytes(digest[:8], "big") % 10_000


def test_the_bucket_is_sha256_of_key_salt_and_order_id_exactly():
    assert BUCKETS == 10_000
    for order_id in (1, 2, 17, 2**40):
        assert bucket(KEY, "0a1b2c3d4e5f6071", order_id) == _reference_bucket(KEY, "0a1b2c3d4e5f6071", order_id)
    assert bucket(KEY, "0a1b2c3d4e5f6071", 1) == 6723  # pinned: a changed formula would re-roll every order
    assert bucket(KEY, "another-salt", 1) != bucket(KEY, "0a1b2c3d4e5f6071", 1)


def test_buckets_are_spread_evenly_and_a_growing_share_keeps_its_orders():
    buckets = [bucket(KEY, "salt", order_id) for order_id in range(1, 2001)]
    deciles = [sum(1 for b in buckets if b // 1000 == d) for d in range(10)]
    chi_square = sum((n - 200) ** 2 / 200 for n in deciles)
    assert chi_square < 27.88, deciles  # 9 degrees of freedom, p = 0.001
    ten = {i for i, b in enumerate(buckets) if in_share(b, 10)}
    fifty = {i for i, b in enumerate(buckets) if in_share(b, 50)}
    assert 150 <= len(ten) <= 250 and 900 <= len(fifty) <= 1100
    assert ten <= fifty
    assert not any(in_share(b, 0) for b in buckets) and all(in_share(b, 100) for b in buckets)


def test_another_os_process_draws_the_same_buckets():
    code = ("import json, sys; from runtime.release.buckets import bucket; "
            f"print(json.dumps([bucket({KEY!r}, 'salt', i) for i in range(1, 2001)]))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [bucket(KEY, "salt", i) for i in range(1, 2001)]


def make_candidate(db, clock, *, percent=None, segment=None, change=None, key: str = KEY) -> int:
    """Version 2 of a flow (the routing flow's ETA weight changed, by default), written by an editor, approved
    by a reviewer, published as the candidate; returns its version id."""
    with db.transaction() as session:
        flow = session.execute(select(Flow).where(Flow.key == key)).scalar_one()
        draft = new_draft(session, flow, version_of(session, flow, 1), actor="zhang", now=clock())
        document = copy.deepcopy(draft.document)
        (change or _eta_weight)(document)
        save_draft(session, flow, draft, if_match=["*"], actor="zhang", now=clock(), document=document)
        review.submit(session, flow, draft, actor="zhang", now=clock())
        review.review(session, flow, draft, decision="approve", comment="ok", actor="wang", now=clock())
        releases.publish(session, flow, draft, mode="candidate", percent=percent, segment=segment, actor="wang",
                         now=clock())
        return draft.id


def _eta_weight(document):
    document["nodes"][0]["config"]["factors"][1]["weight"] = 0.75


def choices(db) -> dict[int, tuple[int, str, int | None]]:
    with db.read() as session:
        flow_id = session.execute(select(Flow.id).where(Flow.key == KEY)).scalar_one()
        return {order_id: (version_id, reason, drawn) for order_id, version_id, reason, drawn in session.execute(
            select(VersionChoice.order_id, VersionChoice.flow_version_id, VersionChoice.reason, VersionChoice.bucket)
            .where(VersionChoice.flow_id == flow_id))}


def salt_of(db) -> str:
    with db.read() as session:
        return session.execute(select(FlowRelease.salt).join(Flow, Flow.id == FlowRelease.flow_id)
                               .where(Flow.key == KEY)).scalar_one()


def test_a_ten_percent_candidate_serves_the_orders_of_its_buckets_and_fifty_keeps_them(world, sdb, clock):
    rt, _ = world
    candidate = make_candidate(sdb, clock, percent=10)
    first = [paid(rt, f"TM{n}") for n in range(300)]
    salt = salt_of(sdb)
    chosen = choices(sdb)
    for order_id in first:
        version_id, reason, drawn = chosen[order_id]
        assert drawn == bucket(KEY, salt, order_id)
        assert (version_id == candidate) == (reason == "candidate-percent") == in_share(drawn, 10)
    on_candidate = {o for o in first if chosen[o][0] == candidate}
    assert 10 <= len(on_candidate) <= 60

    with sdb.transaction() as session:
        flow = session.execute(select(Flow).where(Flow.key == KEY)).scalar_one()
        releases.change_share(session, flow, percent=50, segment=None, actor="wang", now=clock())
    later = [paid(rt, f"TL{n}") for n in range(100)]
    now_chosen = choices(sdb)
    assert {o: now_chosen[o] for o in first} == {o: chosen[o] for o in first}, "stored choices never re-roll"
    assert all((now_chosen[o][0] == candidate) == in_share(now_chosen[o][2], 50) for o in later)
    assert on_candidate <= {o for o in first if in_share(bucket(KEY, salt, o), 50)}


def test_a_segment_candidate_serves_new_customers_only(world, sdb, clock):
    rt, _ = world
    candidate = make_candidate(sdb, clock, segment="customer.new == true")
    newcomer = paid(rt, "TN1", customer={"id": "C-new", "name": "新客", "phone": "13900000001", "tier": "NORMAL",
                                         "new": True})
    regular = paid(rt, "TN2", customer={"id": "C-old", "name": "老客", "phone": "13900000002", "tier": "NORMAL",
                                        "new": False})
    chosen = choices(sdb)
    assert chosen[newcomer] == (candidate, "candidate-segment", None)
    assert chosen[regular][1:] == ("active", None) and chosen[regular][0] != candidate


def test_withdrawing_the_candidate_sends_new_orders_to_the_active_version(world, sdb, clock):
    rt, _ = world
    candidate = make_candidate(sdb, clock, percent=100)
    before = paid(rt, "TW1")
    with sdb.transaction() as session:
        flow = session.execute(select(Flow).where(Flow.key == KEY)).scalar_one()
        assert releases.rollback(session, flow, actor="wang", now=clock(), comment="先撤回") == "withdrew"
    after = paid(rt, "TW2")
    chosen = choices(sdb)
    assert chosen[before][0] == candidate and chosen[after][0] != candidate
    assert rt.timeline(before)["stages"][-1]["instances"][0]["version"] == 2, "it finished on its version"



def test_the_release_policy_on_both_databases(db, clock):
    """SQLite and PostgreSQL: a half-share candidate, its choices stored as the bucket says, then a rollback."""
    from tests.runtime.service.support import make_runtime, publish, seed

    seed(db, closed=("cd",))
    publish(db, "s5-multi-factor-routing")
    rt, _ = make_runtime(db, clock)
    candidate = make_candidate(db, clock, percent=50)
    placed = [paid(rt, f"DB{n}") for n in range(40)]
    salt = salt_of(db)
    chosen = choices(db)
    assert all((chosen[o][0] == candidate) == in_share(bucket(KEY, salt, o), 50) for o in placed)
    with db.transaction() as session:
        flow = session.execute(select(Flow).where(Flow.key == KEY)).scalar_one()
        assert releases.rollback(session, flow, actor="wang", now=clock(), comment=None) == "withdrew"
    after = paid(rt, "DB-after")
    assert choices(db)[after][0] != candidate
