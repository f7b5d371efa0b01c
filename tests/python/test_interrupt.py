"""Ctrl-C and fork, as users meet them.

Ctrl-C: a child Python process blocks in a call against a server that never
answers (or answers 503 with a 30 s Retry-After); once the test knows the
request is in flight (the server saw it), it sends SIGINT. The call must end
in KeyboardInterrupt at once: the timeouts (30 s) and backoffs are what a
broken interrupt would wait for. Fork: a client used before os.fork() and a
multiprocessing fork pool gets only its own answers in parent and children.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import textwrap
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, List

import pytest

import avala

from conftest import KEY, Emulator

CHILD = textwrap.dedent(
    """
    import sys, time
    sys.path[:0] = {path!r}
    import avala
    client = avala.Client(api_key="k", base_url={url!r}, timeout=30.0, max_retries=2)
    print("ready", flush=True)
    try:
        {call}
    except KeyboardInterrupt:
        print("interrupted", flush=True)
        sys.exit(42)
    print("returned", flush=True)
    """
)


def _run_and_interrupt(url: str, call: str, in_flight: threading.Event) -> "tuple[int, str, float]":
    env = dict(os.environ, AVALA_ALLOW_INSECURE_BASE_URL="1")
    code = CHILD.format(path=[p for p in sys.path if p], url=url, call=call)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready"
        assert in_flight.wait(20), "the request never reached the server"
        time.sleep(0.05)  # let the call settle into its wait (it is the same either way)
        sent = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=20)
        return proc.returncode, out, time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


class _Silent:
    """A listening socket nobody accepts on: connections wait in the backlog."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.url = "http://127.0.0.1:%d/api/v1" % self.sock.getsockname()[1]
        self.in_flight = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def _watch(self) -> None:
        import select

        select.select([self.sock], [], [], 30)
        self.in_flight.set()


@pytest.fixture
def silent() -> Iterator[_Silent]:
    s = _Silent()
    yield s
    s.sock.close()


@pytest.mark.parametrize(
    "call",
    [
        "client.projects.get('p1')",
        "client.projects.list()",
        "list(client.projects.iter())",
        "client.tasks.list(project='p1')",
        "client.exports.create(project='p1')",
        "client.exports.wait('e1', interval=0.5, timeout=120)",
    ],
)
def test_ctrl_c_interrupts_a_call_to_a_silent_server(silent: _Silent, call: str) -> None:
    rc, out, took = _run_and_interrupt(silent.url, call, silent.in_flight)
    assert rc == 42, out
    assert "interrupted" in out
    assert took < 2.0  # the call would otherwise wait for its 30 s timeout


def test_ctrl_c_interrupts_the_backoff_between_retries() -> None:
    seen = threading.Event()

    class Busy(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            seen.set()
            self.send_response(503)
            self.send_header("Retry-After", "30")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Busy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = "http://127.0.0.1:%d/api/v1" % server.server_address[1]
        rc, out, took = _run_and_interrupt(url, "client.projects.get('p1')", seen)
        assert rc == 42, out
        assert took < 2.0  # the client sleeps 30 s before its retry
    finally:
        server.shutdown()
        server.server_close()


def _uids(emulator: Emulator) -> List[str]:
    with avala.Client(api_key=KEY, base_url=emulator.base_url) as c:
        return [p.uid for p in c.projects.list(limit=20).items]


def _check_own_answers(client: "avala.Client", uids: List[str], salt: int) -> int:
    wrong = 0
    for i in range(200):
        want = uids[(i * 7 + salt) % len(uids)]
        if client.projects.get(want).uid != want:
            wrong += 1
    return wrong


_pool_client: "avala.Client | None" = None
_pool_uids: List[str] = []


def _pool_task(salt: int) -> int:
    assert _pool_client is not None
    return _check_own_answers(_pool_client, _pool_uids, salt)


def test_a_client_used_before_fork_answers_parent_and_child_correctly(emulator: Emulator, insecure_ok: None) -> None:
    uids = _uids(emulator)
    with avala.Client(api_key=KEY, base_url=emulator.base_url) as client:
        assert _check_own_answers(client, uids, 0) == 0  # the pool is warm
        pid = os.fork()
        if pid == 0:
            try:
                os._exit(0 if _check_own_answers(client, uids, 3) == 0 else 1)
            except BaseException:
                os._exit(2)
        parent_wrong = _check_own_answers(client, uids, 5)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.05)
        else:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            pytest.fail("the forked child hung")
        assert parent_wrong == 0
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0


def test_a_multiprocessing_fork_pool_over_a_client_made_before_it(emulator: Emulator, insecure_ok: None) -> None:
    global _pool_client, _pool_uids
    _pool_uids = _uids(emulator)
    with avala.Client(api_key=KEY, base_url=emulator.base_url) as client:
        _pool_client = client
        assert _check_own_answers(client, _pool_uids, 0) == 0
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(3) as pool:
            results = pool.map_async(_pool_task, range(6)).get(timeout=120)
        assert results == [0] * 6
        assert _check_own_answers(client, _pool_uids, 1) == 0
    _pool_client = None


def test_cancelling_an_asyncio_task_stops_its_request_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server sees the connection close, the task ends cancelled, and
    asyncio.run() returns without waiting for the 30 s timeout (no thread
    waits for the call)."""
    import asyncio

    monkeypatch.setenv("AVALA_ALLOW_INSECURE_BASE_URL", "1")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    url = "http://127.0.0.1:%d/api/v1" % listener.getsockname()[1]
    accepted = threading.Event()
    closed_seen = threading.Event()

    def server() -> None:
        conn, _ = listener.accept()
        accepted.set()  # the request is in flight; it is never answered
        conn.settimeout(20)
        try:
            while conn.recv(65536):
                pass
        except OSError:
            pass
        closed_seen.set()  # EOF (or a reset): the client closed the connection
        conn.close()

    threading.Thread(target=server, daemon=True).start()

    async def main() -> None:
        async with avala.AsyncClient(api_key="k", base_url=url, timeout=30.0) as client:
            task = asyncio.ensure_future(client.projects.get("p1"))
            while not accepted.is_set():
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    start = time.monotonic()
    try:
        asyncio.run(main())
        took = time.monotonic() - start
        assert closed_seen.wait(5), "the server never saw the connection close"
        assert took < 5.0  # asyncio.run() waited for no 30 s call
    finally:
        listener.close()


def test_cancelling_an_async_for_stops_its_page_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncio

    monkeypatch.setenv("AVALA_ALLOW_INSECURE_BASE_URL", "1")
    s = _Silent()
    try:

        async def walk() -> None:
            async with avala.AsyncClient(api_key="k", base_url=s.url, timeout=30.0) as client:
                async for _ in client.projects.iter():
                    pass

        async def main() -> None:
            task = asyncio.ensure_future(walk())
            while not s.in_flight.is_set():
                await asyncio.sleep(0.01)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

        start = time.monotonic()
        asyncio.run(main())
        assert time.monotonic() - start < 5.0
    finally:
        s.sock.close()
