"""Errors raised by the Avala SDK.

The names and attributes of the HTTP errors are those of the official Avala
Python SDK (``AvalaError(message, status_code, body)``, ``AuthenticationError``,
``ForbiddenError``, ``NotFoundError``, ``RateLimitError.retry_after``,
``ValidationError.details``, ``ServerError``), so ``except`` clauses written
for it keep working. Each class also inherits the built-in exception that
matches it where one helps, as pygit2 does: ``NotFoundError`` is a
``LookupError``, ``ValidationError`` and the configuration/argument errors
are ``ValueError`` s, ``APIConnectionError`` is a ``ConnectionError`` and
``APITimeoutError`` a ``TimeoutError``.

Failures that happen without an HTTP error answer (the official SDK lets the
underlying HTTP library's exceptions escape there) are subclasses of
``AvalaError`` too, so one ``except AvalaError`` catches everything the SDK
raises except ``MemoryError``:

=================================  ==========================================
libavala status                    exception
=================================  ==========================================
AVALA_E_INVALID_ARGUMENT           InvalidArgumentError (ValueError)
AVALA_E_CONFIG                     ConfigurationError (ValueError)
AVALA_E_AUTHENTICATION (401)       AuthenticationError (PermissionError)
AVALA_E_FORBIDDEN (403)            ForbiddenError (PermissionError)
AVALA_E_NOT_FOUND (404)            NotFoundError (LookupError)
AVALA_E_VALIDATION (400, 422)      ValidationError (ValueError)
AVALA_E_RATE_LIMITED (429)         RateLimitError
AVALA_E_SERVER (>= 500)            ServerError
AVALA_E_API (other >= 400)         AvalaError
AVALA_E_REDIRECT (3xx)             RedirectError
AVALA_E_TIMEOUT                    APITimeoutError (APIConnectionError, TimeoutError)
AVALA_E_NETWORK                    APIConnectionError (ConnectionError)
AVALA_E_TLS                        TLSError (APIConnectionError)
AVALA_E_PROXY                      ProxyError (APIConnectionError)
AVALA_E_DECODE                     DecodeError
AVALA_E_CROSS_ORIGIN               CrossOriginError
AVALA_E_NO_MEMORY                  MemoryError (the built-in)
AVALA_E_INTERNAL                   InternalError (RuntimeError)
AVALA_E_CANCELLED                  what stopped the call: KeyboardInterrupt
                                   (Ctrl-C during ``exports.wait``), the
                                   exception an ``on_progress`` callback
                                   raised, else OperationCancelledError
=================================  ==========================================

Messages and bodies come from libavala already redacted: the configured API
key and anything that looks like a secret never appear in them.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Type

__all__ = [
    "AvalaError",
    "AuthenticationError",
    "ForbiddenError",
    "NotFoundError",
    "RateLimitError",
    "ValidationError",
    "ServerError",
    "RedirectError",
    "APIConnectionError",
    "APITimeoutError",
    "TLSError",
    "ProxyError",
    "DecodeError",
    "CrossOriginError",
    "ConfigurationError",
    "InvalidArgumentError",
    "InternalError",
    "OperationCancelledError",
]


class AvalaError(Exception):
    """Base exception for all Avala API errors.

    ``message`` is the one-line description (also ``str(error)``),
    ``status_code`` the HTTP status or ``None`` when no response was received,
    ``body`` the redacted response body: parsed JSON when it was JSON, else
    the text, ``None`` when empty. ``kind`` is libavala's stable name for the
    failure (``"not_found"``, ``"timeout"``...) and ``attempts`` how many
    requests were sent (1 + retries; 0 when nothing was sent).
    """

    kind: Optional[str] = None
    attempts: int = 0

    def __init__(self, message: str, status_code: Optional[int] = None, body: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.body = body

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        if self.status_code is None:
            return f"{type(self).__name__}({self.message!r})"
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r})"


class AuthenticationError(AvalaError, PermissionError):
    """Raised on 401 responses (missing, invalid or expired API key)."""


class ForbiddenError(AvalaError, PermissionError):
    """Raised on 403 responses (insufficient permissions, wrong scope, or plan level)."""


class NotFoundError(AvalaError, LookupError):
    """Raised on 404 responses."""


class RateLimitError(AvalaError):
    """Raised on 429 responses; ``retry_after`` is in seconds, or ``None``."""

    def __init__(
        self,
        message: str,
        status_code: int = 429,
        body: Any = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message, status_code, body)
        self.retry_after = retry_after


class ValidationError(AvalaError, ValueError):
    """Raised on 400/422 responses; ``details`` lists the problems when the API gave a list."""

    def __init__(
        self,
        message: str,
        status_code: int = 400,
        body: Any = None,
        details: Optional[List[Any]] = None,
    ) -> None:
        super().__init__(message, status_code, body)
        self.details = details or []


class ServerError(AvalaError):
    """Raised on 5xx responses."""


class RedirectError(AvalaError):
    """Raised on a 3xx answer: redirects are never followed, so the key never leaves the host."""


class APIConnectionError(AvalaError, ConnectionError):
    """No usable answer: the connection failed, was reset, or DNS failed."""


class APITimeoutError(APIConnectionError, TimeoutError):
    """The request's deadline (``Client(timeout=...)``) passed."""


