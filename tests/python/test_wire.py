"""What each new call puts on the wire (method, path, query, body), checked
against a scripted server, and exports.wait against an export that never
finishes: timeout, Ctrl-C, callback errors, async cancellation."""

from __future__ import annotations

import _thread
import asyncio
import json
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

import avala
from avala.errors import APITimeoutError, InvalidArgumentError, NotFoundError

from conftest import KEY, StubServer, Ticker

PAGE = {"results": [], "next": None, "previous": None}


def stub_client(stub: StubServer) -> avala.Client:
    return avala.Client(KEY, base_url=stub.base_url, max_retries=0)


def sent(stub: StubServer) -> Tuple[str, str, Optional[Dict[str, Any]]]:
    method, path, _ = stub.received[-1]
    raw = stub.bodies[-1]
    return method, path.replace("/api/v1", "", 1), json.loads(raw) if raw else None


CALLS: List[Tuple[str, Callable[[avala.Client], Any], Any, Tuple[str, str, Optional[Dict[str, Any]]]]] = [
    ("tasks.list", lambda c: c.tasks.list(project="p1", status="completed", limit=5), PAGE,
     ("GET", "/tasks/?project=p1&status=completed&limit=5", None)),
    ("tasks.list bare", lambda c: c.tasks.list(), PAGE, ("GET", "/tasks/", None)),
    ("tasks.get", lambda c: c.tasks.get("t1"), {"uid": "t1"}, ("GET", "/tasks/t1/", None)),
    ("exports.list", lambda c: c.exports.list(limit=2, cursor="abc"), PAGE, ("GET", "/exports/?limit=2&cursor=abc", None)),
    ("exports.create project", lambda c: c.exports.create(project="p1"), {"uid": "e1"},
     ("POST", "/exports/", {"project": "p1"})),
    ("exports.create dataset", lambda c: c.exports.create(dataset="d1"), {"uid": "e1"},
     ("POST", "/exports/", {"dataset": "d1"})),
    ("exports.get", lambda c: c.exports.get("e1"), {"uid": "e1"}, ("GET", "/exports/e1/", None)),
    ("agents.list", lambda c: c.agents.list(limit=3), PAGE, ("GET", "/agents/?limit=3", None)),
    ("agents.get", lambda c: c.agents.get("a1"), {"uid": "a1", "name": "n"}, ("GET", "/agents/a1/", None)),
    ("agents.create", lambda c: c.agents.create(name="bot", events=("task.completed",), is_active=False),
     {"uid": "a1", "name": "bot"},
     ("POST", "/agents/", {"name": "bot", "events": ["task.completed"], "is_active": False})),
    ("agents.update", lambda c: c.agents.update("a1", description="new"), {"uid": "a1", "name": "bot"},
     ("PATCH", "/agents/a1/", {"description": "new"})),
    ("agents.update nothing", lambda c: c.agents.update("a1"), {"uid": "a1", "name": "bot"},
     ("PATCH", "/agents/a1/", {})),
    ("agents.delete", lambda c: c.agents.delete("a1"), None, ("DELETE", "/agents/a1/", None)),
    ("agents.list_executions", lambda c: c.agents.list_executions("a1", limit=4), PAGE,
     ("GET", "/agents/a1/executions/?limit=4", None)),
    ("agents.test", lambda c: c.agents.test("a1"), {"success": True}, ("POST", "/agents/a1/test/", None)),
    ("quality_targets.list", lambda c: c.quality_targets.list("p1", limit=9), PAGE,
     ("GET", "/projects/p1/quality-targets/?limit=9", None)),
    ("quality_targets.get", lambda c: c.quality_targets.get("p1", "q1"), {"uid": "q1", "name": "n"},
     ("GET", "/projects/p1/quality-targets/q1/", None)),
    ("quality_targets.create", lambda c: c.quality_targets.create("p1", name="acc", metric="accuracy", threshold=0.9,
                                                                  notify_emails=["a@example.com"]),
     {"uid": "q1", "name": "acc"},
     ("POST", "/projects/p1/quality-targets/",
      {"name": "acc", "metric": "accuracy", "threshold": 0.9, "notify_emails": ["a@example.com"]})),
    ("quality_targets.update", lambda c: c.quality_targets.update("p1", "q1", threshold=1, is_active=False),
     {"uid": "q1", "name": "acc"},
     ("PATCH", "/projects/p1/quality-targets/q1/", {"threshold": 1, "is_active": False})),
    ("quality_targets.delete", lambda c: c.quality_targets.delete("p1", "q1"), None,
     ("DELETE", "/projects/p1/quality-targets/q1/", None)),
    ("quality_targets.evaluate", lambda c: c.quality_targets.evaluate("p1"), [],
     ("POST", "/projects/p1/quality-targets/evaluate/", None)),
    ("datasets.list", lambda c: c.datasets.list(data_type="image", name="cars", status="created",
                                                visibility="public", limit=1), PAGE,
     ("GET", "/datasets/?data_type=image&name=cars&status=created&visibility=public&limit=1", None)),
    ("datasets.get", lambda c: c.datasets.get("d1"), {"uid": "d1", "name": "n"}, ("GET", "/datasets/d1/", None)),
]


