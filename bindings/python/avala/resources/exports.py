"""Exports resource, with a wait that polls inside libavala."""

from __future__ import annotations

import math
from typing import Any, Callable, Optional, Tuple

from avala._pagination import CursorPage
from avala.errors import InvalidArgumentError
from avala.resources._base import AsyncModelIterator, AsyncResource, ModelIterator, SyncResource, check_str, check_uid, started
from avala.types.export import Export

__all__ = ["Exports", "AsyncExports", "ProgressCallback"]

#: ``on_progress(export, elapsed_seconds)``, called after each poll of a wait.
ProgressCallback = Callable[[Export, float], Any]

_MIN_INTERVAL_MS = 500  # the contract: never poll more often than every 0.5 s
_MAX_MS = 10 * 365 * 24 * 3600 * 1000  # "forever", still far from any clock overflow


def _wait_ms(interval: float, timeout: float) -> Tuple[int, int]:
    """(interval_ms, timeout_ms) for libavala, or a TypeError/ValueError."""
    for name, value in (("interval", interval), ("timeout", timeout)):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise TypeError(f"{name} must be a number of seconds, not {type(value).__name__}")
        if math.isnan(value) or value < 0:
            raise InvalidArgumentError(f"{name} must be a non-negative number of seconds, got {value!r}")
    if math.isinf(interval):
        raise InvalidArgumentError("interval must be finite")
    interval_ms = min(_MAX_MS, max(_MIN_INTERVAL_MS, math.ceil(interval * 1000)))
    # libavala reads 0 as "the default"; a zero timeout means "poll once".
    timeout_ms = _MAX_MS if math.isinf(timeout) else min(_MAX_MS, max(1, math.ceil(timeout * 1000)))
    return interval_ms, timeout_ms


class Exports(SyncResource):
    """``client.exports``: exports of a project or a dataset."""

    def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> CursorPage[Export]:
        return self._page(Export, "exports", None, limit, cursor)

    def create(self, *, project: Optional[str] = None, dataset: Optional[str] = None) -> Export:
        """Starts an export of ``project`` or ``dataset`` (a uid; exactly one of
        them, else :class:`~avala.errors.InvalidArgumentError` and nothing is sent).
        The export starts ``pending``; :meth:`wait` for it to finish."""
        of_project, of_dataset = check_str("project", project), check_str("dataset", dataset)
        return self._call(lambda n: n.export_create(of_project, of_dataset), Export._from_native)

    def get(self, uid: str) -> Export:
        return self._get(Export, "exports", None, uid)

    def iter(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> ModelIterator[Export]:
        """Lazily yields every export across all pages. Not in the official SDK."""
        return self._iter(Export, "exports", None, limit, cursor)

    def wait(
        self,
        uid: str,
        *,
        interval: float = 2.0,
        timeout: float = 300.0,
        on_progress: Optional[ProgressCallback] = None,
    ) -> Export:
        """Polls the export every ``interval`` seconds (never more often than
        every 0.5 s) until it is ``exported`` or ``failed``, and returns it: a
        failed export is a result, not an exception — check ``status``.

        After ``timeout`` seconds, :class:`~avala.errors.APITimeoutError` (a
        ``TimeoutError``) naming the last status seen. A negative interval or
        timeout is a ``ValueError``. ``on_progress(export, elapsed_seconds)``
        is called after each poll; an exception it raises stops the wait and
        propagates. The GIL is released while waiting; Ctrl-C stops the wait
        (at the next poll) with ``KeyboardInterrupt``. Not in the official SDK.
        """
        interval_ms, timeout_ms = _wait_ms(interval, timeout)
        if on_progress is not None and not callable(on_progress):
            raise TypeError("on_progress must be callable")
        uid = check_uid(uid)
        progress = None
        if on_progress is not None:
            callback = on_progress

            def progress(native: Any, elapsed: float) -> None:
                callback(Export._from_native(native), elapsed)

        return self._call(lambda n: n.export_wait(uid, interval_ms, timeout_ms, progress), Export._from_native)


class AsyncExports(AsyncResource[Exports]):
    """``client.exports`` of an :class:`~avala.AsyncClient`."""

    async def list(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> CursorPage[Export]:
        return await started(self._sync.list(limit=limit, cursor=cursor))

    async def create(self, *, project: Optional[str] = None, dataset: Optional[str] = None) -> Export:
        return await started(self._sync.create(project=project, dataset=dataset))

    async def get(self, uid: str) -> Export:
        return await started(self._sync.get(uid))

    def iter(self, *, limit: Optional[int] = None, cursor: Optional[str] = None) -> AsyncModelIterator[Export]:
        return AsyncModelIterator(lambda: self._sync.iter(limit=limit, cursor=cursor))

    async def wait(
        self,
        uid: str,
        *,
        interval: float = 2.0,
        timeout: float = 300.0,
        on_progress: Optional[ProgressCallback] = None,
    ) -> Export:
        """See :meth:`Exports.wait`. The polls run inside libavala on the
        asynchronous C ABI; ``on_progress`` runs on the event loop's thread
        (an exception it raises stops the wait and propagates). Cancelling
        the awaiting task stops the wait at once."""
        return await started(self._sync.wait(uid, interval=interval, timeout=timeout, on_progress=on_progress))