class TLSError(APIConnectionError):
    """The TLS handshake or the certificate check failed."""


class ProxyError(APIConnectionError):
    """The proxy refused: it wants (other) credentials (407), or would not open
    the tunnel. Not an answer of the API; not retried."""


class DecodeError(AvalaError):
    """The response was not what the API promises (e.g. not JSON, or a missing field)."""


class CrossOriginError(AvalaError):
    """A pagination link pointed at another origin; following it would send the key there."""


class ConfigurationError(AvalaError, ValueError):
    """No API key, or a base URL that is malformed or insecure. Nothing was sent."""


class InvalidArgumentError(AvalaError, ValueError):
    """An argument was refused before anything was sent (e.g. an unsafe uid like ``"../admin"``)."""


class InternalError(AvalaError, RuntimeError):
    """A bug in libavala; please report it."""


class OperationCancelledError(AvalaError):
    """A long call (such as ``exports.wait``) was stopped by its caller's callback."""


def _parse_body(text: str) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _details(body: Any) -> Optional[List[Any]]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and isinstance(error.get("details"), list):
            return list(error["details"])
    return None


def _class_table() -> Dict[int, Type[BaseException]]:
    from avala import _avala as c

    return {
        c.E_INVALID_ARGUMENT: InvalidArgumentError,
        c.E_CONFIG: ConfigurationError,
        c.E_AUTHENTICATION: AuthenticationError,
        c.E_FORBIDDEN: ForbiddenError,
        c.E_NOT_FOUND: NotFoundError,
        c.E_VALIDATION: ValidationError,
        c.E_RATE_LIMITED: RateLimitError,
        c.E_SERVER: ServerError,
        c.E_API: AvalaError,
        c.E_REDIRECT: RedirectError,
        c.E_TIMEOUT: APITimeoutError,
        c.E_NETWORK: APIConnectionError,
        c.E_TLS: TLSError,
        c.E_PROXY: ProxyError,
        c.E_DECODE: DecodeError,
        c.E_CROSS_ORIGIN: CrossOriginError,
        c.E_NO_MEMORY: MemoryError,
        c.E_INTERNAL: InternalError,
        c.E_CANCELLED: OperationCancelledError,
    }


_CLASSES: Optional[Dict[int, Type[BaseException]]] = None


def _from_native(
    code: int,
    kind: str,
    message: str,
    http_status: int,
    body_text: str,
    retry_after: Optional[float],
    attempts: int,
    cause: Optional[BaseException] = None,
) -> BaseException:
    """Builds the exception for a libavala error. The extension's raise_error()
    is the only caller: this table is the one place codes become classes.

    ``cause`` is the Python exception that made a callback stop the call: the
    KeyboardInterrupt (or whatever a signal handler raised) when Ctrl-C
    interrupted a wait, or the error of the caller's own progress callback.
    A cancelled call raises it unchanged, so Ctrl-C stays a KeyboardInterrupt."""
    global _CLASSES
    if _CLASSES is None:
        _CLASSES = _class_table()
    cls = _CLASSES.get(code, AvalaError)
    if cls is OperationCancelledError and cause is not None:
        return cause
    if not issubclass(cls, AvalaError):
        return cls(message)
    status = http_status if http_status > 0 else None
    body = _parse_body(body_text)
    exc: AvalaError
    if cls is RateLimitError:
        exc = RateLimitError(message, status if status is not None else 429, body, retry_after=retry_after)
    elif cls is ValidationError:
        exc = ValidationError(message, status if status is not None else 400, body, details=_details(body))
    else:
        exc = cls(message, status, body)
    exc.kind = kind
    exc.attempts = attempts
    return exc
