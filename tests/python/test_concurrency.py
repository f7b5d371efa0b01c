"""The GIL is released during I/O, and AsyncClient never blocks the event loop."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any, List

import pytest

import avala
from avala.errors import AuthenticationError, NotFoundError

from conftest import KEY, Emulator, Ticker

SLOW = "/__emulator/slow?ms=500"


def test_two_threads_overlap_during_slow_calls(client: avala.Client) -> None:
    results: List[Any] = []
    errors: List[BaseException] = []

    def call() -> None:
        try:
            results.append(client.request("GET", SLOW))
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    t0 = time.monotonic()
    client.request("GET", SLOW)
    single = time.monotonic() - t0
    assert single >= 0.5

    threads = [threading.Thread(target=call) for _ in range(2)]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - t0
    assert not errors
    assert results == [{"slept_ms": 500}] * 2
    assert elapsed < 0.9, f"two 500 ms calls took {elapsed:.2f} s: the GIL was held"


def test_python_threads_keep_running_during_a_call(client: avala.Client) -> None:
    with Ticker() as ticker:
        client.request("GET", SLOW)
    assert ticker.ticks >= 20


def test_many_threads_share_one_client(client: avala.Client) -> None:
    seen: List[str] = []
    lock = threading.Lock()

    def work(offset: int) -> None:
        page = client.projects.list(limit=25, cursor=None if offset == 0 else cursors[offset])
        with lock:
            seen.extend(p.uid for p in page)

    cursors = [None]
    page = client.projects.list(limit=25)
    while page.has_more:
        cursors.append(page.next_cursor)  # type: ignore[arg-type]
        page = client.projects.list(limit=25, cursor=page.next_cursor)
    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(cursors))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 250 and len(set(seen)) == 250


def async_client(emulator: Emulator) -> avala.AsyncClient:
    return avala.AsyncClient(KEY, base_url=emulator.base_url)


def test_async_calls_run_concurrently_and_never_block_the_loop(emulator: Emulator, insecure_ok: None) -> None:
    async def main() -> None:
        ticks = 0
        stop = asyncio.Event()

        async def ticker() -> None:
            nonlocal ticks
            while not stop.is_set():
                ticks += 1
                await asyncio.sleep(0.01)

        async with async_client(emulator) as client:
            tick_task = asyncio.create_task(ticker())
            t0 = time.monotonic()
            results = await asyncio.gather(client.request("GET", SLOW), client.request("GET", SLOW))
            elapsed = time.monotonic() - t0
            stop.set()
            await tick_task
        assert results == [{"slept_ms": 500}] * 2
        assert elapsed < 0.9, f"two concurrent 500 ms calls took {elapsed:.2f} s"
        assert ticks >= 20, f"the event loop ticked only {ticks} times in {elapsed:.2f} s"
        assert client.closed

    asyncio.run(main())


def test_async_projects_list_get_and_iter(emulator: Emulator, insecure_ok: None) -> None:
    async def main() -> None:
        async with async_client(emulator) as client:
            page, first = await asyncio.gather(client.projects.list(limit=10), client.projects.list(limit=1))
            assert len(page) == 10 and page.has_more
            got = await client.projects.get(first.items[0].uid)
            assert got == first.items[0] == page.items[0]
            uids = [p.uid async for p in client.projects.iter(limit=64)]
            assert len(uids) == 250 and len(set(uids)) == 250
            with pytest.raises(NotFoundError):
                await client.projects.get("missing")
            with pytest.raises(ValueError):
                await client.projects.get("../admin")
            assert client.rate_limit_info.limit == 100

    asyncio.run(main())


def test_async_errors_are_the_same_classes(emulator: Emulator, insecure_ok: None) -> None:
    async def main() -> None:
        async with avala.AsyncClient("wrong", base_url=emulator.base_url) as client:
            with pytest.raises(AuthenticationError):
                await client.projects.list()
            with pytest.raises(AuthenticationError):
                async for _ in client.projects.iter():
                    pass

    asyncio.run(main())


def test_async_client_configuration_errors_are_raised_at_construction() -> None:
    with pytest.raises(ValueError, match="No API key"):
        avala.AsyncClient()
