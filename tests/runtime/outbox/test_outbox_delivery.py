"""Outbox delivery against a real local HTTP receiver: signatures, idempotency keys, retries, dead letters."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest

from runtime.outbox import deliver_due, sign, verify_signature
from runtime.store.models import Connection, OutboxEffect
from runtime.store.outbox import discard, enqueue_effect, redrive
from tests.runtime.distributed.support import Receiver

T0 = datetime(2026, 11, 11, 2, 0, tzinfo=timezone.utc)
SECRET = "s3cret-for-tests"


class Responder:
    """Records what the runtime would hear (``Runtime.service_responded``)."""

    def __init__(self) -> None:
        self.answers: list[tuple] = []

    def service_responded(self, call_key, ok, status, body, error) -> None:
        self.answers.append((call_key, ok, status, body, error))


@pytest.fixture
def receiver():
    r = Receiver(SECRET)
    yield r
    r.close()


def add_connection(db, name, url, *, secret=SECRET, timeout_ms=2000):
    with db.transaction() as s:
        s.add(Connection(name=name, base_url=url, secret=secret, timeout_ms=timeout_ms))


def notify(db, key="i-1/notify_finance/3", channel="sms", *, whole_effect=False):
    data = {"order": "O-1", "channel": channel, "to": "customer", "group": None, "customer": "C-1",
            "title": "已发货", "message": "您的订单已发货"}
    payload = {"kind": "notify", "key": key, "node": "n", "data": data} if whole_effect else data
    with db.transaction() as s:
        return enqueue_effect(s, kind="notify", idempotency_key=key, payload=payload, now=T0)


def call(db, key="i-1/check/2", *, connection="erp", method="POST", path="/v1/check", body=None):
    data = {"call": key, "connection": connection, "method": method, "path": path,
            "body": body if body is not None else {"order": "O-1", "amount": "12.50"}, "order": "O-1"}
    with db.transaction() as s:
        return enqueue_effect(s, kind="call_service", idempotency_key=key, payload=data, now=T0)


def row(db, effect_id):
    with db.read() as s:
        e = s.get(OutboxEffect, effect_id)
        return e.status, e.attempts, e.next_attempt_at, e.last_error


def test_notify_is_posted_signed_with_its_key_to_the_channel_connection(db, receiver):
    add_connection(db, "notify_sms", receiver.url + "/sms")
    effect_id = notify(db)
    report = deliver_due(db, T0)
    assert report.outcomes == {"i-1/notify_finance/3": "delivered"}
    [req] = receiver.requests
    assert (req.method, req.path, req.key, req.signature_ok) == ("POST", "/sms", "i-1/notify_finance/3", True)
    assert req.headers["X-Orderloom-Signature"] == sign(SECRET, req.body)
    assert req.headers["X-Orderloom-Timestamp"].isdigit()
    assert req.headers["X-Orderloom-Kind"] == "notify" and req.headers["X-Orderloom-Attempt"] == "1"
    envelope = json.loads(req.body)
    assert envelope["idempotency_key"] == "i-1/notify_finance/3" and envelope["kind"] == "notify"
    assert envelope["data"]["message"] == "您的订单已发货"
    assert row(db, effect_id)[0] == "delivered"
    assert deliver_due(db, T0 + timedelta(hours=2)).claimed == 0  # delivered once, never again


def test_a_row_holding_the_whole_effect_dict_is_delivered_the_same(db, receiver):
    add_connection(db, "notify_email", receiver.url)
    notify(db, key="k-whole", channel="email", whole_effect=True)
    assert deliver_due(db, T0).outcomes == {"k-whole": "delivered"}
    assert json.loads(receiver.requests[0].body)["data"]["channel"] == "email"


def test_500_is_retried_with_backoff_under_the_same_key_and_applied_once(db, receiver):
    # the first answer is lost after the receiver applied the key (applies, then 500); then 500; then 200
    receiver.script = lambda key, n: (500, {"error": "busy"}) if n <= 2 else (200, {"ok": True})
    receiver.apply_before_answer = True
    add_connection(db, "notify_sms", receiver.url)
    effect_id = notify(db)
    assert deliver_due(db, T0).outcomes == {"i-1/notify_finance/3": "retry"}
    status, attempts, due, error = row(db, effect_id)
    assert (status, attempts, due) == ("pending", 1, T0 + timedelta(seconds=5)) and "HTTP 500" in error
    assert deliver_due(db, T0 + timedelta(seconds=4)).claimed == 0  # not due yet
    assert deliver_due(db, T0 + timedelta(seconds=5)).outcomes == {"i-1/notify_finance/3": "retry"}
    assert row(db, effect_id)[2] == T0 + timedelta(seconds=15)  # 5 s, then 10 s
    assert deliver_due(db, T0 + timedelta(seconds=15)).outcomes == {"i-1/notify_finance/3": "delivered"}
    assert row(db, effect_id)[:2] == ("delivered", 3)
    assert receiver.keys() == ["i-1/notify_finance/3"] * 3
    assert len({r.body for r in receiver.requests}) == 1  # the same signed body every time
    assert all(r.signature_ok for r in receiver.requests)
    assert dict(receiver.applied) == {"i-1/notify_finance/3": 1}


def test_dead_letter_after_max_attempts_then_redrive_delivers_and_discard_keeps_it(db, receiver):
    receiver.script = lambda key, n: (503, {"error": "down"})
    add_connection(db, "notify_sms", receiver.url)
    first, second = notify(db, key="k-1"), notify(db, key="k-2")
    at = T0
    for expected in ("retry", "retry", "dead"):
        report = deliver_due(db, at, max_attempts=3)
        assert set(report.outcomes.values()) == {expected}
        at += timedelta(hours=1)
    assert row(db, first)[:2] == ("dead", 3) and row(db, second)[:2] == ("dead", 3)
    assert deliver_due(db, at + timedelta(days=1)).claimed == 0  # dead letters are not retried
    receiver.script = None  # the receiver is back
    with db.transaction() as s:
        assert redrive(s, first, at) and discard(s, second)
        assert not redrive(s, second, at)  # discarded is final
    assert deliver_due(db, at).outcomes == {"k-1": "delivered"}
    assert row(db, first)[0] == "delivered" and row(db, second)[0] == "discarded"
    assert receiver.keys().count("k-1") == 4 and dict(receiver.applied) == {"k-1": 1}


def test_a_client_error_kills_a_notify_at_once(db, receiver):
    receiver.script = lambda key, n: (422, {"error": "bad phone"})
    add_connection(db, "notify_sms", receiver.url)
    effect_id = notify(db)
    assert deliver_due(db, T0).outcomes == {"i-1/notify_finance/3": "dead"}
    status, attempts, _, error = row(db, effect_id)
    assert (status, attempts) == ("dead", 1) and "HTTP 422" in error


@pytest.mark.parametrize("status", [408, 429])
def test_408_and_429_are_retried(db, receiver, status):
    receiver.script = lambda key, n: (status, {})
    add_connection(db, "notify_sms", receiver.url)
    notify(db)
    assert deliver_due(db, T0).outcomes == {"i-1/notify_finance/3": "retry"}


def test_call_service_answer_goes_to_the_runtime_before_the_row_is_delivered(db, receiver):
    receiver.script = lambda key, n: (200, {"score": 87, "risk": "low"})
    add_connection(db, "erp", receiver.url + "/api/")
    effect_id = call(db)
    responder = Responder()
    assert deliver_due(db, T0, responder=responder).outcomes == {"i-1/check/2": "delivered"}
    [req] = receiver.requests
    assert (req.method, req.path, req.signature_ok) == ("POST", "/api/v1/check", True)
    assert json.loads(req.body) == {"amount": "12.50", "order": "O-1"}  # the flow's body, as it is
    assert responder.answers == [("i-1/check/2", True, 200, {"score": 87, "risk": "low"}, None)]
    assert row(db, effect_id)[0] == "delivered"


def test_call_service_get_has_no_body_and_a_signature_of_the_empty_body(db, receiver):
    add_connection(db, "erp", receiver.url)
    call(db, method="GET", path="stock?sku=TEA-01")
    responder = Responder()
    deliver_due(db, T0, responder=responder)
    [req] = receiver.requests
    assert (req.method, req.path, req.body, req.signature_ok) == ("GET", "/stock?sku=TEA-01", b"", True)
    assert responder.answers[0][1] is True


def test_call_service_client_error_is_answered_not_ok_at_once(db, receiver):
    receiver.script = lambda key, n: (404, {"error": "no such order"})
    add_connection(db, "erp", receiver.url)
    effect_id = call(db)
    responder = Responder()
    assert deliver_due(db, T0, responder=responder).outcomes == {"i-1/check/2": "answered_error"}
    [(key, ok, status, body, error)] = responder.answers
    assert (key, ok, status, body, error["code"]) == ("i-1/check/2", False, 404, {"error": "no such order"},
                                                      "HTTP_404")
    assert row(db, effect_id)[0] == "delivered"


def test_call_service_that_dies_is_answered_not_ok(db, receiver):
    receiver.script = lambda key, n: (502, {})
    add_connection(db, "erp", receiver.url)
    effect_id = call(db)
    responder = Responder()
    assert deliver_due(db, T0, responder=responder, max_attempts=2).outcomes == {"i-1/check/2": "retry"}
    assert responder.answers == []
    assert deliver_due(db, T0 + timedelta(minutes=1), responder=responder, max_attempts=2).outcomes == {
        "i-1/check/2": "dead"}
    [(key, ok, status, body, error)] = responder.answers
    assert (key, ok, status, error["code"]) == ("i-1/check/2", False, 502, "SERVICE_UNAVAILABLE")
    assert row(db, effect_id)[0] == "dead"


def test_timeout_and_connection_refused_are_retried(db, receiver):
    receiver.delay_s = 1.0
    add_connection(db, "erp", receiver.url, timeout_ms=200)
    add_connection(db, "notify_sms", "http://127.0.0.1:9/closed")  # discard port: nothing listens
    call(db)
    notify(db)
    responder = Responder()
    report = deliver_due(db, T0, responder=responder)
    assert report.outcomes == {"i-1/check/2": "retry", "i-1/notify_finance/3": "retry"}
    assert responder.answers == []
    with db.read() as s:
        errors = {e.idempotency_key: e.last_error for e in s.query(OutboxEffect)}
    assert "timed out" in errors["i-1/check/2"].lower()
    assert "refused" in errors["i-1/notify_finance/3"].lower()


def test_unknown_connection_and_free_urls_are_never_sent(db, receiver):
    add_connection(db, "erp", receiver.url)
    call(db, key="k-free", path="http://evil.example/steal")
    call(db, key="k-host", path="//evil.example/x")
    notify(db, key="k-nochannel", channel="pigeon")  # no connection notify_pigeon
    report = deliver_due(db, T0, responder=Responder(), max_attempts=1)
    assert report.outcomes == {"k-free": "dead", "k-host": "dead", "k-nochannel": "dead"}
    assert receiver.requests == []
    with db.read() as s:
        errors = {e.idempotency_key: e.last_error for e in s.query(OutboxEffect)}
    assert "free URLs are not allowed" in errors["k-free"] and "notify_pigeon" in errors["k-nochannel"]


def test_a_call_without_a_responder_is_left_for_later(db, receiver):
    add_connection(db, "erp", receiver.url)
    call(db)
    assert deliver_due(db, T0).outcomes == {"i-1/check/2": "skipped"}
    assert receiver.requests == []


def test_verify_signature():
    body = b'{"a":1}'
    header = sign("k", body)
    assert header.startswith("sha256=") and len(header) == 7 + 64
    assert verify_signature("k", body, header)
    assert verify_signature(b"k", body, header)
    assert not verify_signature("other", body, header)
    assert not verify_signature("k", body + b" ", header)
    assert not verify_signature("k", body, None)
    assert not verify_signature("k", body, header.replace("sha256=", "sha1="))
    assert not verify_signature("k", body, "sha256=zz")


def test_the_runtime_row_shape_goes_to_notify_channel_with_its_context(db, receiver):
    """What runtime.service writes: the whole effect plus order context, connection_name = the bare channel."""
    add_connection(db, "notify_sms", receiver.url + "/sms")
    payload = {"kind": "notify", "key": "i7/tell/1", "node": "tell",
               "data": {"order": "7", "channel": "sms", "to": "customer", "group": None, "customer": "C-1",
                        "title": "hi", "message": "order 7"},
               "order_id": 7, "channel": "tmall", "channel_order_no": "TM7", "instance_id": 7, "flow": "tell",
               "version": 1}
    with db.transaction() as s:
        enqueue_effect(s, kind="notify", idempotency_key="i7/tell/1", payload=payload, connection_name="sms", now=T0)
    assert deliver_due(db, T0).outcomes == {"i7/tell/1": "delivered"}
    envelope = json.loads(receiver.requests[0].body)
    assert receiver.requests[0].path == "/sms" and envelope["data"]["channel"] == "sms"
    assert envelope["context"] == {"order_id": 7, "channel": "tmall", "channel_order_no": "TM7", "instance_id": 7,
                                   "flow": "tell", "version": 1}


class FailingResponder:
    def __init__(self, exc):
        self.exc = exc
        self.calls = 0

    def service_responded(self, *args):
        self.calls += 1
        raise self.exc


def test_an_answer_the_runtime_cannot_record_is_retried_and_the_round_goes_on(db, receiver):
    from runtime.service.errors import NotFound

    add_connection(db, "erp", receiver.url)
    add_connection(db, "notify_sms", receiver.url)
    broken, gone = call(db, key="k-broken"), call(db, key="k-gone")
    notify(db, key="k-after")
    report = deliver_due(db, T0, responder=FailingResponder(RuntimeError("database went away")), max_attempts=3)
    assert report.outcomes == {"k-broken": "retry", "k-gone": "retry", "k-after": "delivered"}
    assert row(db, broken)[0] == "pending" and "database went away" in row(db, broken)[3]
    report = deliver_due(db, T0 + timedelta(minutes=5), responder=FailingResponder(NotFound("call", "k-gone")))
    assert report.outcomes == {"k-broken": "delivered", "k-gone": "delivered"}  # nobody waits for these answers
    assert row(db, gone)[0] == "delivered"
