"""Synchronous Avala client."""

from __future__ import annotations

import json
import math
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Type, TypeVar
from urllib.parse import urlencode

from avala import _avala
from avala.errors import ConfigurationError, DecodeError
from avala.resources.agents import Agents
from avala.resources.datasets import Datasets
from avala.resources.exports import Exports
from avala.resources.projects import Projects
from avala.resources.quality_targets import QualityTargets
from avala.resources.tasks import Tasks

if TYPE_CHECKING:
    from avala.resources._base import Caller, ModelIterator

__all__ = ["Client", "RateLimitInfo"]

T = TypeVar("T")
R = TypeVar("R")
NI = TypeVar("NI")
I = TypeVar("I", bound="ModelIterator[Any]")  # noqa: E741

_USER_AGENT_SUFFIX = f"python/{sys.version_info[0]}.{sys.version_info[1]}"


class RateLimitInfo(Dict[str, Optional[str]]):
    """Rate-limit figures from the ``X-RateLimit-*`` headers of the last response.

    A dict like the official SDK's ``rate_limit_info`` —
    ``{"limit": "100", "remaining": "99", "reset": "1700000000"}``, values
    ``None`` until known — that also has integer attributes ``limit``,
    ``remaining`` and ``reset`` (unix seconds), ``None`` when unknown.
    """

    @staticmethod
    def _int(value: Optional[str]) -> Optional[int]:
        return None if value is None else int(value)

    @property
    def limit(self) -> Optional[int]:
        return self._int(self.get("limit"))

    @property
    def remaining(self) -> Optional[int]:
        return self._int(self.get("remaining"))

    @property
    def reset(self) -> Optional[int]:
        return self._int(self.get("reset"))


def _timeout_ms(timeout: float) -> int:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError(f"timeout must be a number of seconds, not {type(timeout).__name__}")
    if not math.isfinite(timeout) or timeout <= 0:
        raise ConfigurationError(f"timeout must be a positive number of seconds, got {timeout!r}")
    return max(1, math.ceil(timeout * 1000))


def _max_retries(max_retries: int) -> int:
    if isinstance(max_retries, bool) or not isinstance(max_retries, int):
        raise TypeError(f"max_retries must be an int, not {type(max_retries).__name__}")
    if not 0 <= max_retries <= 2**31 - 1:
        raise ConfigurationError(f"max_retries must not be negative, got {max_retries}")
    return max_retries


def _optional_str(name: str, value: Optional[str]) -> Optional[str]:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    # Like the official SDK, "" means "not given": fall back to the environment.
    return value or None


def _text(name: str, value: Optional[str]) -> Optional[str]:
    """Like _optional_str, but "" is kept: a proxy of "" means no proxy at all."""
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{name} must be a str or None, not {type(value).__name__}")
    return value


def _flag(name: str, value: bool) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return value


