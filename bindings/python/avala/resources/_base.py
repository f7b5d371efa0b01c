"""What every resource shares: argument checks, the lazy all-pages iterators,
and the generic calls into the extension.

Sync resources do the work; each async resource wraps its sync twin and runs
the same method in the event loop's default executor, so parameters are
checked and built in exactly one place.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    Generic,
    Iterator,
    List,
    Optional,
    Protocol,
    Tuple,
    Type,
    TypeVar,
)

from avala import _avala
from avala._pagination import CursorPage
from avala.errors import InvalidArgumentError
from avala.types._model import Model

if TYPE_CHECKING:
    from avala._client import Client

__all__ = ["ModelIterator", "AsyncModelIterator"]

M = TypeVar("M", bound=Model)
R = TypeVar("R")
S = TypeVar("S", bound="SyncResource")

_MAX_LIMIT = 2**31 - 1
SERVER_DEFAULT_PAGE = 100  # the API's default page size (API_CONTRACT.md)


# ---- argument checks (nothing is sent when one fails) ----------------------


def check_limit(limit: Optional[int]) -> int:
    """0 asks libavala for the server's default page size."""
    if limit is None:
        return 0
    if isinstance(limit, bool) or not isinstance(limit, int):
        raise TypeError(f"limit must be an int or None, not {type(limit).__name__}")
    if not 1 <= limit <= _MAX_LIMIT:
        raise InvalidArgumentError(f"limit must be between 1 and {_MAX_LIMIT}, got {limit}")
    return limit


def check_str(name: str, value: Optional[str]) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    return value


def check_uid(uid: str, name: str = "uid") -> str:
    if not isinstance(uid, str):
        raise TypeError(f"{name} must be a str, not {type(uid).__name__}")
    return uid


def filters(**values: Optional[str]) -> List[Tuple[str, str]]:
    """Query filters for a list call: the given ones, as (name, value) pairs."""
    query: List[Tuple[str, str]] = []
    for name, value in values.items():
        check_str(name, value)
        if value is not None:
            query.append((name, value))
    return query


def body(**fields: Any) -> str:
    """A create/update body: the given fields only (``None`` = not given), as JSON.
    libavala checks names and types before sending anything."""
    given = {}
    for key, value in fields.items():
        if value is None:
            continue
        if isinstance(value, (tuple, set, frozenset)):
            value = list(value)
        given[key] = value
    return json.dumps(given)


# ---- iterators -----------------------------------------------------------------


class _NativeIter(Protocol):
    def take(self, n: int, model: Type[M]) -> List[M]: ...


class ModelIterator(_avala.Batches, Iterator[M]):
    """Every item across pages, fetched lazily: one page is held, and
    libavala asks for the next one as soon as a page arrives (read-ahead), so
    the server works while this page is used. Use from one thread at a time.
    Made by the resources' ``iter()`` methods.

    ``__next__`` is the extension's (``_avala.Batches``): it hands out the
    current batch of models and calls ``_refill`` for the next one."""

    def __init__(self, native: _NativeIter, batch: int, model: Type[M]) -> None:
        self._native = native
        self._batch = batch
        self._model = model

    if TYPE_CHECKING:
        # Both are the extension's (_avala.Batches): tp_iter and tp_iternext.

        def __iter__(self) -> ModelIterator[M]: ...

        def __next__(self) -> M: ...

    def _refill(self) -> List[M]:
        # Releases the GIL while pages are fetched; the extension makes the
        # models (as Model._from_native would). An empty list is the end.
        return self._native.take(self._batch, self._model)


AI = TypeVar("AI", bound="AsyncModelIterator[Any]")


@contextlib.contextmanager
def cancel_scope(cancel: _avala.Cancel) -> Iterator[None]:
    """The calls this thread makes inside carry ``cancel``: firing it stops
    them at once (their connection closed). Iterators made inside keep it."""
    _avala._set_thread_cancel(cancel)
    try:
        yield
    finally:
        _avala._set_thread_cancel(None)