@pytest.mark.parametrize("call, answer, expected", [c[1:] for c in CALLS], ids=[c[0] for c in CALLS])
def test_each_call_sends_the_contracts_request(stub: StubServer, call: Callable[[avala.Client], Any],
                                               answer: Any, expected: Tuple[str, str, Any]) -> None:
    stub.respond(204 if answer is None else 200, answer)
    with stub_client(stub) as client:
        call(client)
    assert len(stub.received) == 1
    method, path, body = sent(stub)
    assert (method, path.split("?")[0], body) == (expected[0], expected[1].split("?")[0], expected[2])
    # query parameters: the same set (libavala picks the order)
    assert sorted(path.partition("?")[2].split("&")) == sorted(expected[1].partition("?")[2].split("&"))


def test_update_sends_only_the_given_fields_never_nulls(stub: StubServer) -> None:
    stub.respond(200, {"uid": "q1", "name": "acc"})
    with stub_client(stub) as client:
        client.quality_targets.update("p1", "q1", severity="critical")
        assert sent(stub)[2] == {"severity": "critical"}
        client.agents.update("a1", name="renamed", events=[], task_types=None)
        assert sent(stub)[2] == {"name": "renamed", "events": []}


def test_bad_field_types_are_refused_before_sending(stub: StubServer) -> None:
    with stub_client(stub) as client:
        with pytest.raises(InvalidArgumentError, match="events"):
            client.agents.create(name="bot", events="task.completed")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgumentError, match="threshold"):
            client.quality_targets.create("p1", name="acc", metric="m", threshold="high")  # type: ignore[arg-type]
        with pytest.raises(InvalidArgumentError):
            client.exports.create()  # neither project nor dataset
        with pytest.raises(InvalidArgumentError):
            client.exports.create(project="p1", dataset="d1")
        with pytest.raises(TypeError):
            client.tasks.list(project=7)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            client.agents.create(description="no name")  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            client.quality_targets.create("p1", name="acc", metric="m")  # type: ignore[call-arg]
        with pytest.raises(TypeError):
            client.tasks.list(projects="p1")  # type: ignore[call-arg]
    assert stub.received == []


@pytest.mark.parametrize("uid", ["", "..", "a/b", "%2e%2e", "a\nb"])
def test_unsafe_uids_are_refused_everywhere_before_sending(stub: StubServer, uid: str) -> None:
    with stub_client(stub) as client:
        for call in (
            lambda: client.tasks.get(uid),
            lambda: client.exports.get(uid),
            lambda: client.exports.wait(uid),
            lambda: client.agents.delete(uid),
            lambda: client.agents.list_executions(uid),
            lambda: client.quality_targets.list(uid),
            lambda: client.quality_targets.get("p1", uid),
            lambda: client.quality_targets.evaluate(uid),
            lambda: client.datasets.get(uid),
        ):
            with pytest.raises(InvalidArgumentError):
                call()
    assert stub.received == []


