"""Projects resource."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING, AsyncIterator, Deque, Iterator, List, Optional

from avala._pagination import CursorPage
from avala.errors import InvalidArgumentError
from avala.types.project import Project

if TYPE_CHECKING:
    from avala import _avala
    from avala._client import Client

__all__ = ["Projects", "AsyncProjects", "ProjectIterator", "AsyncProjectIterator"]

_MAX_LIMIT = 2**31 - 1
_SERVER_DEFAULT_PAGE = 100  # the API's default page size (API_CONTRACT.md)


def _limit(limit: Optional[int]) -> int:
    """0 asks libavala for the server's default page size."""
    if limit is None:
        return 0
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be an int or None, not {type(limit).__name__}")
    if not 1 <= limit <= _MAX_LIMIT:
        raise InvalidArgumentError(f"limit must be between 1 and {_MAX_LIMIT}, got {limit}")
    return limit


def _cursor(cursor: Optional[str]) -> Optional[str]:
    if cursor is not None and not isinstance(cursor, str):
        raise TypeError(f"cursor must be a str or None, not {type(cursor).__name__}")
    return cursor


def _uid(uid: str) -> str:
    if not isinstance(uid, str):
        raise TypeError(f"uid must be a str, not {type(uid).__name__}")
    return uid


class ProjectIterator(Iterator[Project]):
    """Every project across pages, fetched lazily: the next page is requested
    only when the current one is used up, so memory stays one page. Use from
    one thread at a time. Made by ``client.projects.iter()``."""

    def __init__(self, native: _avala.ProjectIter, batch: int) -> None:
        self._native = native
        self._batch = batch
        self._buffer: Deque[_avala.Project] = deque()

    def __iter__(self) -> ProjectIterator:
        return self

    def __next__(self) -> Project:
        if not self._buffer:
            # Releases the GIL while pages are fetched.
            self._buffer.extend(self._native.take(self._batch))
            if not self._buffer:
                raise StopIteration
        return Project._from_native(self._buffer.popleft())


class AsyncProjectIterator(AsyncIterator[Project]):
    """``async for`` over every project; pages are fetched in the event loop's
    default executor, so the loop is never blocked."""

    def __init__(self, native: _avala.ProjectIter, batch: int) -> None:
        self._native = native
        self._batch = batch
        self._buffer: Deque[_avala.Project] = deque()

    def __aiter__(self) -> AsyncProjectIterator:
        return self

    async def __anext__(self) -> Project:
        if not self._buffer:
            loop = asyncio.get_running_loop()
            items: List[_avala.Project] = await loop.run_in_executor(None, self._native.take, self._batch)
            self._buffer.extend(items)
            if not self._buffer:
                raise StopAsyncIteration
        return Project._from_native(self._buffer.popleft())


class Projects:
    """``client.projects``: the API key owner's projects (``/users/me/projects/``)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> CursorPage[Project]:
        """One page of projects. ``limit`` is the page size (server default 100);
        pass a page's ``next_cursor`` as ``cursor`` to get the next one."""
        native = self._client._handle()
        items, next_cursor, previous_cursor, has_more = native.project_list_page(_limit(limit), _cursor(cursor))
        return CursorPage(
            items=[Project._from_native(p) for p in items],
            next_cursor=next_cursor,
            previous_cursor=previous_cursor,
            _has_more=has_more,
        )

    def get(self, uid: str) -> Project:
        """One project by uid. An unsafe uid (``""``, ``".."``, containing ``/``...)
        raises :class:`~avala.errors.InvalidArgumentError` (a ``ValueError``)
        and nothing is sent."""
        return Project._from_native(self._client._handle().project_get(_uid(uid)))

    def iter(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> ProjectIterator:
        """Lazily yields every project across all pages (``limit`` = page size).
        Not in the official SDK."""
        page_size = _limit(limit)
        native = self._client._handle().project_iter(page_size, _cursor(cursor))
        return ProjectIterator(native, page_size or _SERVER_DEFAULT_PAGE)


class AsyncProjects:
    """``client.projects`` of an :class:`~avala.AsyncClient`: the same calls as awaitables."""

    def __init__(self, client: Client) -> None:
        self._client = client
        self._sync = Projects(client)

    async def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> CursorPage[Project]:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, lambda: self._sync.list(limit=limit, cursor=cursor))

    async def get(self, uid: str) -> Project:
        _uid(uid)
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, self._sync.get, uid)

    def iter(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncProjectIterator:
        """``async for project in client.projects.iter(): ...`` (creating it sends nothing)."""
        page_size = _limit(limit)
        native = self._client._handle().project_iter(page_size, _cursor(cursor))
        return AsyncProjectIterator(native, page_size or _SERVER_DEFAULT_PAGE)
