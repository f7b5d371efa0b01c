"""AsyncClient on libavala's asynchronous C ABI, as users meet it.

Every call gives what the blocking Client gives (same models, pages, errors);
many calls in flight from one thread need no thread each; cancelling a task
closes its connection at once (a hand-played server sees the EOF); and
asyncio.run() of a main whose calls hang returns. No executor is involved.
"""

from __future__ import annotations

import asyncio
import os
import resource
import select
import socket
import subprocess
import sys
import textwrap
import threading
from typing import Any, Awaitable, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

import avala
from avala.errors import AuthenticationError, InvalidArgumentError, NotFoundError, ValidationError
from avala.resources import _base

from conftest import KEY, Emulator, fault_emulator, no_fault_rules_around

PROJECTS, TASKS, DATASETS = 30, 120, 12


def project_uid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012x}"


P1 = project_uid(1)


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    e = Emulator("--generate", f"projects={PROJECTS},tasks={TASKS},datasets={DATASETS}")
    try:
        yield e
    finally:
        e.stop()


@pytest.fixture(scope="module")
def faulty() -> Iterator[Emulator]:
    """An emulator of its own for fault rules (they are global to an emulator)."""
    yield from fault_emulator(250, KEY)


@pytest.fixture
def no_rules(faulty: Emulator) -> Iterator[None]:
    yield from no_fault_rules_around(faulty)


def threads() -> int:
    """This process's threads, the library's included."""
    return len(os.listdir("/proc/self/task"))


def executor_threads() -> List[str]:
    """Threads of a default asyncio executor, had anything used one."""
    return [t.name for t in threading.enumerate() if t.name.startswith("asyncio_")]


class Watch:
    """Records what the event loop's exception handler is given (a future
    whose exception nobody retrieved, a failing callback)."""

    def __init__(self) -> None:
        self.errors: List[Dict[str, Any]] = []

    def install(self) -> None:
        asyncio.get_running_loop().set_exception_handler(lambda loop, ctx: self.errors.append(ctx))


def run(main: Callable[[], Awaitable[Any]]) -> Any:
    watch = Watch()

    async def watched() -> Any:
        watch.install()
        return await main()

    result = asyncio.run(watched())
    assert watch.errors == []
    assert executor_threads() == []
    return result


# ---- the same results as Client ----------------------------------------------------


def test_reads_give_what_the_blocking_client_gives(emu: Emulator, insecure_ok: None) -> None:
    with avala.Client(KEY, base_url=emu.base_url) as c:
        page = c.projects.list(limit=7)
        sync = (
            page,
            c.projects.list(limit=7, cursor=page.next_cursor),
            c.projects.get(P1),
            c.tasks.list(project=P1, limit=3),
            c.tasks.get(c.tasks.list(limit=1).items[0].uid),
            c.datasets.list(data_type="video"),
            c.exports.list(),
            c.request("GET", "/users/me/projects/", params={"limit": 2}),
            list(c.projects.iter(limit=8)),
            list(c.tasks.iter(project=P1, limit=2)),
            list(c.datasets.iter(limit=5)),
        )

    async def main() -> Tuple[Any, ...]:
        async with avala.AsyncClient(KEY, base_url=emu.base_url) as c:
            page = await c.projects.list(limit=7)
            task_uid = (await c.tasks.list(limit=1)).items[0].uid
            return (
                page,
                await c.projects.list(limit=7, cursor=page.next_cursor),
                await c.projects.get(P1),
                await c.tasks.list(project=P1, limit=3),
                await c.tasks.get(task_uid),
                await c.datasets.list(data_type="video"),
                await c.exports.list(),
                await c.request("GET", "/users/me/projects/", params={"limit": 2}),
                [p async for p in c.projects.iter(limit=8)],
                [t async for t in c.tasks.iter(project=P1, limit=2)],
                [d async for d in c.datasets.iter(limit=5)],
            )

    got = run(main)
    assert len(got[8]) == PROJECTS and len(got[9]) == TASKS // PROJECTS and len(got[10]) == DATASETS
    for mine, theirs in zip(got, sync):
        assert type(mine) is type(theirs)
        assert mine == theirs
    for mine, theirs in zip(got[0].items + got[8], sync[0].items + sync[8]):
        assert type(mine) is type(theirs) and mine.to_dict() == theirs.to_dict()


