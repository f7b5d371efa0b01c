"""Asynchronous Avala client."""

from __future__ import annotations

from types import TracebackType
from typing import Any, Mapping, Optional, Type

from avala._client import Client, RateLimitInfo, _request
from avala.resources._base import AsyncCaller, started
from avala.resources.agents import Agents, AsyncAgents
from avala.resources.datasets import AsyncDatasets, Datasets
from avala.resources.exports import AsyncExports, Exports
from avala.resources.projects import AsyncProjects, Projects
from avala.resources.quality_targets import AsyncQualityTargets, QualityTargets
from avala.resources.tasks import AsyncTasks, Tasks

__all__ = ["AsyncClient"]


class AsyncClient:
    """Asynchronous client for the Avala API: the same calls as :class:`~avala.Client`,
    as awaitables.

    Every call runs on libavala's asynchronous C ABI: it is started on the
    client's engine and completes on the event loop's completion queue (one
    per loop, watched with ``add_reader``), so any number of calls can be in
    flight from one thread and no executor thread is used. Cancelling an
    awaiting task stops its request at once — the request in flight, a
    retry's backoff, an export poll, a rate-limit wait: its connection is
    closed (each call carries a cancel handle of its own, fired on
    cancellation).
    """

    def __init__(
        self,
        api_key: Optional[str] = None,
        *,
        base_url: Optional[str] = None,
        timeout: float = 30.0,
        max_retries: int = 2,
        rate_limit: bool = False,
        ca_file: Optional[str] = None,
        ca_dir: Optional[str] = None,
        client_cert: Optional[str] = None,
        client_key: Optional[str] = None,
        client_key_password: Optional[str] = None,
        proxy: Optional[str] = None,
        no_proxy: Optional[str] = None,
        trust_env: bool = True,
        compression: bool = True,
    ) -> None:
        """The same arguments as :class:`~avala.Client`."""
        self._client = Client(
            api_key, base_url=base_url, timeout=timeout, max_retries=max_retries, rate_limit=rate_limit,
            ca_file=ca_file, ca_dir=ca_dir, client_cert=client_cert, client_key=client_key,
            client_key_password=client_key_password, proxy=proxy, no_proxy=no_proxy, trust_env=trust_env,
            compression=compression,
        )
        self._caller = c = AsyncCaller(self._client)
        self.projects = AsyncProjects(Projects(c))
        self.tasks = AsyncTasks(Tasks(c))
        self.exports = AsyncExports(Exports(c))
        self.agents = AsyncAgents(Agents(c))
        self.quality_targets = AsyncQualityTargets(QualityTargets(c))
        self.datasets = AsyncDatasets(Datasets(c))

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
        return await started(_request(self._caller, method, path, params, json))

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
