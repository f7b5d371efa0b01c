"""What every resource shares: argument checks, the lazy all-pages iterators,
the generic calls into the extension, and how an AsyncClient runs them.

A resource method checks its arguments and builds its call once, as
``self._call(start, finish)``: ``start`` makes the native call on a client
handle, ``finish`` turns the native result into what the method returns.
A :class:`~avala.Client` runs it at once, blocking. The resources of an
:class:`~avala.AsyncClient` are the same classes over an :class:`AsyncCaller`,
which starts the call on libavala's asynchronous C ABI (no thread waits for
it) and returns the future of ``finish(result)``; the event loop's completion
queue resolves it. So both share parameters, conversions and errors.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import weakref
from typing import (
    TYPE_CHECKING,
    Any,
    AsyncIterator,
    Callable,
    Dict,
    Generic,
    Iterator,
    List,
    NamedTuple,
    Optional,
    Protocol,
    Tuple,
    Type,
    TypeVar,
    cast,
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
T = TypeVar("T")
S = TypeVar("S", bound="SyncResource")
NI = TypeVar("NI")
I = TypeVar("I", bound="ModelIterator[Any]")  # noqa: E741

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


def to_page(model: Type[M], native: Tuple[List[_avala.Item], Optional[str], Optional[str], bool]) -> CursorPage[M]:
    """A CursorPage of ``model`` from a native page (items, next, previous, has_more)."""
    items, next_cursor, previous_cursor, has_more = native
    return CursorPage(
        items=[model._from_native(o) for o in items],
        next_cursor=next_cursor,
        previous_cursor=previous_cursor,
        _has_more=has_more,
    )


# ---- iterators -----------------------------------------------------------------


class _NativeIter(Protocol):
    def take(self, n: int, model: Type[M]) -> List[M]: ...

    def take_ready(self, n: int, model: Type[M]) -> Tuple[List[M], bool]: ...


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
        # Set by AsyncCaller when the native iterator is asynchronous.
        self._walk: Optional[_Walk] = None

    if TYPE_CHECKING:
        # Both are the extension's (_avala.Batches): tp_iter and tp_iternext.

        def __iter__(self) -> ModelIterator[M]: ...

        def __next__(self) -> M: ...

    def _refill(self) -> List[M]:
        # Releases the GIL while pages are fetched; the extension makes the
        # models (as Model._from_native would). An empty list is the end.
        return self._native.take(self._batch, self._model)


class AsyncModelIterator(AsyncIterator[M]):
    """``async for`` over every item, on the asynchronous C ABI: an item
    already fetched is returned at once, and a page fetch is awaited on the
    event loop's completion queue (no thread waits). Cancelling the task
    during a page fetch stops it at once (the iterator is then over).

    Wraps the ModelIterator ``make`` returns, made at once when a loop is
    running (so bad arguments raise here), else on the first step. Use it
    in the event loop it was made in."""

    def __init__(self, make: Callable[[], ModelIterator[M]]) -> None:
        self._make: Optional[Callable[[], ModelIterator[M]]] = make
        self._sync: Optional[ModelIterator[M]] = None
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._sync = make()
        self._make = None

    def __aiter__(self) -> AsyncModelIterator[M]:
        return self

    async def __anext__(self) -> M:
        sync = self._sync
        if sync is None:
            assert self._make is not None
            sync = self._sync = self._make()
            self._make = None
        item: Optional[M] = sync._pop()  # models are never None
        if item is not None:
            return item
        walk = sync._walk
        assert walk is not None, "an AsyncModelIterator wraps an asynchronous iterator"
        step = walk.step
        if step is None:
            loop, lq = loop_queue()
            if lq is not walk.queue:
                raise RuntimeError("an AsyncClient iterator is used in the event loop it was made in")
            items, in_flight = sync._native.take_ready(sync._batch, sync._model)
            if in_flight:
                model = sync._model

                def finish(native: Optional[_avala.Item]) -> Optional[M]:
                    return None if native is None else model._from_native(native)

                step = walk.step = lq.wait(loop, walk.tag, walk.cancel, finish)
            item = sync._set(items)
            if item is not None:
                return item
            if step is None:
                raise StopAsyncIteration
        try:
            item = await step
        finally:
            walk.step = None
        if item is None:
            raise StopAsyncIteration
        return item


# ---- the asynchronous C ABI under asyncio ----------------------------------------------

_BATCH = 64  # completions taken per poll


class _Waiting(NamedTuple):
    future: asyncio.Future[Any]
    finish: Callable[[Any], Any]
    cancel: _avala.Cancel


def _fire_if_cancelled(cancel: _avala.Cancel, future: asyncio.Future[Any]) -> None:
    if future.cancelled():
        cancel.fire()  # the request stops at once, its connection closed


class _LoopQueue:
    """The completion queue of one event loop. Every call an AsyncClient
    starts on the loop completes here; the loop watches the queue's
    descriptors (``add_reader``) and drains it without blocking, resolving
    each call's future by its tag. Used only on the loop's thread."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.queue = _avala.Queue()
        self._waiting: Dict[int, _Waiting] = {}
        self._tags = itertools.count(1)
        loop.add_reader(self.queue.fd(), self._drain)
        loop.add_reader(self.queue.progress_fd(), self._drain)

    def tag(self) -> int:
        return next(self._tags)

    def wait(
        self, loop: asyncio.AbstractEventLoop, tag: int, cancel: _avala.Cancel, finish: Callable[[Any], R]
    ) -> asyncio.Future[R]:
        """The future of the call started with ``tag``: ``finish`` of its result,
        or its error. Cancelling the future fires ``cancel``."""
        future: asyncio.Future[R] = loop.create_future()
        self._waiting[tag] = _Waiting(future, finish, cancel)
        future.add_done_callback(functools.partial(_fire_if_cancelled, cancel))
        return future

    def _drain(self) -> None:
        # Progress first: an export wait's last report comes before its result.
        for tag, progress, item, elapsed in self.queue.poll_progress():
            waiting = self._waiting.get(tag)
            if waiting is None or waiting.future.done():
                continue
            try:
                progress(item, elapsed)
            except Exception as exc:  # stops the wait and propagates, as with Client
                waiting.cancel.fire()
                waiting.future.set_exception(exc)
        while True:
            done = self.queue.poll(_BATCH)
            for tag, status, value in done:
                waiting = self._waiting.pop(tag, None)
                if waiting is None or waiting.future.done():
                    continue  # cancelled (or its iterator gone): dropped
                if status < 0:
                    waiting.future.set_exception(value)
                    continue
                try:
                    result = waiting.finish(value)
                except Exception as exc:
                    waiting.future.set_exception(exc)
                else:
                    waiting.future.set_result(result)
            if len(done) < _BATCH:
                return


