'use strict';
// Error classes and the ONE place a libavala error becomes a JS error.
//
// The HTTP errors keep the official Avala TypeScript SDK's names, constructor
// signatures and fields (AvalaError.statusCode/.body, RateLimitError.retryAfter,
// ValidationError.details), so `catch (e) { if (e instanceof NotFoundError) }`
// written for it keeps working. ForbiddenError (403) and the errors that come
// without an HTTP answer are ours; all of them extend AvalaError, so one
// `instanceof AvalaError` catches everything the package throws.
//
//   libavala status            class
//   AVALA_E_INVALID_ARGUMENT   InvalidArgumentError   (unsafe uid, bad option; nothing sent)
//   AVALA_E_CONFIG             ConfigurationError     (no key, insecure/bad base URL; nothing sent)
//   AVALA_E_AUTHENTICATION     AuthenticationError    401
//   AVALA_E_FORBIDDEN          ForbiddenError         403
//   AVALA_E_NOT_FOUND          NotFoundError          404
//   AVALA_E_VALIDATION         ValidationError        400, 422
//   AVALA_E_RATE_LIMITED       RateLimitError         429
//   AVALA_E_SERVER             ServerError            >= 500
//   AVALA_E_API                AvalaError             other >= 400
//   AVALA_E_REDIRECT           RedirectError          3xx (never followed)
//   AVALA_E_TIMEOUT            APITimeoutError        (extends APIConnectionError)
//   AVALA_E_NETWORK            APIConnectionError
//   AVALA_E_TLS                TLSError               (extends APIConnectionError)
//   AVALA_E_PROXY              ProxyError             (extends APIConnectionError; 407, a refused CONNECT)
//   AVALA_E_DECODE             DecodeError
//   AVALA_E_CROSS_ORIGIN       CrossOriginError
//   AVALA_E_CANCELLED          OperationCancelledError
//   AVALA_E_NO_MEMORY, _INTERNAL  InternalError
//
// Messages and bodies arrive redacted from libavala: the API key never
// appears in them.

const { status } = require('./abi');

class AvalaError extends Error {
  /**
   * @param {string} message
   * @param {number} [statusCode] the HTTP status; undefined when no answer was received
   * @param {unknown} [body] the redacted response body: parsed JSON, else text
   */
  constructor(message, statusCode, body) {
    super(message);
    this.name = 'AvalaError';
    this.statusCode = statusCode;
    this.body = body;
    /** libavala's stable name for the failure ("not_found", "timeout", ...), when it came from there. */
    this.kind = undefined;
    /** Requests sent (1 + retries); 0 when nothing was sent. */
    this.attempts = undefined;
  }
}

class AuthenticationError extends AvalaError {
  constructor(message, body) {
    super(message, 401, body);
    this.name = 'AuthenticationError';
  }
}

class ForbiddenError extends AvalaError {
  constructor(message, body) {
    super(message, 403, body);
    this.name = 'ForbiddenError';
  }
}

class NotFoundError extends AvalaError {
  constructor(message, body) {
    super(message, 404, body);
    this.name = 'NotFoundError';
  }
}

class RateLimitError extends AvalaError {
  constructor(message, body, retryAfter) {
    super(message, 429, body);
    this.name = 'RateLimitError';
    /** Seconds from Retry-After, or null. */
    this.retryAfter = retryAfter ?? null;
  }
}

class ValidationError extends AvalaError {
  constructor(message, statusCode = 400, body, details) {
    super(message, statusCode, body);
    this.name = 'ValidationError';
    this.details = details ?? [];
  }
}

class ServerError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'ServerError';
  }
}

// Ours: failures without an HTTP error answer, and refusals before sending.

/** A 3xx answer: redirects are never followed, so the key never leaves the host. */
class RedirectError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'RedirectError';
  }
}

/** No usable answer: the connection failed or was reset, or DNS failed. */
class APIConnectionError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'APIConnectionError';
  }
}

/** The request's deadline (the client's `timeout`) passed, or exports.wait ran out of time. */
class APITimeoutError extends APIConnectionError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'APITimeoutError';
  }
}

/** The TLS handshake or the certificate check failed. */
class TLSError extends APIConnectionError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'TLSError';
  }
}

/** The proxy refused: 407 (credentials), or a CONNECT it would not open. Not retried. */
class ProxyError extends APIConnectionError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'ProxyError';
  }
}

/** The answer was not what the API promises (not JSON, a missing field). */
class DecodeError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'DecodeError';
  }
}

/** A pagination link pointed at another origin; following it would send the key there. */
class CrossOriginError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'CrossOriginError';
  }
}

/** No API key, or a malformed or insecure base URL. Nothing was sent. */
class ConfigurationError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'ConfigurationError';
  }
}