def test_a_404_is_not_found_for_every_resource(stub: StubServer) -> None:
    stub.respond(404, {"detail": "Not found."})
    with stub_client(stub) as client:
        for call in (lambda: client.tasks.get("x"), lambda: client.agents.test("x"),
                     lambda: client.quality_targets.evaluate("x"), lambda: client.agents.delete("x")):
            with pytest.raises(NotFoundError):
                call()


def test_a_page_of_tasks_carries_the_cursors_and_unknown_fields(stub: StubServer) -> None:
    stub.respond(200, {
        "results": [{"uid": "t1", "project": "p1", "status": "completed", "priority": 2}],
        "next": f"{stub.base_url}/tasks/?cursor=c2&project=p1",
        "previous": None,
    })
    with stub_client(stub) as client:
        page = client.tasks.list(project="p1")
    assert page.next_cursor == "c2" and page.has_more and page.previous_cursor is None
    (task,) = page
    assert (task.uid, task.project, task.status, task.priority) == ("t1", "p1", "completed", 2)  # type: ignore[attr-defined]


def test_evaluate_returns_models_from_a_bare_array(stub: StubServer) -> None:
    stub.respond(200, [
        {"uid": "q1", "name": "acc", "metric": "accuracy", "threshold": 0.9, "operator": "gte",
         "current_value": 0.95, "is_breached": False, "severity": "warning"},
        {"uid": "q2", "name": "iou", "metric": "iou", "threshold": 0.8, "operator": "gte",
         "current_value": 0.5, "is_breached": True},
    ])
    with stub_client(stub) as client:
        first, second = client.quality_targets.evaluate("p1")
    assert (first.current_value, first.is_breached, first.severity) == (0.95, False, "warning")
    assert (second.uid, second.is_breached, second.severity) == ("q2", True, None)


# ---- exports.wait against an export that never finishes ---------------------


def test_a_wait_timeout_names_the_last_status(stub: StubServer) -> None:
    stub.respond(200, {"uid": "e1", "status": "exporting"})
    polls: List[float] = []
    with stub_client(stub) as client:
        t0 = time.monotonic()
        with pytest.raises(APITimeoutError, match="exporting") as info:
            client.exports.wait("e1", interval=0.5, timeout=1.2, on_progress=lambda e, s: polls.append(s))
        took = time.monotonic() - t0
    assert isinstance(info.value, TimeoutError)
    assert 1.0 <= took < 3.0
    assert 2 <= len(polls) <= 5 and polls == sorted(polls)
    assert all(m == "GET" and p.endswith("/exports/e1/") for m, p, _ in stub.received)


def test_the_interval_is_never_below_half_a_second(stub: StubServer) -> None:
    stub.respond(200, {"uid": "e1", "status": "pending"})
    with stub_client(stub) as client:
        with pytest.raises(APITimeoutError):
            client.exports.wait("e1", interval=0, timeout=1.1)
    assert len(stub.received) <= 4  # at t = 0, 0.5, 1.0 (and the deadline)


@pytest.mark.parametrize("kw", [{"interval": -1}, {"timeout": -0.1}, {"interval": float("nan")},
                                {"interval": float("inf")}])
def test_negative_or_meaningless_wait_times_are_value_errors(stub: StubServer, kw: Dict[str, float]) -> None:
    with stub_client(stub) as client:
        with pytest.raises(ValueError):
            client.exports.wait("e1", **kw)
        with pytest.raises(TypeError):
            client.exports.wait("e1", timeout="60")  # type: ignore[arg-type]
    assert stub.received == []