_queues: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopQueue] = weakref.WeakKeyDictionary()


def loop_queue() -> Tuple[asyncio.AbstractEventLoop, _LoopQueue]:
    """The running loop and its completion queue (made on first use)."""
    loop = asyncio.get_running_loop()
    lq = _queues.get(loop)
    if lq is None:
        lq = _queues[loop] = _LoopQueue(loop)
    return loop, lq


class _Walk:
    """What makes a ModelIterator asynchronous: its queue, tag and cancel
    handle, and the future of a step in flight."""

    __slots__ = ("queue", "tag", "cancel", "step")

    def __init__(self, queue: _LoopQueue, tag: int, cancel: _avala.Cancel) -> None:
        self.queue = queue
        self.tag = tag
        self.cancel = cancel
        self.step: Optional[asyncio.Future[Any]] = None


class Caller(Protocol):
    """Runs the calls of a set of resources (a Client, or an AsyncCaller)."""

    def _call(self, start: Callable[[_avala.Client], T], finish: Callable[[T], R]) -> R: ...

    def _iterate(self, make: Callable[[_avala.Client], NI], wrap: Callable[[NI], I]) -> I: ...


class AsyncCaller:
    """Runs an AsyncClient's calls: each on a client derived for it with the
    running loop's queue, a tag of its own and a cancel handle that
    cancelling the awaiting task fires. No executor, no thread per call."""

    def __init__(self, client: Client) -> None:
        self._client = client

    def _call(self, start: Callable[[_avala.Client], T], finish: Callable[[T], R]) -> R:
        """Starts the call and returns the future of its result. Typed as the
        result so that the sync resources' methods serve both clients: the
        async resources await it through :func:`started`."""
        loop, lq = loop_queue()
        tag = lq.tag()
        cancel = _avala.Cancel()
        out = start(self._client._handle().derive(lq.queue, tag, cancel))
        if out is _avala.PENDING:
            future = lq.wait(loop, tag, cancel, finish)
        else:  # libavala answered at once
            future = loop.create_future()
            future.set_result(finish(out))
        return cast(R, future)

    def _iterate(self, make: Callable[[_avala.Client], NI], wrap: Callable[[NI], I]) -> I:
        _, lq = loop_queue()
        tag = lq.tag()
        cancel = _avala.Cancel()
        it = wrap(make(self._client._handle().derive(lq.queue, tag, cancel)))
        it._walk = _Walk(lq, tag, cancel)
        return it


