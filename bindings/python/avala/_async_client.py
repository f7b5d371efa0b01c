"""Asynchronous Avala client."""

from __future__ import annotations

import functools
from types import TracebackType
from typing import Any, Mapping, Optional, Type

from avala._client import Client, RateLimitInfo
from avala.resources._base import run_cancellable
from avala.resources.agents import AsyncAgents
from avala.resources.datasets import AsyncDatasets
from avala.resources.exports import AsyncExports
from avala.resources.projects import AsyncProjects
from avala.resources.quality_targets import AsyncQualityTargets
from avala.resources.tasks import AsyncTasks

__all__ = ["AsyncClient"]


class AsyncClient:
    """Asynchronous client for the Avala API: the same calls as :class:`~avala.Client`,
    as awaitables.

    Each blocking call runs in the event loop's default executor (a thread
    pool; the GIL is released during I/O), so the loop is never blocked.
    Cancelling an awaiting task stops its request at once — the request in
    flight, a retry's backoff, an export poll: the connection is closed and
    the executor thread is free again (each call carries a cancel handle of
    its own, fired on cancellation). With ``rate_limit=True`` a call waiting
    for the rate-limit window holds an executor thread, not the loop.
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        rate_limit: bool = False,
    ) -> None:
        self._client = Client(
            api_key, base_url=base_url, timeout=timeout, max_retries=max_retries, rate_limit=rate_limit
        )
        c = self._client
        self.projects = AsyncProjects(c.projects)
        self.tasks = AsyncTasks(c.tasks)
        self.exports = AsyncExports(c.exports)
        self.agents = AsyncAgents(c.agents)
        self.quality_targets = AsyncQualityTargets(c.quality_targets)
        self.datasets = AsyncDatasets(c.datasets)

    @property
    def base_url(self) -> str:
        return self._client.base_url

    @property
    def rate_limit_info(self) -> RateLimitInfo:
        """Rate-limit headers from the last API response (see :class:`~avala.RateLimitInfo`)."""
        return self._client.rate_limit_info

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
    ) -> Any:
        """See :meth:`avala.Client.request`."""
        call = functools.partial(self._client.request, method, path, params=params, json=json)
        return await run_cancellable(call)

    async def close(self) -> None:
        self._client.close()

    @property
    def closed(self) -> bool:
        return self._client.closed

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        state = ", closed" if self._client.closed else ""
        return f"<avala.AsyncClient base_url={self._client.base_url!r}{state}>"
