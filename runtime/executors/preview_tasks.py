"""The impact preview as a Celery task (distributed mode): ``orderloom.run_preview(preview_id)`` on the orders
queue runs a stored preview in a worker (``runtime.preview.jobs.execute_preview``) with the worker's runtime,
so progress goes out through its publisher (Socket.IO via Redis) and the report into the database.

Idempotent: a redelivered message of a finished preview does nothing; one left ``running`` by a worker that
died runs again from the start (a preview only reads orders and writes its own row)."""

from __future__ import annotations

from typing import Any

from runtime.preview.jobs import RUN_PREVIEW, execute_preview


def register(app: Any) -> None:
    """Add the preview task to the Celery ``app`` (called by ``celery_app._register_tasks``)."""
    from runtime.executors.celery_worker import worker_state

    @app.task(name=RUN_PREVIEW, ignore_result=True, shared=False)
    def run_preview(preview_id: int) -> str:
        """Run one stored impact preview to its end; returns its final status."""
        return execute_preview(worker_state(app).runtime, int(preview_id))
