"""Tasks resource."""

from __future__ import annotations

from typing import Optional

from avala._pagination import CursorPage
from avala.resources._base import AsyncModelIterator, AsyncResource, ModelIterator, SyncResource, filters, started
from avala.types.task import Task

__all__ = ["Tasks", "AsyncTasks"]


class Tasks(SyncResource):
    """``client.tasks``: annotation tasks, filtered by project and status."""

    def list(
        self,
        *,
        project: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> CursorPage[Task]:
        """One page of tasks, optionally only those of ``project`` (a uid)
        and/or with ``status``."""
        return self._page(Task, "tasks", None, limit, cursor, filters(project=project, status=status))

    def get(self, uid: str) -> Task:
        return self._get(Task, "tasks", None, uid)

    def iter(
        self,
        *,
        project: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> ModelIterator[Task]:
        """Lazily yields every matching task across all pages; the filters
        hold on every page. Not in the official SDK."""
        return self._iter(Task, "tasks", None, limit, cursor, filters(project=project, status=status))


class AsyncTasks(AsyncResource[Tasks]):
    """``client.tasks`` of an :class:`~avala.AsyncClient`."""

    async def list(
        self,
        *,
        project: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> CursorPage[Task]:
        return await started(self._sync.list(project=project, status=status, limit=limit, cursor=cursor))

    async def get(self, uid: str) -> Task:
        return await started(self._sync.get(uid))

    def iter(
        self,
        *,
        project: Optional[str] = None,
        status: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> AsyncModelIterator[Task]:
        return AsyncModelIterator(lambda: self._sync.iter(project=project, status=status, limit=limit, cursor=cursor))