def test_ctrl_c_stops_a_long_wait_with_keyboard_interrupt(stub: StubServer) -> None:
    stub.respond(200, {"uid": "e1", "status": "exporting"})
    timer = threading.Timer(0.3, _thread.interrupt_main)
    with stub_client(stub) as client:
        t0 = time.monotonic()
        timer.start()
        try:
            with pytest.raises(KeyboardInterrupt):
                client.exports.wait("e1", interval=0.5, timeout=60)
        finally:
            timer.cancel()
        took = time.monotonic() - t0
    assert took < 2.0  # stopped at the next poll, not after 60 s
    polls = len(stub.received)
    time.sleep(0.7)
    assert len(stub.received) == polls  # and nothing polls any more


def test_other_threads_run_while_a_wait_sleeps(stub: StubServer) -> None:
    stub.respond(200, {"uid": "e1", "status": "exporting"})
    with Ticker() as ticker:
        with stub_client(stub) as client, pytest.raises(APITimeoutError):
            client.exports.wait("e1", interval=0.5, timeout=1.0)
    assert ticker.ticks >= 40  # ~100 if the GIL is free; a held GIL would give ~0


def test_an_exception_in_on_progress_stops_the_wait_and_propagates(stub: StubServer) -> None:
    stub.respond(200, {"uid": "e1", "status": "pending"})

    def give_up(export: avala.Export, elapsed: float) -> None:
        raise LookupError(f"gave up at {export.status}")

    with stub_client(stub) as client:
        with pytest.raises(LookupError, match="gave up at pending"):
            client.exports.wait("e1", on_progress=give_up)
    assert len(stub.received) == 1


def test_a_failed_export_is_returned_not_raised(stub: StubServer) -> None:
    stub.respond(200, {"uid": "e1", "status": "failed", "error": "disk full"})
    with stub_client(stub) as client:
        export = client.exports.wait("e1")
    assert export.status == "failed" and export.download_url is None
    assert export.error == "disk full"  # type: ignore[attr-defined]


def test_cancelling_an_async_wait_stops_the_polling(stub: StubServer) -> None:
    stub.respond(200, {"uid": "e1", "status": "exporting"})
    seen: List[Tuple[str, float, bool]] = []

    async def main() -> None:
        async with avala.AsyncClient(KEY, base_url=stub.base_url) as client:
            loop_thread = threading.get_ident()

            def progress(export: avala.Export, elapsed: float) -> None:
                seen.append((export.status or "", elapsed, threading.get_ident() == loop_thread))

            task = asyncio.ensure_future(client.exports.wait("e1", interval=0.5, timeout=60, on_progress=progress))
            await asyncio.sleep(0.8)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await asyncio.sleep(1.2)  # time for more polls, had the wait not stopped

    asyncio.run(main())
    polls = len(stub.received)
    time.sleep(0.7)
    assert len(stub.received) == polls <= 4
    assert seen and all(status == "exporting" and on_loop for status, _, on_loop in seen)


def test_cancelled_maps_to_what_stopped_the_call_else_an_avala_error() -> None:
    from avala import _avala
    from avala.errors import AvalaError, OperationCancelledError, _from_native

    plain = _from_native(_avala.E_CANCELLED, "cancelled", "the wait was cancelled", 0, "", None, 2)
    assert type(plain) is OperationCancelledError and isinstance(plain, AvalaError)
    assert plain.kind == "cancelled" and plain.attempts == 2
    interrupt = KeyboardInterrupt()
    assert _from_native(_avala.E_CANCELLED, "cancelled", "m", 0, "", None, 1, cause=interrupt) is interrupt
    # a cause never replaces any other error
    other = _from_native(_avala.E_TIMEOUT, "timeout", "m", 0, "", None, 1, cause=interrupt)
    assert isinstance(other, APITimeoutError)
