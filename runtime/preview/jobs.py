"""Impact previews as jobs: asked (a ``previews`` row, ``queued``), run — on a background thread on the
embedded default, as the Celery task ``orderloom.run_preview`` in distributed mode — with the progress stored
on the row and published live (``preview.progress`` in the room ``flow:<key>``), and the report stored with
the version (``done``) or the error (``failed``).

Running a preview only reads orders and snapshots (one read-only transaction) and writes its own row: it never
changes an order, and a preview that fails leaves the others and the runtime untouched.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

from sqlalchemy import select, update

from runtime.engine import PlanError, compile_plan
from runtime.preview.core import run_preview
from runtime.preview.overlay import check_overlay
from runtime.preview.records import MAX_LIMIT, Filters, load_records, subflow_versions, version_id
from runtime.service.dryrun import POLICIES
from runtime.service.errors import InputError, NotFound
from runtime.service.release import VersionInfo, plan_for, version_info
from runtime.store.models import Flow, FlowRelease, FlowVersion, Preview
from runtime.store.types import utcnow

log = logging.getLogger(__name__)

RUN_PREVIEW = "orderloom.run_preview"
LIVE_EVENT = "preview.progress"
PROGRESS_EVERY = 100  # orders between two progress updates


def ask_preview(rt: Any, flow_key: str, number: int, params: dict[str, Any], actor: str | None, *,
                start: bool = True) -> dict[str, Any]:
    """Store a preview of version ``number`` of ``flow_key`` and start it (``start=False``: the caller runs
    :func:`execute_preview` itself). Refuses (422) a version whose document cannot be compiled."""
    params = check_params(params)
    with rt.db.transaction() as session:
        version = _version(session, flow_key, number)
        _compiled(version.document)
        baseline = session.execute(select(FlowRelease.active_version_id)
                                   .where(FlowRelease.flow_id == version.flow_id)).scalar_one_or_none()
        row = Preview(flow_version_id=version.id, baseline_version_id=baseline, status="queued", params=params,
                      done=0, total=0, created_by=actor, created_at=utcnow())
        session.add(row)
        session.flush()
        preview_id = row.id
    if start:
        dispatch(rt, preview_id)
    return get_preview(rt, preview_id, with_report=False)


def check_params(params: dict[str, Any]) -> dict[str, Any]:
    """The request as stored: limit (1..5000, default 1000), channel, region, since/until (ISO text),
    overlay, human (approve / reject / wait)."""
    limit = params.get("limit") or Filters.limit
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise InputError("RUN_FIELD_INVALID", "limit", f"limit 应为 1 到 {MAX_LIMIT} 的整数",
                         f"limit must be an integer from 1 to {MAX_LIMIT}")
    human = params.get("human") or "approve"
    if human not in POLICIES:
        raise InputError("RUN_FIELD_INVALID", "human", "human 应为 approve、reject 或 wait",
                         "human must be approve, reject or wait")
    out: dict[str, Any] = {"limit": limit, "human": human}
    for name in ("channel", "region"):
        if params.get(name):
            out[name] = str(params[name])
    for name in ("since", "until"):
        value = params.get(name)
        if value:
            out[name] = value.isoformat() if isinstance(value, datetime) else str(value)
    if params.get("overlay"):
        out["overlay"] = check_overlay(params["overlay"])
    return out


def dispatch(rt: Any, preview_id: int) -> threading.Thread | None:
    """Start the preview: a Celery task when the runtime's executor is Celery's, else a daemon thread."""
    from runtime.executors.celery_executor import ORDERS_QUEUE, CeleryExecutor

    if isinstance(rt.executor, CeleryExecutor):
        rt.executor.app.send_task(RUN_PREVIEW, args=[preview_id], queue=ORDERS_QUEUE, ignore_result=True)
        return None
    thread = threading.Thread(target=execute_preview, args=(rt, preview_id), name=f"orderloom-preview-{preview_id}",
                              daemon=True)
    thread.start()
    return thread


def execute_preview(rt: Any, preview_id: int) -> str:
    """Run a stored preview to its end; returns its final status. A finished one is left alone (a redelivered
    task message); one left ``running`` by a dead worker runs again."""
    with rt.db.transaction() as session:
        row = session.get(Preview, preview_id)
        if row is None or row.status in ("done", "failed"):
            return row.status if row is not None else "missing"
        row.status, row.started_at = "running", utcnow()
        proposed = version_info(session, row.flow_version_id)
        baseline = version_info(session, row.baseline_version_id) if row.baseline_version_id else None
        params = dict(row.params)
    progress = _Progress(rt, preview_id, proposed)
    try:
        with rt.db.read() as session:
            records = load_records(session, proposed.flow_id, proposed.kind, Filters.of(params), rt.tz)
            versions = subflow_versions(session, [proposed.document] + ([baseline.document] if baseline else []))
        progress(0, len(records))
        report = run_preview(records, plan_for(proposed), plan_for(baseline) if baseline else None,
                             overlay=params.get("overlay"), human=params["human"], versions=versions,
                             progress=progress, every=PROGRESS_EVERY)
    except Exception as exc:  # noqa: BLE001 - stored on the preview, never lost in a thread
        log.exception("preview %s failed", preview_id)
        return _finish(rt, preview_id, proposed, status="failed",
                       error={"type": type(exc).__name__, "message": str(exc)[:500]})
    report = {"flow": proposed.flow_key, "version": proposed.number,
              "baseline_version": baseline.number if baseline else None, **report}
    return _finish(rt, preview_id, proposed, status="done", report=report)


def _finish(rt: Any, preview_id: int, proposed: VersionInfo, *, status: str, report: dict[str, Any] | None = None,
            error: dict[str, Any] | None = None) -> str:
    with rt.db.transaction() as session:
        row = session.get(Preview, preview_id)
        row.status, row.report, row.error, row.finished_at = status, report, error, utcnow()
        done, total = row.done, row.total
    _publish(rt, preview_id, proposed, status, done, total)
    return status


class _Progress:
    """Stores ``done`` / ``total`` on the row (its own short transaction) and publishes ``preview.progress``."""

    def __init__(self, rt: Any, preview_id: int, proposed: VersionInfo) -> None:
        self.rt, self.preview_id, self.proposed = rt, preview_id, proposed

    def __call__(self, done: int, total: int) -> None:
        with self.rt.db.transaction() as session:
            session.execute(update(Preview).where(Preview.id == self.preview_id).values(done=done, total=total))
        _publish(self.rt, self.preview_id, self.proposed, "running", done, total)


def _publish(rt: Any, preview_id: int, proposed: VersionInfo, status: str, done: int, total: int) -> None:
    data = {"id": preview_id, "flow": proposed.flow_key, "version": proposed.number, "status": status,
            "done": done, "total": total, "progress": _ratio(done, total, status)}
    try:
        rt.publisher.publish([{"event": LIVE_EVENT, "room": f"flow:{proposed.flow_key}", "data": data}])
    except Exception:  # noqa: BLE001 - live events are best effort; the row is the truth
        log.exception("publishing the progress of preview %s failed", preview_id)


def _ratio(done: int, total: int, status: str) -> float:
    if status == "done":
        return 1.0
    return round(done / total, 4) if total else 0.0


def get_preview(rt: Any, preview_id: int, *, with_report: bool = True) -> dict[str, Any]:
    """One preview: status, progress, the request, and (``with_report``) the report."""
    with rt.db.read() as session:
        row = session.execute(_views().where(Preview.id == preview_id)).first()
        if row is None:
            raise NotFound("preview", preview_id)
        return _view(rt, *row, with_report=with_report)


def list_previews(rt: Any, flow_key: str, number: int) -> list[dict[str, Any]]:
    """The previews of a version, latest first (without their reports)."""
    with rt.db.read() as session:
        version = _version(session, flow_key, number)
        rows = session.execute(_views().where(Preview.flow_version_id == version.id)
                               .order_by(Preview.id.desc())).all()
        return [_view(rt, *row, with_report=False) for row in rows]


def _views() -> Any:
    baseline = FlowVersion.__table__.alias("baseline")
    return (select(Preview, Flow.key, FlowVersion.number, baseline.c.number)
            .join(FlowVersion, FlowVersion.id == Preview.flow_version_id)
            .join(Flow, Flow.id == FlowVersion.flow_id)
            .outerjoin(baseline, baseline.c.id == Preview.baseline_version_id))


def _view(rt: Any, row: Preview, flow_key: str, number: int, baseline: int | None, *,
          with_report: bool) -> dict[str, Any]:
    def when(value: datetime | None) -> str | None:
        return value.astimezone(rt.tz).isoformat() if value is not None else None

    view = {"id": row.id, "flow": flow_key, "version": number, "baseline_version": baseline, "status": row.status,
            "progress": {"done": row.done, "total": row.total, "ratio": _ratio(row.done, row.total, row.status)},
            "params": row.params, "error": row.error, "created_by": row.created_by,
            "created_at": when(row.created_at), "started_at": when(row.started_at),
            "finished_at": when(row.finished_at), "url": f"/api/previews/{row.id}"}
    if with_report:
        view["report"] = row.report
    return view


def _version(session: Any, flow_key: str, number: int) -> VersionInfo:
    return version_info(session, version_id(session, flow_key, number))


def _compiled(document: dict[str, Any]) -> None:
    try:
        compile_plan(document)
    except PlanError as exc:
        raise InputError("RUN_DOCUMENT_INVALID", "version", f"流程文档有 {len(exc.problems)} 个问题，无法预览",
                         f"the version's document has {len(exc.problems)} problem(s); it cannot be previewed",
                         problems=list(exc.problems)) from exc
