"""Cursor-based pagination support."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, Iterator, List, Optional, TypeVar

T = TypeVar("T")

__all__ = ["CursorPage"]


@dataclass
class CursorPage(Generic[T]):
    """A single page of results from a paginated API endpoint.

    Same shape as the official SDK's: ``items``, ``next_cursor``,
    ``previous_cursor``, ``has_more``; iterable and sized. Pass
    ``next_cursor`` back as ``cursor=`` to get the next page.
    """

    items: List[T] = field(default_factory=list)
    next_cursor: Optional[str] = None
    previous_cursor: Optional[str] = None
    # What the server said about a next page when it sent a `next` link with
    # no cursor in it; None means "judge by next_cursor" as the official SDK does.
    _has_more: Optional[bool] = field(default=None, repr=False, compare=False)

    @property
    def has_more(self) -> bool:
        if self._has_more is not None:
            return self._has_more
        return self.next_cursor is not None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)