async def run_cancellable(call: Callable[[], R]) -> R:
    """Runs ``call`` in the event loop's default executor, in a cancel scope
    of its own: cancelling the awaiting task stops the request (or backoff,
    or export poll) in flight at once, and frees its thread."""
    loop = asyncio.get_running_loop()
    cancel = _avala.Cancel()

    def scoped() -> R:
        with cancel_scope(cancel):
            return call()

    try:
        return await loop.run_in_executor(None, scoped)
    except asyncio.CancelledError:
        cancel.fire()
        raise


def async_iter(cls: Callable[[Any, _avala.Cancel], AI], make: Callable[[], Any]) -> AI:
    """An async iterator (``cls``) over the ModelIterator ``make`` returns,
    whose page fetches stop when the iterating task is cancelled."""
    cancel = _avala.Cancel()
    with cancel_scope(cancel):
        sync = make()  # the native iterator is made here, carrying `cancel`
    return cls(sync, cancel)


class AsyncModelIterator(AsyncIterator[M]):
    """``async for`` over every item; pages are fetched in the event loop's
    default executor, so the loop is never blocked. Wraps a ModelIterator.
    Cancelling the task during a page fetch stops it at once (the iterator
    is then over)."""

    def __init__(self, sync: ModelIterator[M], cancel: Optional[_avala.Cancel] = None) -> None:
        self._sync = sync
        self._cancel = cancel

    def __aiter__(self) -> AsyncModelIterator[M]:
        return self

    async def __anext__(self) -> M:
        sync = self._sync
        item: Optional[M] = sync._pop()  # models are never None
        if item is not None:
            return item
        loop = asyncio.get_running_loop()
        try:
            item = sync._set(await loop.run_in_executor(None, sync._refill))
        except asyncio.CancelledError:
            if self._cancel is not None:
                self._cancel.fire()
            raise
        if item is None:
            raise StopAsyncIteration
        return item


# ---- resources -----------------------------------------------------------------


class SyncResource:
    """Base of the sync resources: generic calls by resource name (the names
    of the extension's route table)."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _native(self) -> _avala.Client:
        return self._client._handle()

    def _page(
        self,
        model: Type[M],
        resource: str,
        parent: Optional[str],
        limit: Optional[int],
        cursor: Optional[str],
        query: Optional[List[Tuple[str, str]]] = None,
    ) -> CursorPage[M]:
        items, next_cursor, previous_cursor, has_more = self._native().list_page(
            resource, parent, check_limit(limit), check_str("cursor", cursor), query or []
        )
        return CursorPage(
            items=[model._from_native(o) for o in items],
            next_cursor=next_cursor,
            previous_cursor=previous_cursor,
            _has_more=has_more,
        )

    def _iter(
        self,
        model: Type[M],
        resource: str,
        parent: Optional[str],
        limit: Optional[int],
        cursor: Optional[str],
        query: Optional[List[Tuple[str, str]]] = None,
    ) -> ModelIterator[M]:
        page_size = check_limit(limit)
        native = self._native().list_iter(resource, parent, page_size, check_str("cursor", cursor), query or [])
        return ModelIterator(native, page_size or SERVER_DEFAULT_PAGE, model)

    def _get(self, model: Type[M], resource: str, parent: Optional[str], uid: str) -> M:
        return model._from_native(self._native().get(resource, parent, check_uid(uid)))

    def _create(self, model: Type[M], resource: str, parent: Optional[str], fields: str) -> M:
        return model._from_native(self._native().create(resource, parent, fields))

    def _update(self, model: Type[M], resource: str, parent: Optional[str], uid: str, fields: str) -> M:
        return model._from_native(self._native().update(resource, parent, check_uid(uid), fields))

    def _delete(self, resource: str, parent: Optional[str], uid: str) -> None:
        self._native().delete(resource, parent, check_uid(uid))

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__}>"


class AsyncResource(Generic[S]):
    """Base of the async resources: each method runs its sync twin's in the
    event loop's default executor (the GIL is released during I/O)."""

    def __init__(self, sync: S) -> None:
        self._sync = sync

    async def _run(self, fn: Callable[..., R], /, *args: Any, **kwargs: Any) -> R:
        return await run_cancellable(functools.partial(fn, *args, **kwargs))

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__}>"