def test_writes_and_the_export_wait_give_what_the_blocking_client_gives(emu: Emulator, insecure_ok: None) -> None:
    def shape(model: Any) -> Dict[str, Any]:
        """A created object's fields, without what differs between two creations."""
        return {k: v for k, v in model.to_dict().items() if k not in ("uid", "created_at", "updated_at",
                                                                     "download_url", "secret")}

    with avala.Client(KEY, base_url=emu.base_url) as c:
        polls: List[str] = []
        created = c.exports.create(project=P1)
        export = c.exports.wait(created.uid, interval=0.5, on_progress=lambda e, s: polls.append(e.status or ""))
        agent = c.agents.create(name="same-bot", events=["task.completed"])
        updated = c.agents.update(agent.uid, description="changed")
        answer = c.agents.test(agent.uid)
        runs = c.agents.list_executions(agent.uid)
        c.agents.delete(agent.uid)
        target = c.quality_targets.create(P1, name="n", metric="task_count", threshold=3)
        target_updated = c.quality_targets.update(P1, target.uid, severity="critical")
        evaluations = c.quality_targets.evaluate(P1)
        c.quality_targets.delete(P1, target.uid)
        sync = (created, export, agent, updated, answer, runs, target, target_updated, evaluations, polls)

    async def main() -> Tuple[Any, ...]:
        async with avala.AsyncClient(KEY, base_url=emu.base_url) as c:
            loop_thread = threading.get_ident()
            polls: List[str] = []

            def progress(e: avala.Export, elapsed: float) -> None:
                assert threading.get_ident() == loop_thread
                polls.append(e.status or "")

            created = await c.exports.create(project=P1)
            export = await c.exports.wait(created.uid, interval=0.5, on_progress=progress)
            again = await c.exports.get(created.uid)
            assert again == export
            agent = await c.agents.create(name="same-bot", events=["task.completed"])
            updated = await c.agents.update(agent.uid, description="changed")
            answer = await c.agents.test(agent.uid)
            runs = await c.agents.list_executions(agent.uid)
            assert await c.agents.delete(agent.uid) is None
            with pytest.raises(NotFoundError):
                await c.agents.get(agent.uid)
            target = await c.quality_targets.create(P1, name="n", metric="task_count", threshold=3)
            target_updated = await c.quality_targets.update(P1, target.uid, severity="critical")
            evaluations = await c.quality_targets.evaluate(P1)
            assert await c.quality_targets.delete(P1, target.uid) is None
            with pytest.raises(NotFoundError):
                await c.quality_targets.get(P1, target.uid)
            return (created, export, agent, updated, answer, runs, target, target_updated, evaluations, polls)

    got = run(main)
    assert got[1].status == "exported" and got[1].download_url
    assert got[9] == sync[9] and got[9]  # the same progress reports, on the loop
    assert got[4].keys() == sync[4].keys() and got[4]["success"] is sync[4]["success"] is True
    for i in (0, 1, 2, 3, 6, 7):
        assert type(got[i]) is type(sync[i]) and shape(got[i]) == shape(sync[i])
    assert [r.event_type for r in got[5]] == [r.event_type for r in sync[5]] == ["test"]
    mine = {e.name: (type(e), e.current_value) for e in got[8]}
    theirs = {e.name: (type(e), e.current_value) for e in sync[8]}
    assert mine == theirs