/** An argument was refused before anything was sent (e.g. the uid "../admin"). */
class InvalidArgumentError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'InvalidArgumentError';
  }
}

/** libavala ran out of memory or hit a bug (please report it). */
class InternalError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'InternalError';
  }
}

/** A long call was cancelled by its caller. */
class OperationCancelledError extends AvalaError {
  constructor(message, statusCode, body) {
    super(message, statusCode, body);
    this.name = 'OperationCancelledError';
  }
}

function parseBody(text) {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// ValidationError.details: the body when it is a list, else {"error": {"details": [...]}}.
function detailsOf(body) {
  if (Array.isArray(body)) return body;
  const nested = body && typeof body === 'object' && body.error && body.error.details;
  return Array.isArray(nested) ? nested : [];
}

/**
 * Builds the JS error for a failed libavala call and frees the native error.
 * `rc` is the call's return code, `errPtr` the avala_error it wrote (may be null).
 */
function fromNative(abi, rc, errPtr) {
  const { fn } = abi;
  let code = rc, message = '', httpStatus = 0, bodyText = '', retryAfter = -1, attempts = 0;
  if (errPtr) {
    try {
      code = fn.avala_error_code(errPtr);
      message = fn.avala_error_message(errPtr);
      httpStatus = fn.avala_error_http_status(errPtr);
      bodyText = fn.avala_error_body(errPtr);
      retryAfter = fn.avala_error_retry_after(errPtr);
      attempts = fn.avala_error_attempts(errPtr);
    } finally {
      fn.avala_error_free(errPtr);
    }
  }
  const kind = fn.avala_status_name(code);
  const statusCode = httpStatus > 0 ? httpStatus : undefined;
  const make = BY_STATUS.get(code) || ((m, st, b) => new AvalaError(m, st, b));
  const e = make(message || kind, statusCode, parseBody(bodyText), retryAfter >= 0 ? retryAfter : null);
  // The fixed-status classes (401, 404, ...) take no status: keep the real one.
  if (statusCode !== undefined) e.statusCode = statusCode;
  e.kind = kind;
  e.attempts = attempts;
  return e;
}

// libavala status -> (message, statusCode, body, retryAfter) => error.
const BY_STATUS = new Map([
  [status.E_INVALID_ARGUMENT, (m, st, b) => new InvalidArgumentError(m, st, b)],
  [status.E_CONFIG, (m, st, b) => new ConfigurationError(m, st, b)],
  [status.E_AUTHENTICATION, (m, st, b) => new AuthenticationError(m, b)],
  [status.E_FORBIDDEN, (m, st, b) => new ForbiddenError(m, b)],
  [status.E_NOT_FOUND, (m, st, b) => new NotFoundError(m, b)],
  [status.E_VALIDATION, (m, st, b) => new ValidationError(m, st ?? 400, b, detailsOf(b))],
  [status.E_RATE_LIMITED, (m, st, b, retryAfter) => new RateLimitError(m, b, retryAfter)],
  [status.E_SERVER, (m, st, b) => new ServerError(m, st, b)],
  [status.E_API, (m, st, b) => new AvalaError(m, st, b)],
  [status.E_REDIRECT, (m, st, b) => new RedirectError(m, st, b)],
  [status.E_TIMEOUT, (m, st, b) => new APITimeoutError(m, st, b)],
  [status.E_NETWORK, (m, st, b) => new APIConnectionError(m, st, b)],
  [status.E_TLS, (m, st, b) => new TLSError(m, st, b)],
  [status.E_PROXY, (m, st, b) => new ProxyError(m, st, b)],
  [status.E_DECODE, (m, st, b) => new DecodeError(m, st, b)],
  [status.E_CROSS_ORIGIN, (m, st, b) => new CrossOriginError(m, st, b)],
  [status.E_NO_MEMORY, (m, st, b) => new InternalError(m, st, b)],
  [status.E_INTERNAL, (m, st, b) => new InternalError(m, st, b)],
  [status.E_CANCELLED, (m, st, b) => new OperationCancelledError(m, st, b)],
]);

/** An argument refused in JS before any native call (same class libavala would use). */
function invalidArgument(message) {
  const e = new InvalidArgumentError(message);
  e.kind = 'invalid_argument';
  e.attempts = 0;
  return e;
}

/** A string bound for C: a NUL in it would silently cut it short there, so it is refused. */
function cString(value, name) {
  if (value.includes('\0')) throw invalidArgument(`${name} contains a NUL character`);
  return value;
}

module.exports = {
  AvalaError, AuthenticationError, ForbiddenError, NotFoundError, RateLimitError, ValidationError, ServerError,
  RedirectError, APIConnectionError, APITimeoutError, TLSError, ProxyError, DecodeError, CrossOriginError,
  ConfigurationError, InvalidArgumentError, InternalError, OperationCancelledError,
  fromNative, invalidArgument, cString,
};
