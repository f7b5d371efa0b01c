"""Client(rate_limit=True): against an emulator that enforces a scaled-down
window (20 requests per 2 s), a loop that would collect 429s waits for the
window instead -- and without the option the same loop does get 429s, which
proves the window is really enforced."""

from __future__ import annotations

import asyncio
import time
from typing import Iterator, Tuple

import pytest

import avala
from avala.errors import NotFoundError, RateLimitError

from conftest import Emulator

KEY = "py-rate-limit-key-9d04b7e2"
REQUESTS, PER_WINDOW, WINDOW_S = 60, 20, 2
UNKNOWN = "00000000-0000-4000-8000-00000000ffff"  # a 404 still counts and carries the headers


@pytest.fixture
def windowed(insecure_ok: None) -> Iterator[Emulator]:
    """A fresh emulator per test: its window's budget is per key and global."""
    e = Emulator("--generate", "projects=5", "--rate-limit", f"{PER_WINDOW}/{WINDOW_S}s", key=KEY)
    try:
        yield e
    finally:
        e.stop()


def hammer(client: avala.Client) -> Tuple[int, int]:
    """REQUESTS gets of an unknown project: (429s, 404s)."""
    limited = missing = 0
    for _ in range(REQUESTS):
        try:
            client.projects.get(UNKNOWN)
        except RateLimitError:
            limited += 1
        except NotFoundError:
            missing += 1
    return limited, missing


def test_with_rate_limit_on_a_loop_waits_for_the_window_instead_of_getting_429s(windowed: Emulator) -> None:
    with avala.Client(api_key=KEY, base_url=windowed.base_url, max_retries=0, rate_limit=True) as client:
        start = time.monotonic()
        limited, missing = hammer(client)
        elapsed = time.monotonic() - start
        assert client.rate_limit_info.limit == PER_WINDOW
    assert (limited, missing) == (0, REQUESTS)
    # 60 requests need three windows: at least the whole second one was waited
    # out, and no more than the windows themselves (plus slack) was spent.
    assert WINDOW_S * 0.9 <= elapsed <= (REQUESTS // PER_WINDOW) * WINDOW_S + 4, f"{elapsed:.2f} s"


def test_without_rate_limit_the_same_loop_runs_into_429s(windowed: Emulator) -> None:
    with avala.Client(api_key=KEY, base_url=windowed.base_url, max_retries=0) as client:
        limited, missing = hammer(client)
    assert limited > 0 and missing >= PER_WINDOW
    assert limited + missing == REQUESTS


def test_async_client_takes_rate_limit_too(windowed: Emulator) -> None:
    async def run() -> Tuple[int, int]:
        limited = missing = 0
        async with avala.AsyncClient(api_key=KEY, base_url=windowed.base_url, max_retries=0, rate_limit=True) as c:
            for _ in range(PER_WINDOW + 10):
                try:
                    await c.projects.get(UNKNOWN)
                except RateLimitError:
                    limited += 1
                except NotFoundError:
                    missing += 1
        return limited, missing

    assert asyncio.run(run()) == (0, PER_WINDOW + 10)


def test_rate_limit_must_be_a_bool(insecure_ok: None) -> None:
    with pytest.raises(TypeError, match="rate_limit"):
        avala.Client(api_key=KEY, base_url="http://127.0.0.1:9/api/v1", rate_limit="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="rate_limit"):
        avala.AsyncClient(api_key=KEY, base_url="http://127.0.0.1:9/api/v1", rate_limit=1)  # type: ignore[arg-type]
    # Off by default, and both spellings construct.
    avala.Client(api_key=KEY, base_url="http://127.0.0.1:9/api/v1", rate_limit=False).close()
    avala.Client(api_key=KEY, base_url="http://127.0.0.1:9/api/v1", rate_limit=True).close()