def started(call: R) -> asyncio.Future[R]:
    """What a resource method returned through an AsyncCaller: the future of its result."""
    return cast("asyncio.Future[R]", call)


def started_by(call: Callable[[], R]) -> asyncio.Future[R]:
    """started() for a method typed as returning nothing (a delete)."""
    return cast("asyncio.Future[R]", call())


# ---- resources -----------------------------------------------------------------


class SyncResource:
    """Base of the resources: generic calls by resource name (the names of
    the extension's route table), run by the client's caller."""

    def __init__(self, client: Caller) -> None:
        self._client = client

    def _call(self, start: Callable[[_avala.Client], T], finish: Callable[[T], R]) -> R:
        return self._client._call(start, finish)

    def _iterate(self, make: Callable[[_avala.Client], NI], wrap: Callable[[NI], I]) -> I:
        return self._client._iterate(make, wrap)

    def _page(
        self,
        model: Type[M],
        resource: str,
        parent: Optional[str],
        limit: Optional[int],
        cursor: Optional[str],
        query: Optional[List[Tuple[str, str]]] = None,
    ) -> CursorPage[M]:
        size, start, filters = check_limit(limit), check_str("cursor", cursor), query or []
        return self._call(
            lambda n: n.list_page(resource, parent, size, start, filters), lambda page: to_page(model, page)
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
        size, start, filters = check_limit(limit), check_str("cursor", cursor), query or []
        return self._iterate(
            lambda n: n.list_iter(resource, parent, size, start, filters),
            lambda native: ModelIterator(native, size or SERVER_DEFAULT_PAGE, model),
        )

    def _get(self, model: Type[M], resource: str, parent: Optional[str], uid: str) -> M:
        uid = check_uid(uid)
        return self._call(lambda n: n.get(resource, parent, uid), model._from_native)

    def _create(self, model: Type[M], resource: str, parent: Optional[str], fields: str) -> M:
        return self._call(lambda n: n.create(resource, parent, fields), model._from_native)

    def _update(self, model: Type[M], resource: str, parent: Optional[str], uid: str, fields: str) -> M:
        uid = check_uid(uid)
        return self._call(lambda n: n.update(resource, parent, uid, fields), model._from_native)

    def _delete(self, resource: str, parent: Optional[str], uid: str) -> None:
        uid = check_uid(uid)
        return self._call(lambda n: n.delete(resource, parent, uid), _nothing)

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__}>"


def _nothing(_: None) -> None:
    return None


class AsyncResource(Generic[S]):
    """Base of the async resources: each method is its sync twin's, run by
    the AsyncClient's caller (``self._sync`` is the twin over it), awaited."""

    def __init__(self, sync: S) -> None:
        self._sync = sync

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.{type(self).__name__}>"
