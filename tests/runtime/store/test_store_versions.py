"""publish_document: flows created on demand, one active version, retired predecessors, invalid refused."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import select
from store_seed import T0

from dsl.document import behaviour_hash, content_hash
from runtime.store.models import Flow, FlowRelease, FlowVersion
from runtime.store.versions import InvalidDocument, active_version, active_versions, publish_document


def test_first_publication_creates_the_flow_and_makes_it_active(db, sample_flow):
    with db.transaction() as s:
        v1 = publish_document(s, sample_flow, user="it-wang", now=T0)
    assert (v1.flow_key, v1.kind, v1.number, v1.state, v1.created) == (
        "high-value-approval", "approval", 1, "published", True)
    assert v1.content_hash == content_hash(sample_flow) and v1.behaviour_hash == behaviour_hash(sample_flow)
    with db.read() as s:
        flow = s.scalars(select(Flow)).one()
        assert (flow.name, flow.created_by) == ("高金额订单审批", "it-wang")
        release = s.get(FlowRelease, flow.id)
        assert release.active_version_id == v1.id and release.candidate_version_id is None
        assert len(release.salt) == 16
        version = s.get(FlowVersion, v1.id)
        assert version.document == sample_flow and version.published_by == "it-wang"
        assert version.published_at == T0 and "finance" in version.dsl
        assert active_version(s, "high-value-approval") == v1.__class__(**{**v1.__dict__, "created": False})


def test_publishing_again_retires_the_previous_version(db, sample_flow):
    changed = copy.deepcopy(sample_flow)
    changed["trigger"]["when"] = "order.total > 8000"
    moved = copy.deepcopy(changed)
    moved["nodes"][0]["ui"] = {"x": 10, "y": 10}
    with db.transaction() as s:
        v1 = publish_document(s, sample_flow)
        v2 = publish_document(s, changed)
        v3 = publish_document(s, moved)
    assert (v1.number, v2.number, v3.number) == (1, 2, 3)
    assert v3.behaviour_hash == v2.behaviour_hash != v1.behaviour_hash  # moving boxes is not behaviour
    with db.read() as s:
        states = dict(s.execute(select(FlowVersion.number, FlowVersion.state)).all())
        assert states == {1: "retired", 2: "retired", 3: "published"}
        assert s.get(FlowVersion, v1.id).retired_at is not None
        assert active_version(s, "high-value-approval").id == v3.id


def test_publishing_the_active_document_again_changes_nothing(db, sample_flow):
    with db.transaction() as s:
        first = publish_document(s, sample_flow)
    with db.transaction() as s:
        again = publish_document(s, copy.deepcopy(sample_flow))
    assert (again.id, again.created) == (first.id, False)
    with db.read() as s:
        assert len(s.scalars(select(FlowVersion)).all()) == 1


def test_an_invalid_document_is_refused_with_its_problems(db, sample_flow):
    sample_flow["edges"].append({"from": "finance", "port": "approved", "to": "nowhere"})
    with pytest.raises(InvalidDocument) as refused, db.transaction() as s:
        publish_document(s, sample_flow)
    assert refused.value.problems and all(p.code for p in refused.value.problems)
    assert "edges[2]" in " ".join(p.path for p in refused.value.problems)
    with pytest.raises(InvalidDocument), db.transaction() as s:
        publish_document(s, {"format": "orderloom.flow/1"})
    with db.read() as s:
        assert s.scalars(select(Flow)).all() == []


def test_a_sub_flow_must_be_published_first(db, sample_flow, call_subflow):
    caller = call_subflow(copy.deepcopy(sample_flow), "ce-check")
    with pytest.raises(InvalidDocument) as refused, db.transaction() as s:
        publish_document(s, caller)
    assert [p.code for p in refused.value.problems] == ["SUBFLOW_UNKNOWN"]
    callee = copy.deepcopy(sample_flow)
    callee.update(key="ce-check", kind="subflow", name="CE 证书检查")
    callee["trigger"] = {"start": "finance"}
    with db.transaction() as s:
        publish_document(s, callee)
        assert publish_document(s, caller).number == 1


def test_active_versions_of_a_stage_follow_the_priority(db, sample_flow):
    other = copy.deepcopy(sample_flow)
    other.update(key="another-approval", name="另一审批")
    with db.transaction() as s:
        publish_document(s, sample_flow)
        publish_document(s, other)
        s.execute(select(Flow).where(Flow.key == "another-approval")).scalar_one().priority = 10
    with db.read() as s:
        assert [v.flow_key for v in active_versions(s, "approval")] == ["another-approval", "high-value-approval"]
        assert active_versions(s, "routing") == []
