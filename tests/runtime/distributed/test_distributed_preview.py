"""An impact preview in distributed mode: asked where orders ran on PostgreSQL, executed by a real Celery
worker (``orderloom.run_preview``), its progress live over Socket.IO from the worker and its report stored."""

from __future__ import annotations

import copy

import pytest

from runtime.contracts import validator
from runtime.executors.celery_app import CeleryExecutor
from runtime.preview.jobs import LIVE_EVENT, ask_preview, get_preview
from runtime.service import NullPublisher, Runtime
from tests.runtime.distributed.support import LATER, flows, order_payload, running_worker, wait_until
from tests.runtime.distributed.test_distributed_worker import LiveClient, ended
from tests.runtime.preview.world import add_version

pytestmark = [pytest.mark.services, pytest.mark.timeout(180)]


def test_a_celery_worker_runs_the_preview_and_publishes_its_progress(world, socket_server, celery_client,
                                                                     operator_token):
    db = world["db"]
    client = LiveClient(socket_server, operator_token)
    try:
        assert client.join(f"flow:{LATER}") == {"ok": True, "room": f"flow:{LATER}"}
        with running_worker(world["env"], world["tmp"] / "worker.log", celery_client) as worker:
            runtime = Runtime(db, executor=CeleryExecutor(celery_client), publisher=NullPublisher())
            ids = [runtime.ingest("tmall", f"evt-{n}", "order.paid", order_payload(n))["order_id"] for n in range(3)]
            for order_id in ids:
                wait_until(lambda oid=order_id: ended(runtime, oid), 30, what=f"order {order_id} done\n{worker.tail()}")
            draft = copy.deepcopy(next(f for f in flows() if f["key"] == LATER))
            draft["trigger"]["when"] = "order.total > 100"  # every order of 199 now waits 3 s
            number = add_version(db, LATER, draft)

            asked = ask_preview(runtime, LATER, number, {}, "reviewer-1")

            done = wait_until(lambda: (p := get_preview(runtime, asked["id"]))["status"] in ("done", "failed") and p,
                              60, what=f"the preview done\n{worker.tail()}")
            assert done["status"] == "done", done
            report = done["report"]
            assert report["orders"] == 3 and report["changed"] == 3
            assert report["changes"]["outcome"]["count"] == 3
            proposed = {(o["status"], o["outcome"]): o["count"] for o in report["outcomes"]["proposed"]}
            assert proposed == {("completed", "waited"): 3}
            wait_until(lambda: any(e["event"] == LIVE_EVENT and e["data"]["status"] == "done"
                                   for e in client.events(f"flow:{LATER}")), 15, what="the live progress")
            live = validator("live-events")
            for batch in client.batches:
                assert list(live.iter_errors(batch)) == [], batch
    finally:
        client.close()
