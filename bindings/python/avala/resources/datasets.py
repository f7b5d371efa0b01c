"""Datasets resource (read side)."""

from __future__ import annotations

from typing import Optional

from avala._pagination import CursorPage
from avala.resources._base import AsyncModelIterator, AsyncResource, ModelIterator, SyncResource, filters, started
from avala.types.dataset import Dataset

__all__ = ["Datasets", "AsyncDatasets"]


class Datasets(SyncResource):
    """``client.datasets``: datasets, filtered by data type, name, status, visibility."""

    def list(
        self,
        *,
        data_type: Optional[str] = None,
        name: Optional[str] = None,
        status: Optional[str] = None,
        visibility: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> CursorPage[Dataset]:
        query = filters(data_type=data_type, name=name, status=status, visibility=visibility)
        return self._page(Dataset, "datasets", None, limit, cursor, query)

    def get(self, uid: str) -> Dataset:
        return self._get(Dataset, "datasets", None, uid)

    def iter(
        self,
        *,
        data_type: Optional[str] = None,
        name: Optional[str] = None,
        status: Optional[str] = None,
        visibility: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> ModelIterator[Dataset]:
        """Lazily yields every matching dataset across all pages. Not in the official SDK."""
        query = filters(data_type=data_type, name=name, status=status, visibility=visibility)
        return self._iter(Dataset, "datasets", None, limit, cursor, query)


class AsyncDatasets(AsyncResource[Datasets]):
    """``client.datasets`` of an :class:`~avala.AsyncClient`."""

    async def list(
        self,
        *,
        data_type: Optional[str] = None,
        name: Optional[str] = None,
        status: Optional[str] = None,
        visibility: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> CursorPage[Dataset]:
        return await started(
            self._sync.list(
                data_type=data_type,
                name=name,
                status=status,
                visibility=visibility,
                limit=limit,
                cursor=cursor,
            )
        )

    async def get(self, uid: str) -> Dataset:
        return await started(self._sync.get(uid))

    def iter(
        self,
        *,
        data_type: Optional[str] = None,
        name: Optional[str] = None,
        status: Optional[str] = None,
        visibility: Optional[str] = None,
        limit: Optional[int] = None,
        cursor: Optional[str] = None,
    ) -> AsyncModelIterator[Dataset]:
        return AsyncModelIterator(
            lambda: self._sync.iter(
                data_type=data_type, name=name, status=status, visibility=visibility, limit=limit, cursor=cursor
            )
        )