def test_errors_are_the_blocking_clients_classes_and_messages(emu: Emulator, insecure_ok: None) -> None:
    def failure(call: Callable[[], Any]) -> BaseException:
        with pytest.raises(Exception) as info:
            call()
        return info.value

    with avala.Client(KEY, base_url=emu.base_url) as c, avala.Client("wrong", base_url=emu.base_url) as bad:
        sync = [
            failure(lambda: c.projects.get("missing")),
            failure(lambda: c.tasks.get("missing")),
            failure(lambda: bad.projects.list()),
            failure(lambda: list(bad.tasks.iter())),
            failure(lambda: c.projects.get("../admin")),
            failure(lambda: c.agents.create(name="bot", events=["nope"])),
            failure(lambda: c.request("GET", "/nowhere/")),
        ]

    async def failure_async(call: Callable[[], Awaitable[Any]]) -> BaseException:
        with pytest.raises(Exception) as info:
            await call()
        return info.value

    async def walk(client: avala.AsyncClient) -> None:
        async for _ in client.tasks.iter():
            pass

    async def main() -> List[BaseException]:
        async with avala.AsyncClient(KEY, base_url=emu.base_url) as c, \
                avala.AsyncClient("wrong", base_url=emu.base_url) as bad:
            # Refused before sending: raised at once, nothing left on the queue.
            with pytest.raises(InvalidArgumentError):
                await c.tasks.get("a\0b")
            _, lq = _base.loop_queue()
            assert lq.queue.pending() == 0 and lq._waiting == {}
            return [
                await failure_async(lambda: c.projects.get("missing")),
                await failure_async(lambda: c.tasks.get("missing")),
                await failure_async(lambda: bad.projects.list()),
                await failure_async(lambda: walk(bad)),
                await failure_async(lambda: c.projects.get("../admin")),
                await failure_async(lambda: c.agents.create(name="bot", events=["nope"])),
                await failure_async(lambda: c.request("GET", "/nowhere/")),
            ]

    got = run(main)
    kinds = [NotFoundError, NotFoundError, AuthenticationError, AuthenticationError, InvalidArgumentError,
             ValidationError, NotFoundError]
    for mine, theirs, kind in zip(got, sync, kinds):
        assert type(mine) is type(theirs) and isinstance(mine, kind)
        assert str(mine) == str(theirs)
        assert getattr(mine, "status_code", None) == getattr(theirs, "status_code", None)


def test_an_exception_in_on_progress_stops_the_wait_and_propagates(emu: Emulator, insecure_ok: None) -> None:
    async def main() -> None:
        async with avala.AsyncClient(KEY, base_url=emu.base_url) as c:
            slow = await c.request("POST", "/exports/", json={"project": P1, "x_emulator_polls": 1000})

            def give_up(export: avala.Export, elapsed: float) -> None:
                raise LookupError(f"gave up at {export.status}")

            with pytest.raises(LookupError, match="gave up at"):
                await c.exports.wait(slow["uid"], interval=0.5, timeout=60, on_progress=give_up)

    run(main)


# ---- concurrency without threads ---------------------------------------------------


def test_64_concurrent_gets_from_one_thread_need_no_thread_each(faulty: Emulator, no_rules: None,
                                                               insecure_ok: None) -> None:
    with avala.Client(KEY, base_url=faulty.base_url) as c:
        uids = [p.uid for p in c.projects.list(limit=64).items]
        expected = [c.projects.get(u) for u in uids]
    faulty.add_fault(method="GET", path="/api/v1/users/me/projects/*", fault="delay", ms=300)

    async def main() -> Tuple[List[avala.Project], int, int]:
        async with avala.AsyncClient(KEY, base_url=faulty.base_url) as c:
            await c.projects.get(uids[0])  # the engine's thread is running from here on
            before = threads()
            calls = [asyncio.ensure_future(c.projects.get(u)) for u in uids]
            await asyncio.sleep(0)  # every task has started its call
            during = threads()
            return await asyncio.gather(*calls), before, during

    got, before, during = run(main)
    assert got == expected
    assert during <= before + 1  # the queue's thread, if any: nothing per call
    assert during < 8


class Silent:
    """A hand-played server: accepts every connection, reads what arrives and
    never answers; counts connections accepted and connections the client
    closed (EOF or reset), and signals each through a condition."""

    def __init__(self, backlog: int = 128) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(backlog)
        self.url = "http://127.0.0.1:%d/api/v1" % self.sock.getsockname()[1]
        self.accepted = 0
        self.closed = 0
        self.changed = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        poller = select.poll()
        poller.register(self.sock, select.POLLIN)
        conns: Dict[int, socket.socket] = {}
        while not self._stop:
            for fd, _ in poller.poll(100):
                if fd == self.sock.fileno():
                    try:
                        conn, _ = self.sock.accept()
                    except OSError:
                        continue
                    conns[conn.fileno()] = conn
                    poller.register(conn, select.POLLIN)
                    with self.changed:
                        self.accepted += 1
                        self.changed.notify_all()
                    continue
                conn = conns[fd]
                try:
                    data = conn.recv(65536)
                except OSError:
                    data = b""
                if not data:
                    poller.unregister(fd)
                    del conns[fd]
                    conn.close()
                    with self.changed:
                        self.closed += 1
                        self.changed.notify_all()
        for conn in conns.values():
            conn.close()

    def wait_for(self, what: Callable[[], bool], timeout: float = 10) -> bool:
        with self.changed:
            return self.changed.wait_for(what, timeout)

    async def until(self, what: Callable[[], bool]) -> None:
        """Waits (without blocking the loop) until `what` holds, at most 10 s."""
        for _ in range(1000):
            with self.changed:
                if what():
                    return
            await asyncio.sleep(0.01)
        raise AssertionError("the silent server never saw it")

    def stop(self) -> None:
        self._stop = True
        self._thread.join()
        self.sock.close()