class Client:
    """Synchronous client for the Avala API.

    ``api_key`` defaults to ``$AVALA_API_KEY``; ``base_url`` to
    ``$AVALA_BASE_URL``, else ``https://api.avala.ai/api/v1``. Only ``https``
    base URLs are accepted, except ``http://localhost``/``127.0.0.1``/``[::1]``
    when ``$AVALA_ALLOW_INSECURE_BASE_URL`` is truthy; otherwise, or with no
    key, :class:`~avala.errors.ConfigurationError` (a ``ValueError``) is raised
    and nothing is sent. ``timeout`` (seconds) is one deadline per request;
    idempotent requests are retried up to ``max_retries`` times.

    ``rate_limit=True`` (not in the official SDK) turns on client-side rate
    limiting: once the server's ``X-RateLimit-Remaining`` for the current
    window reaches 0, calls wait (in their own thread, GIL released) until
    ``X-RateLimit-Reset`` instead of running into 429 errors.

    Networks (beyond the official SDK's arguments, with httpx's conventions):
    ``ca_file`` / ``ca_dir`` to trust instead of the system store
    (``$SSL_CERT_FILE`` keeps working); ``client_cert``, ``client_key`` and
    ``client_key_password`` for mutual TLS; ``proxy`` (``http://[user:pass@]
    host[:port]``, winning over ``$HTTPS_PROXY``/``$https_proxy``/
    ``$ALL_PROXY``; ``""`` for none), ``no_proxy`` (as ``$NO_PROXY``) and
    ``trust_env=False`` to ignore those variables; ``compression=False`` to
    ask for uncompressed answers. Proxy credentials never appear in a
    message or a repr.

    A client may be shared by many threads; every network call releases the
    GIL. The API key is handed to libavala and not kept by any Python object.
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
        self._native = _avala.Client(
            _optional_str("api_key", api_key),
            _optional_str("base_url", base_url),
            _timeout_ms(timeout),
            _max_retries(max_retries),
            _USER_AGENT_SUFFIX,
            _optional_str("ca_file", ca_file),
            _flag("rate_limit", rate_limit),
            ca_dir=_optional_str("ca_dir", ca_dir),
            client_cert=_optional_str("client_cert", client_cert),
            client_key=_optional_str("client_key", client_key),
            client_key_password=_optional_str("client_key_password", client_key_password),
            proxy=_text("proxy", proxy),
            no_proxy=_text("no_proxy", no_proxy),
            trust_env=_flag("trust_env", trust_env),
            compression=_flag("compression", compression),
        )
        base = self._native.base_url
        self._base_url: str = base if base is not None else ""
        self.projects = Projects(self)
        self.tasks = Tasks(self)
        self.exports = Exports(self)
        self.agents = Agents(self)
        self.quality_targets = QualityTargets(self)
        self.datasets = Datasets(self)

    def _handle(self) -> _avala.Client:
        return self._native

    # How the resources run their calls (see avala.resources._base): here,
    # blocking, at once.
    def _call(self, start: Callable[[_avala.Client], T], finish: Callable[[T], R]) -> R:
        return finish(start(self._native))

    def _iterate(self, make: Callable[[_avala.Client], NI], wrap: Callable[[NI], I]) -> I:
        return wrap(make(self._native))

    @property
    def base_url(self) -> str:
        """The base URL in use, after defaults and normalisation."""
        return self._base_url

    @property
    def rate_limit_info(self) -> RateLimitInfo:
        """Rate-limit headers from the last API response (see :class:`RateLimitInfo`)."""
        if self._native.closed:
            limit = remaining = reset = None
        else:
            limit, remaining, reset = self._native.rate_limit()

        def text(value: Optional[int]) -> Optional[str]:
            return None if value is None else str(value)

        return RateLimitInfo(limit=text(limit), remaining=text(remaining), reset=text(reset))

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Optional[Mapping[str, Any]] = None,
        json: Any = None,
    ) -> Any:
        """Calls any endpoint: ``method`` on base_url + ``path`` (which must start
        with ``/``; ``params`` are added to its query string, ``json`` is sent as
        the body). Returns the parsed JSON answer, ``None`` for an empty one.
        Errors are raised as for every other call. Not in the official SDK."""
        return _request(self, method, path, params, json)

    def close(self) -> None:
        """Releases the connections. Calls already running finish first; later
        calls raise ``RuntimeError``. Closing twice is fine."""
        self._native.close()

    @property
    def closed(self) -> bool:
        return self._native.closed

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc_val: Optional[BaseException],
        exc_tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = ", closed" if self._native.closed else ""
        return f"<avala.Client base_url={self._base_url!r}{state}>"


def _request(caller: Caller, method: str, path: str, params: Optional[Mapping[str, Any]], json: Any) -> Any:
    """Client.request, run by ``caller`` (a Client, or an AsyncClient's caller)."""
    if not isinstance(method, str) or not isinstance(path, str):
        raise TypeError("method and path must be str")
    if params:
        path += ("&" if "?" in path else "?") + urlencode(params, doseq=True)
    verb = method.upper()
    body = None if json is None else _json_dumps(json)

    def parse(response: _avala.Response) -> Any:
        data = response.body
        if not data.strip():
            return None
        try:
            return _json_loads(data)
        except ValueError:
            raise DecodeError(
                f"the response to {verb} {path.split('?', 1)[0]} is not JSON",
                response.status,
                data.decode("utf-8", "replace"),
            ) from None

    return caller._call(lambda n: n.request(verb, path, body), parse)


_json_dumps = json.dumps
_json_loads = json.loads
