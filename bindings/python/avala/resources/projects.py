"""Projects resource."""

from __future__ import annotations

from typing import Optional

from avala._pagination import CursorPage
from avala.resources._base import (
    SERVER_DEFAULT_PAGE,
    AsyncModelIterator,
    AsyncResource,
    ModelIterator,
    SyncResource,
    check_limit,
    check_str,
    check_uid,
    started,
    to_page,
)
from avala.types.project import Project

__all__ = ["Projects", "AsyncProjects", "ProjectIterator", "AsyncProjectIterator"]


class ProjectIterator(ModelIterator[Project]):
    """Every project across pages, fetched lazily (``client.projects.iter()``)."""


class AsyncProjectIterator(AsyncModelIterator[Project]):
    """``async for`` over every project (``AsyncClient.projects.iter()``)."""


class Projects(SyncResource):
    """``client.projects``: the API key owner's projects (``/users/me/projects/``).

    Projects have their own typed C API (``avala_project_*``), so this
    resource calls it directly rather than through the generic routes."""

    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> CursorPage[Project]:
        """One page of projects. ``limit`` is the page size (server default 100);
        pass a page's ``next_cursor`` as ``cursor`` to get the next one."""
        size, start = check_limit(limit), check_str("cursor", cursor)
        return self._call(lambda n: n.project_list_page(size, start), lambda page: to_page(Project, page))

    def get(self, uid: str) -> Project:
        """One project by uid. An unsafe uid (``""``, ``".."``, containing ``/``...)
        raises :class:`~avala.errors.InvalidArgumentError` (a ``ValueError``)
        and nothing is sent."""
        uid = check_uid(uid)
        return self._call(lambda n: n.project_get(uid), Project._from_native)

    def iter(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> ProjectIterator:
        """Lazily yields every project across all pages (``limit`` = page size).
        Not in the official SDK."""
        size, start = check_limit(limit), check_str("cursor", cursor)
        return self._iterate(
            lambda n: n.project_iter(size, start),
            lambda native: ProjectIterator(native, size or SERVER_DEFAULT_PAGE, Project),
        )


class AsyncProjects(AsyncResource[Projects]):
    """``client.projects`` of an :class:`~avala.AsyncClient`: the same calls as awaitables."""

    async def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> CursorPage[Project]:
        return await started(self._sync.list(limit=limit, cursor=cursor))

    async def get(self, uid: str) -> Project:
        return await started(self._sync.get(uid))

    def iter(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncProjectIterator:
        """``async for project in client.projects.iter(): ...`` (creating it sends nothing)."""
        return AsyncProjectIterator(lambda: self._sync.iter(limit=limit, cursor=cursor))