@pytest.fixture
def silent() -> Iterator[Silent]:
    s = Silent()
    yield s
    s.stop()


def raise_fd_limit(needed: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft >= needed:
        return
    if hard != resource.RLIM_INFINITY and hard < needed:
        pytest.skip(f"needs {needed} file descriptors, the hard limit is {hard}")
    resource.setrlimit(resource.RLIMIT_NOFILE, (needed, hard))


def test_1000_calls_in_flight_from_one_thread_and_the_threads_stay_few(insecure_ok: None) -> None:
    n = 1000
    # Per call: the client's socket and cancel handle's eventfd, the server's socket.
    raise_fd_limit(3 * n + 256)
    server = Silent(backlog=n + 24)
    try:

        async def main() -> Tuple[int, int]:
            async with avala.AsyncClient(KEY, base_url=server.url, timeout=60.0) as c:
                first = asyncio.ensure_future(c.projects.get("p0"))
                await server.until(lambda: server.accepted >= 1)  # the engine's thread is running
                before = threads()
                calls = [first] + [asyncio.ensure_future(c.projects.get(f"p{i}")) for i in range(1, n)]
                await server.until(lambda: server.accepted >= n)  # every call is in flight
                during = threads()
                for call in calls:
                    call.cancel()
                await server.until(lambda: server.closed >= n)  # and every connection closed at once
                results = await asyncio.gather(*calls, return_exceptions=True)
                assert all(isinstance(r, asyncio.CancelledError) for r in results)
                return before, during

        before, during = run(main)
        assert during <= before + 1
        assert during < 8
    finally:
        server.stop()


# ---- cancellation ----------------------------------------------------------------


CALLS: Dict[str, Callable[[avala.AsyncClient], Awaitable[Any]]] = {
    "get": lambda c: c.projects.get("p1"),
    "list": lambda c: c.tasks.list(project="p1"),
    "create": lambda c: c.agents.create(name="bot"),
    "request": lambda c: c.request("GET", "/users/me/projects/"),
    "export wait": lambda c: c.exports.wait("e1", interval=0.5, timeout=120),
}


async def _walk(c: avala.AsyncClient) -> None:
    async for _ in c.projects.iter():
        pass


CALLS["async for"] = _walk


@pytest.mark.parametrize("name", list(CALLS))
def test_cancelling_a_task_closes_its_connection_at_once(silent: Silent, insecure_ok: None, name: str) -> None:
    async def main() -> int:
        async with avala.AsyncClient(KEY, base_url=silent.url, timeout=60.0) as c:
            task = asyncio.ensure_future(CALLS[name](c))
            await silent.until(lambda: silent.accepted == 1)  # the request is in flight; never answered
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task
            await silent.until(lambda: silent.closed == 1)  # the server saw the connection close
            _, lq = _base.loop_queue()
            await silent.until(lambda: lq.queue.pending() == 0)  # the cancelled completion came, and was dropped
            return len(lq._waiting)

    assert run(main) == 0


def test_asyncio_run_returns_when_main_cancels_its_hung_calls(silent: Silent, insecure_ok: None) -> None:
    async def main() -> None:
        async with avala.AsyncClient(KEY, base_url=silent.url, timeout=600.0) as c:
            calls = [asyncio.ensure_future(CALLS[name](c)) for name in CALLS]
            await silent.until(lambda: silent.accepted == len(calls))
            for call in calls:
                call.cancel()
            await asyncio.gather(*calls, return_exceptions=True)

    run(main)
    assert silent.wait_for(lambda: silent.closed == len(CALLS))


CHILD = textwrap.dedent(
    """
    import asyncio, sys
    sys.path[:0] = {path!r}
    import avala

    async def main():
        client = avala.AsyncClient(api_key="k", base_url={url!r}, timeout=600.0)
        for i in range({n}):
            asyncio.ensure_future(client.projects.get("p%d" % i))
        asyncio.ensure_future(client.projects.iter().__anext__())
        await asyncio.sleep(0)
        print("started", flush=True)
        sys.stdin.readline()  # the test says when every request is in flight
        # main returns: asyncio.run() cancels the hung tasks

    asyncio.run(main())
    print("returned", flush=True)
    """
)


def test_asyncio_run_returns_when_main_leaves_hung_calls_behind(silent: Silent) -> None:
    n = 8
    env = dict(os.environ, AVALA_ALLOW_INSECURE_BASE_URL="1")
    code = CHILD.format(path=[p for p in sys.path if p], url=silent.url, n=n)
    proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                            env=env)
    try:
        assert proc.stdout is not None and proc.stdin is not None
        assert proc.stdout.readline().strip() == "started"
        assert silent.wait_for(lambda: silent.accepted == n + 1)
        proc.stdin.write("go\n")
        proc.stdin.flush()
        # The calls would wait 600 s for their answers: a process that
        # exits has cancelled them.
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0 and out.strip() == "returned"
        assert silent.wait_for(lambda: silent.closed == n + 1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# ---- iteration ----------------------------------------------------------------------


def test_items_already_fetched_come_without_a_loop_round_trip(emu: Emulator, insecure_ok: None) -> None:
    async def main() -> Tuple[int, int, int]:
        async with avala.AsyncClient(KEY, base_url=emu.base_url) as c:
            turns = 0
            stop = False

            async def ticker() -> None:
                nonlocal turns
                while not stop:
                    turns += 1
                    await asyncio.sleep(0)

            tick = asyncio.ensure_future(ticker())
            await asyncio.sleep(0)
            items = round_trips = 0
            pages = c.projects.iter(limit=10)
            while True:
                seen = turns
                try:
                    await pages.__anext__()
                except StopAsyncIteration:
                    break
                items += 1
                round_trips += turns != seen
            stop = True
            await tick
            return items, round_trips, turns

    items, round_trips, _ = run(main)
    assert items == PROJECTS
    # A round trip only when a page had to come from the network (3 pages,
    # the later ones read ahead): every other item was there already.
    assert 1 <= round_trips <= PROJECTS // 10 + 1


def test_the_loop_keeps_running_while_a_page_is_fetched(faulty: Emulator, no_rules: None, insecure_ok: None) -> None:
    faulty.add_fault(method="GET", path="/api/v1/users/me/projects/*", fault="delay", ms=100)

    async def main() -> Tuple[int, int]:
        async with avala.AsyncClient(KEY, base_url=faulty.base_url) as c:
            turns = 0
            stop = False

            async def ticker() -> None:
                nonlocal turns
                while not stop:
                    turns += 1
                    await asyncio.sleep(0)

            tick = asyncio.ensure_future(ticker())
            count = 0
            async for _ in c.projects.iter(limit=50):
                count += 1
            stop = True
            await tick
            return count, turns

    count, turns = run(main)
    assert count == 250
    # 5 pages, each delayed 100 ms: a fetch that blocked the loop would let
    # the ticker run about once per page; counted in turns, not time.
    assert turns >= 5 * 20


def test_an_async_iterator_made_outside_a_loop_starts_in_the_loop_it_is_used_in(
    emu: Emulator, insecure_ok: None
) -> None:
    client = avala.AsyncClient(KEY, base_url=emu.base_url)
    pages = client.projects.iter(limit=100)

    async def main() -> List[str]:
        return [p.uid async for p in pages]

    assert len(run(main)) == PROJECTS
    asyncio.run(client.close())


def test_an_async_iterator_refuses_another_loop(emu: Emulator, insecure_ok: None) -> None:
    client = avala.AsyncClient(KEY, base_url=emu.base_url)
    holder: Dict[str, Any] = {}

    async def make() -> None:
        holder["it"] = client.projects.iter(limit=5)

    async def use() -> None:
        with pytest.raises(RuntimeError, match="event loop it was made in"):
            await holder["it"].__anext__()

    run(make)
    run(use)
    asyncio.run(client.close())


def test_a_closed_async_client_raises_at_the_call(emu: Emulator, insecure_ok: None) -> None:
    async def main() -> Optional[str]:
        client = avala.AsyncClient(KEY, base_url=emu.base_url)
        await client.close()
        with pytest.raises(RuntimeError, match="closed"):
            await client.projects.get(P1)
        return None

    run(main)
