/**
 * @file avala.h
 * @brief The stable C ABI of libavala, the Avala SDK.
 *
 * Conventions (see README "C"):
 *  - Every fallible call returns int: AVALA_OK (0), a positive non-error
 *    sentinel (AVALA_ITER_END), or a negative AVALA_E_* code. Codes are never
 *    reused.
 *  - Results come back through out-parameters, which come first; the optional
 *    `avala_error **out_err` comes last. Pass NULL if you only want the code.
 *    On failure *out is set to NULL and, when out_err is non-NULL, *out_err
 *    receives a new error object owned by the caller (free it with
 *    avala_error_free). On success *out_err is set to NULL.
 *  - Ownership: anything returned through `T **out` is owned by the caller and
 *    freed with avala_T_free (every _free accepts NULL). A `const char *`
 *    returned by a getter is borrowed: valid until its parent handle is freed.
 *    Strings allocated for the caller (`char **out`) are freed with
 *    avala_string_free, never free().
 *  - Strings are UTF-8, NUL-terminated. Inputs are copied when kept.
 *  - Threads: an avala_client may be used by many threads at once. Iterators
 *    are used by one thread at a time (they may move between threads). Errors,
 *    objects and pages are immutable and may be read from any thread.
 *  - No callbacks, no global mutable state, no thread-local "last error".
 *
 * The header stands alone and compiles as C99/C11 and as C++.
 *
 * Every function below states who owns what it returns and which threads may
 * call it; "any thread" means concurrently with other calls on the same
 * handles.
 */
#ifndef AVALA_H
#define AVALA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(AVALA_BUILDING_LIBRARY) && defined(__GNUC__)
#define AVALA_API __attribute__((visibility("default")))
#else
/** Marks an exported function (default visibility while libavala itself is built). */
#define AVALA_API
#endif

/* ---- Version ----------------------------------------------------------- */

/* The version lines are read by CMakeLists.txt and setup.py: keep each one
 * bare, with its comment on the line above. */
/** Major version of this header. */
#define AVALA_VERSION_MAJOR 0
/** Minor version of this header. */
#define AVALA_VERSION_MINOR 1
/** Patch version of this header. */
#define AVALA_VERSION_PATCH 0
/** The version of this header as a string. */
#define AVALA_VERSION_STRING "0.1.0"

/**
 * @brief The library's version at run time, e.g. "0.1.0".
 * @return A string in static storage: never freed.
 * @threads Any thread.
 */
AVALA_API const char *avala_version(void);

/* ---- Status codes ------------------------------------------------------ */

#define AVALA_OK 0 /**< Success. */
#define AVALA_ITER_END 1 /**< An iterator has no more items (not an error). */

#define AVALA_E_INVALID_ARGUMENT -1 /**< Bad argument: NULL, unsafe uid, bad option. */
#define AVALA_E_CONFIG -2           /**< No API key, insecure or malformed base URL. */
#define AVALA_E_AUTHENTICATION -3   /**< HTTP 401. */
#define AVALA_E_FORBIDDEN -4        /**< HTTP 403. */
#define AVALA_E_NOT_FOUND -5        /**< HTTP 404. */
#define AVALA_E_VALIDATION -6       /**< HTTP 400, 422. */
#define AVALA_E_RATE_LIMITED -7     /**< HTTP 429; see avala_error_retry_after. */
#define AVALA_E_SERVER -8           /**< HTTP >= 500. */
#define AVALA_E_API -9              /**< Any other HTTP status >= 400. */
#define AVALA_E_REDIRECT -10        /**< HTTP 3xx: redirects are never followed. */
#define AVALA_E_TIMEOUT -11         /**< The request's deadline passed. */
#define AVALA_E_NETWORK -12         /**< Connect/reset/DNS failure. */
#define AVALA_E_TLS -13             /**< TLS handshake or certificate failure. */
#define AVALA_E_DECODE -14          /**< The response was not what the API promises. */
#define AVALA_E_CROSS_ORIGIN -15    /**< A pagination link pointed at another origin. */
#define AVALA_E_NO_MEMORY -16       /**< Memory ran out. */
#define AVALA_E_INTERNAL -17        /**< A bug in libavala; please report it. */
#define AVALA_E_CANCELLED -18       /**< Cancelled: a cancel handle fired, or a callback of the caller's asked to stop. */
#define AVALA_E_PROXY -19           /**< The proxy refused: 407 (credentials), or a CONNECT it would not open. Not retried. */

/** What a progress callback returns to let a call carry on. Anything else
 * (including 0) stops the call with AVALA_E_CANCELLED. */
#define AVALA_CONTINUE 1

/**
 * @brief A stable lower-case name for a status code ("not_found", "ok", ...).
 * @param status An AVALA_OK, AVALA_ITER_END or AVALA_E_* code.
 * @return A string in static storage: never freed; "unknown" for codes this
 *         version does not know.
 * @threads Any thread.
 */
AVALA_API const char *avala_status_name(int status);

/* ---- Errors ------------------------------------------------------------ */

/** An immutable error report. Owned by the caller; any thread may read it. */
typedef struct avala_error avala_error;

/**
 * @brief Frees an error.
 * @param err The error; NULL does nothing.
 * @threads One thread, once no other thread reads @p err.
 */
AVALA_API void avala_error_free(avala_error *err);
/**
 * @brief The AVALA_E_* code.
 * @param err The error.
 * @return The code.
 * @threads Any thread.
 */
AVALA_API int avala_error_code(const avala_error *err);
/**
 * @brief A one-line, human-readable message. Secrets are redacted.
 * @param err The error.
 * @return Borrowed: valid until @p err is freed.
 * @threads Any thread.
 */
AVALA_API const char *avala_error_message(const avala_error *err);
/**
 * @brief The HTTP status, or 0 when no response was received.
 * @param err The error.
 * @return The status.
 * @threads Any thread.
 */
AVALA_API int32_t avala_error_http_status(const avala_error *err);
/**
 * @brief The response body, redacted; "" when there was none.
 * @param err The error.
 * @return Borrowed: valid until @p err is freed.
 * @threads Any thread.
 */
AVALA_API const char *avala_error_body(const avala_error *err);
/**
 * @brief Seconds from Retry-After, or -1 when the server sent none.
 * @param err The error.
 * @return Seconds, or -1.
 * @threads Any thread.
 */
AVALA_API double avala_error_retry_after(const avala_error *err);
/**
 * @brief How many attempts were made (1 + retries); 0 if nothing was sent.
 * @param err The error.
 * @return The number of attempts.
 * @threads Any thread.
 */
AVALA_API int32_t avala_error_attempts(const avala_error *err);

/* ---- Strings ----------------------------------------------------------- */

/**
 * @brief Frees a string that libavala allocated for the caller (a `char **out`).
 * @param s The string; NULL does nothing. Never pass it to free().
 * @threads Any thread.
 */
AVALA_API void avala_string_free(char *s);

/* ---- Client ------------------------------------------------------------ */

/** A connection to the Avala API: configuration, a keep-alive connection pool,
 * rate-limit state. Safe to share between threads. Handles derived from it
 * (iterators) keep what they need alive, so the client may be freed first. */
typedef struct avala_client avala_client;

/** Client options. A versioned struct: fields are only ever appended.
 * Initialise with AVALA_CLIENT_OPTIONS_INIT or avala_client_options_init();
 * NULL / 0 / -1 fields mean "default". Strings are copied. */
typedef struct avala_client_options {
  uint32_t version;          /**< AVALA_CLIENT_OPTIONS_VERSION */
  const char *api_key;       /**< NULL: env AVALA_API_KEY */
  const char *base_url;      /**< NULL: env AVALA_BASE_URL, else https://api.avala.ai/api/v1 */
  int64_t timeout_ms;        /**< one deadline per request; <= 0: 30000 */
  const char *ca_file;       /**< PEM bundle to trust instead of the system store */
  const char *user_agent_suffix; /**< appended to "avala-cpp/<version>", e.g. "python/3.11" */
  int32_t max_retries;       /**< < 0: default (2) */
  /** v2: 1 = client-side rate limiting: when the X-RateLimit-Remaining of the
   * current window reaches 0, calls wait (on their own thread) until
   * X-RateLimit-Reset instead of collecting 429s. 0: off (the default). */
  int32_t rate_limit;
  /* version 3: trust and identity */
  const char *ca_dir;              /**< v3: a directory of hashed CA certificates (c_rehash), besides ca_file */
  const char *client_cert;         /**< v3: PEM client certificate (chain) for mutual TLS; NULL: none */
  const char *client_key;          /**< v3: its PEM private key; NULL: in client_cert's file */
  const char *client_key_password; /**< v3: the key's passphrase, if it is encrypted; never in a message */
  /* version 3: proxies and compression */
  /** v3: proxy URL (http://[user:password@]host[:port]; port default 1080), winning over the
   * environment; "" = never use a proxy; NULL = from the environment: https_proxy / HTTPS_PROXY
   * for https, http_proxy for http (upper-case HTTP_PROXY is ignored, as curl does), then
   * all_proxy / ALL_PROXY. Loopback is not bypassed implicitly: list it in NO_PROXY. */
  const char *proxy;
  /** v3: hosts reached directly (NO_PROXY syntax: names with their subdomains, IPs, CIDR
   * ranges, "*"); NULL = env no_proxy / NO_PROXY. */
  const char *no_proxy;
  int32_t proxy_env_off;    /**< v3: 1 = ignore the *_proxy environment variables (NO_PROXY included) */
  int32_t compression_off;  /**< v3: 1 = send no Accept-Encoding (answers uncompressed) */
} avala_client_options;

/** The newest avala_client_options version this header knows. */
#define AVALA_CLIENT_OPTIONS_VERSION 3
/** Static initialiser: every field its default. */
#define AVALA_CLIENT_OPTIONS_INIT \
  { AVALA_CLIENT_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, -1, 0, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0 }

/**
 * @brief Fills *opts with defaults for the given version.
 * @param opts The caller's struct; only the fields of @p version are written.
 * @param version The struct version the caller was built with.
 * @return AVALA_OK, or AVALA_E_INVALID_ARGUMENT for NULL or an unknown version.
 * @threads Any thread.
 */
AVALA_API int avala_client_options_init(avala_client_options *opts, uint32_t version);

/**
 * @brief Creates a client. No request is sent.
 * @param[out] out The client, owned by the caller (avala_client_free).
 * @param opts Options; NULL: all defaults, from the environment. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK; AVALA_E_CONFIG for a missing key or an unacceptable base URL.
 * @threads Any thread.
 */
AVALA_API int avala_client_new(avala_client **out, const avala_client_options *opts,
                               avala_error **out_err);
/**
 * @brief Frees a client handle. Iterators made from it stay usable.
 *
 * Calls already running on it (from other threads) are not disturbed: each
 * holds what it uses and returns normally; to stop them, fire their cancel
 * handle (avala_client_derive) first. A call that starts after (or while) the
 * handle is freed is a use-after-free.
 * @param client The client; NULL does nothing.
 * @threads Any thread, once no call on @p client is starting.
 */
AVALA_API void avala_client_free(avala_client *client);

/**
 * @brief The base URL in use, after defaults and normalisation.
 * @param client The client.
 * @return Borrowed: valid until @p client is freed.
 * @threads Any thread.
 */
AVALA_API const char *avala_client_base_url(const avala_client *client);

/** Rate-limit figures from the X-RateLimit-* headers of the last response.
 * Each field is -1 when unknown. */
typedef struct avala_rate_limit {
  int64_t limit;     /**< X-RateLimit-Limit */
  int64_t remaining; /**< X-RateLimit-Remaining */
  int64_t reset; /**< X-RateLimit-Reset, unix seconds */
} avala_rate_limit;
/**
 * @brief Reads the rate-limit figures of the client's last response.
 * @param[out] out Filled by the call (the caller's struct).
 * @param client The client.
 * @return AVALA_OK, or AVALA_E_INVALID_ARGUMENT for NULL.
 * @threads Any thread.
 */
AVALA_API int avala_client_rate_limit(avala_rate_limit *out, const avala_client *client);

/* ---- Cancellation and call options ------------------------------------ */

/**
 * A cancel handle. Fired once, it stops every call that carries it (through a
 * client made by avala_client_derive) and keeps stopping them until reset. A
 * call it stops returns AVALA_E_CANCELLED within milliseconds, wherever it
 * was: resolving, connecting, writing, waiting for the answer, sleeping
 * between retries, waiting for the rate limiter or between export polls. The
 * connection it was using is closed, never pooled half-read.
 * Threads: fire from any thread, or from a signal handler.
 */
typedef struct avala_cancel avala_cancel;

/**
 * @brief Makes a new, unfired cancel handle.
 * @param[out] out The handle, owned by the caller (avala_cancel_free).
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK, or AVALA_E_INTERNAL when no eventfd can be had.
 * @threads Any thread.
 */
AVALA_API int avala_cancel_new(avala_cancel **out, avala_error **out_err);
/**
 * @brief Frees the caller's reference. Clients derived with it keep the token
 * alive (nobody can fire it then).
 * @param cancel The handle; NULL does nothing.
 * @threads One thread, once no other thread may fire it.
 */
AVALA_API void avala_cancel_free(avala_cancel *cancel);
/**
 * @brief Fires it: the calls carrying it stop. Idempotent.
 * @param cancel The handle; NULL does nothing.
 * @threads Any thread, and async-signal-safe (an atomic store and a write(2)
 *          to an eventfd), so a SIGINT handler may call it.
 */
AVALA_API void avala_cancel_fire(avala_cancel *cancel);
/**
 * @brief Whether it has fired since it was made or last reset.
 * @param cancel The handle.
 * @return 1 when fired, else 0 (also for NULL).
 * @threads Any thread.
 */
AVALA_API int avala_cancel_fired(const avala_cancel *cancel);
/**
 * @brief Unfires it, for reuse.
 * @param cancel The handle; NULL does nothing.
 * @threads Only while no call carrying it is running.
 */
AVALA_API void avala_cancel_reset(avala_cancel *cancel);

/**
 * Asked on the waiting thread every interrupt_interval_ms while a blocking
 * call waits, with the payload given. Return AVALA_CONTINUE to keep waiting;
 * anything else stops the call with AVALA_E_CANCELLED. This is how an
 * interpreter runs its own signal handling (Python's Ctrl-C) during a call:
 * the callback runs on the thread that made the call, never another.
 */
typedef int (*avala_interrupt_fn)(void *payload);

/* ---- Asynchronous calls ------------------------------------------------ */

/**
 * A completion queue: where asynchronous calls deliver their results.
 *
 * A client derived with a queue (avala_call_options.queue) is asynchronous:
 * every call on it that needs the network starts and returns AVALA_PENDING at
 * once, and its result arrives later, exactly once, as an avala_completion on
 * the queue — with the derived client's tag, so one derived client per call
 * (cheap) tells the results apart. A call that needs no network (an iterator
 * step whose item is already fetched, an argument refused before sending)
 * returns its result at once, as a blocking call would, and queues nothing.
 *
 * The requests run on the client's engine, driven by a thread the library
 * owns (one per client, started by its first asynchronous call, parked while
 * none is in flight) or by a thread blocked in a call on the same client. So
 * one caller thread can keep any number of requests in flight.
 *
 * Receive completions in one of three ways, on any thread: block in
 * avala_queue_poll; watch avala_queue_fd in an event loop and call
 * avala_queue_poll with timeout 0 when it is readable; or set a notify
 * callback (avala_queue_set_notify), called on a library thread when the queue
 * gets a completion after it was found empty.
 *
 * Thread-safe. The calls in flight keep the queue alive: freeing it (and the
 * client) while calls run is defined — they complete, and their results are
 * freed unread. After fork() the calls that were in flight complete in the
 * parent only; in the child they never do (avala_queue_pending keeps counting
 * them), and new calls work normally.
 */
typedef struct avala_queue avala_queue;

/** The status of a call that started and will complete on its queue. */
#define AVALA_PENDING 2

/** One finished asynchronous call. Owned by the caller once polled. */
typedef struct avala_completion {
  uint64_t tag;        /**< The tag of the derived client the call was made on. */
  int status;          /**< AVALA_OK, AVALA_ITER_END, or a negative AVALA_E_* code. */
  /** On AVALA_OK the call's result, owned by the caller, of the type its
   * function documents under "Async" (an avala_object*, an avala_page*, ...;
   * NULL for a call with no result, such as a delete); else NULL. */
  void *result;
  avala_error *error;  /**< On failure the error, owned by the caller (avala_error_free); else NULL. */
  /** Frees @c result whatever its type (the same as its own free function), for
   * callers that drop a completion without looking at it; NULL when @c result is NULL. */
  void (*free_result)(void *result);
} avala_completion;

/**
 * @brief Makes a completion queue.
 * @param[out] out The queue, owned by the caller (avala_queue_free).
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK, AVALA_E_INVALID_ARGUMENT or AVALA_E_NO_MEMORY (no file descriptor left).
 * @threads Any thread.
 */
AVALA_API int avala_queue_new(avala_queue **out, avala_error **out_err);

/**
 * @brief Gives up the caller's reference to a queue.
 *
 * Completions not yet polled are freed (their results and errors with them);
 * calls still in flight complete and their results are freed unread.
 * @param queue The queue; NULL does nothing.
 * @threads Any thread, once no other thread uses @p queue (no poll in progress).
 */
AVALA_API void avala_queue_free(avala_queue *queue);

/**
 * @brief A file descriptor that is readable while completions wait on the queue.
 *
 * For event loops (epoll, select, asyncio's add_reader, libuv's uv_poll):
 * watch it for reading, then call avala_queue_poll with timeout 0 until it
 * returns 0. Do not read, write or close it; it lives as long as the queue.
 * @param queue The queue.
 * @return The descriptor, or -1 for NULL.
 * @threads Any thread.
 */
AVALA_API int avala_queue_fd(const avala_queue *queue);

/** Called by the library when a completion arrives on a queue that was
 * found empty; see avala_queue_set_notify. */
typedef void (*avala_notify_fn)(void *payload);

/**
 * @brief Sets (or clears) the callback told that completions wait.
 *
 * The callback runs on a thread the queue owns (started here), never on the
 * caller's: once a completion arrives after avala_queue_poll found the queue
 * empty (or after this call, if completions already wait), and again only
 * after a poll has emptied the queue. It may block (a binding that must hand
 * the news to its own loop may wait for it) without holding up any request;
 * it may call avala_queue_poll. This is how runtimes without a way to watch a
 * file descriptor (Node through koffi) receive completions.
 * @param queue The queue.
 * @param fn The callback, or NULL to stop calling one.
 * @param payload Passed to @p fn as is; the caller keeps it alive until the
 *        callback is cleared or the queue freed.
 * @return AVALA_OK or AVALA_E_INVALID_ARGUMENT.
 * @threads Any thread; clearing waits until a callback in progress has returned
 *          (unless called from inside it).
 */
AVALA_API int avala_queue_set_notify(avala_queue *queue, avala_notify_fn fn, void *payload);

/**
 * @brief Takes finished calls off the queue.
 * @param queue The queue.
 * @param[out] out Room for @p max completions; each one taken is the caller's
 *             (its result and error included).
 * @param max How many to take at most (>= 1).
 * @param timeout_ms How long to wait for the first: 0 not at all, < 0 without limit.
 * @return How many were taken (0: none arrived in time).
 * @threads Any thread; several may poll one queue (each completion goes to one).
 */
AVALA_API size_t avala_queue_poll(avala_queue *queue, avala_completion *out, size_t max,
                                  int64_t timeout_ms);

/**
 * @brief How many calls started on this queue have not yet been taken off it.
 *
 * Calls in flight plus completions waiting: 0 means nothing is pending (a
 * runtime may then let its process exit).
 * @param queue The queue.
 * @return The count; 0 for NULL.
 * @threads Any thread.
 */
AVALA_API size_t avala_queue_pending(const avala_queue *queue);

/** Options carried by every call of a derived client. Versioned; fields are
 * only ever appended. NULL / 0 fields mean "none" / the default. */
typedef struct avala_call_options {
  uint32_t version;                /**< AVALA_CALL_OPTIONS_VERSION. */
  avala_cancel *cancel;            /**< Fired: the calls stop. The client keeps a reference. */
  avala_interrupt_fn interrupt;    /**< See avala_interrupt_fn; NULL: none. Blocking calls only. */
  void *interrupt_payload;         /**< Handed to interrupt; the caller keeps it alive. */
  int64_t interrupt_interval_ms;   /**< How often interrupt is asked; <= 0: 50. */
  /* version 2 */
  avala_queue *queue;              /**< Non-NULL: the calls are asynchronous and complete here
                                        (see avala_queue). The client keeps a reference. */
  uint64_t tag;                    /**< Given back in each completion of the calls. */
} avala_call_options;
/** The version of avala_call_options this header describes. */
#define AVALA_CALL_OPTIONS_VERSION 2
/** Default call options (nothing carried). */
#define AVALA_CALL_OPTIONS_INIT { AVALA_CALL_OPTIONS_VERSION, NULL, NULL, NULL, 0, NULL, 0 }

/**
 * @brief A new client handle whose calls carry call options.
 *
 * It shares @p client's configuration, connection pool, engine and rate-limit
 * state; its calls — and the iterators made from it — carry @p opts (a cancel
 * handle, an interrupt callback). Cheap: make one per cancellable operation,
 * or one per thread.
 * @param[out] out The client, owned by the caller (avala_client_free),
 *             independent of @p client's handle.
 * @param client The client to derive from.
 * @param opts The call options; NULL: none (a plain second handle). Copied;
 *        the cancel handle is referenced.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or AVALA_E_INVALID_ARGUMENT.
 * @threads Any thread.
 */
AVALA_API int avala_client_derive(avala_client **out, avala_client *client,
                                  const avala_call_options *opts, avala_error **out_err);

/* ---- Generic request (endpoints with no wrapper yet) ------------------ */

/** A raw response: status, headers, body. Immutable; owned by the caller; any thread may read it. */
typedef struct avala_response avala_response;

/**
 * @brief Sends any request to the API (endpoints with no wrapper yet).
 *
 * A status >= 300 becomes an error like every other call.
 * @param[out] out On success the response, owned by the caller (avala_response_free).
 * @param client The client.
 * @param method "GET", "POST", "PATCH", "PUT", "DELETE", ...
 * @param path_and_query Appended to the base URL; must start with '/', e.g.
 *        "/users/me/projects/?limit=5" (no scheme, host, "..", or control characters).
 * @param body_json The JSON body, or NULL for none. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_response* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_request(avala_response **out, avala_client *client, const char *method,
                            const char *path_and_query, const char *body_json,
                            avala_error **out_err);
/**
 * @brief Frees a response.
 * @param resp The response; NULL does nothing.
 * @threads One thread, once no other thread reads @p resp.
 */
AVALA_API void avala_response_free(avala_response *resp);
/**
 * @brief The HTTP status.
 * @param resp The response.
 * @return The status.
 * @threads Any thread.
 */
AVALA_API int32_t avala_response_status(const avala_response *resp);
/**
 * @brief The body (binary data may follow; a NUL is appended after @p len bytes).
 * @param resp The response.
 * @param[out] len If non-NULL, receives the length in bytes.
 * @return Borrowed: valid until @p resp is freed.
 * @threads Any thread.
 */
AVALA_API const char *avala_response_body(const avala_response *resp, size_t *len);
/**
 * @brief A header's value (first occurrence, case-insensitive name).
 * @param resp The response.
 * @param name The header name.
 * @return Borrowed: valid until @p resp is freed; NULL when absent.
 * @threads Any thread.
 */
AVALA_API const char *avala_response_header(const avala_response *resp, const char *name);

/* ---- Projects ---------------------------------------------------------- */

/** One project. Immutable; read from any thread. */
typedef struct avala_project avala_project;

/** Project status as an enum; the raw string is always avala_project_status. */
typedef enum avala_project_status_kind {
  AVALA_PROJECT_STATUS_UNKNOWN = 0, /**< null, missing, or a value this version does not know */
  AVALA_PROJECT_STATUS_ACTIVE = 1, /**< "active" */
  AVALA_PROJECT_STATUS_COMPLETED = 2, /**< "completed" */
  AVALA_PROJECT_STATUS_PAUSED = 3, /**< "paused" */
  AVALA_PROJECT_STATUS_ARCHIVED = 4, /**< "archived" */
  AVALA_PROJECT_STATUS_PENDING_APPROVAL = 5, /**< "pending_approval" */
  AVALA_PROJECT_STATUS_CANCELED = 6 /**< "canceled" */
} avala_project_status_kind;

/**
 * @brief Frees a project (also the last reference to its page's body).
 * @param project The project; NULL does nothing.
 * @threads Any thread, once no other thread reads @p project.
 */
AVALA_API void avala_project_free(avala_project *project);
/**
 * @brief A copy of a project.
 * @param[out] out The copy, owned by the caller (avala_project_free).
 * @param project The project (e.g. a page's borrowed item).
 * @return AVALA_OK, AVALA_E_INVALID_ARGUMENT or AVALA_E_NO_MEMORY.
 * @threads Any thread.
 */
AVALA_API int avala_project_clone(avala_project **out, const avala_project *project);
/** @brief The "uid" field. @param project The project.
 * @return Borrowed until @p project is freed; NULL when absent or null. @threads Any thread. */
AVALA_API const char *avala_project_uid(const avala_project *project);
/** @brief The "name" field. @param project The project.
 * @return Borrowed until @p project is freed; NULL when absent or null. @threads Any thread. */
AVALA_API const char *avala_project_name(const avala_project *project);
/** @brief The "status" field as sent. @param project The project.
 * @return Borrowed until @p project is freed; NULL when absent or null. @threads Any thread. */
AVALA_API const char *avala_project_status(const avala_project *project);
/** @brief The "status" field as an enum. @param project The project.
 * @return The kind; AVALA_PROJECT_STATUS_UNKNOWN for a value this version does not know.
 * @threads Any thread. */
AVALA_API avala_project_status_kind avala_project_status_kind_of(const avala_project *project);
/** @brief The "created_at" field (ISO 8601). @param project The project.
 * @return Borrowed until @p project is freed; NULL when absent or null. @threads Any thread. */
AVALA_API const char *avala_project_created_at(const avala_project *project);
/** @brief The "updated_at" field (ISO 8601). @param project The project.
 * @return Borrowed until @p project is freed; NULL when absent or null. @threads Any thread. */
AVALA_API const char *avala_project_updated_at(const avala_project *project);
/**
 * @brief The whole object as compact JSON, every field the server sent.
 * @param project The project.
 * @return Borrowed: valid until @p project is freed.
 * @threads Any thread.
 */
AVALA_API const char *avala_project_json(const avala_project *project);
/**
 * @brief One field as JSON text (e.g. "\"private\"", "true", "null"). Any
 *        field, documented or not.
 * @param project The project.
 * @param field The field name.
 * @return Borrowed until @p project is freed; NULL when the object has no such field.
 * @threads Any thread.
 */
AVALA_API const char *avala_project_field_json(const avala_project *project, const char *field);

/** Options for list calls. Versioned; fields only ever appended.
 * Version 2 added `filters`: query filters as NULL-terminated name/value
 * pairs, e.g. {"project", uid, "status", "completed", NULL}. Each list names
 * the filters it takes; any other name gives AVALA_E_INVALID_ARGUMENT and
 * nothing is sent. Filters survive page following (the server's `next` link
 * carries them). */
typedef struct avala_list_options {
  uint32_t version; /**< AVALA_LIST_OPTIONS_VERSION */
  int32_t limit;    /**< page size; <= 0: the server's default */
  const char *cursor; /**< start here (a next_cursor from an earlier page); NULL: first page */
  const char *const *filters; /**< v2: name, value, name, value, ..., NULL; NULL: none */
} avala_list_options;
/** The newest avala_list_options version this header knows. */
#define AVALA_LIST_OPTIONS_VERSION 2
/** Static initialiser: every field its default. */
#define AVALA_LIST_OPTIONS_INIT { AVALA_LIST_OPTIONS_VERSION, 0, NULL, NULL }
/**
 * @brief Fills *opts with defaults for the given version.
 * @param opts The caller's struct; only the fields of @p version are written.
 * @param version The struct version the caller was built with.
 * @return AVALA_OK, or AVALA_E_INVALID_ARGUMENT for NULL or an unknown version.
 * @threads Any thread.
 */
AVALA_API int avala_list_options_init(avala_list_options *opts, uint32_t version);

/**
 * @brief GET /users/me/projects/{uid}/.
 *
 * The uid is checked first: "", ".", "..", '/', '\\', %2e, %2f or control
 * characters give AVALA_E_INVALID_ARGUMENT and nothing is sent.
 * @param[out] out The project, owned by the caller (avala_project_free).
 * @param client The client.
 * @param uid The project's uid. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_project* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_project_get(avala_project **out, avala_client *client, const char *uid,
                                avala_error **out_err);

/** One page of projects. Immutable; read from any thread. */
typedef struct avala_project_page avala_project_page;

/**
 * @brief GET /users/me/projects/?limit&cursor — exactly one page.
 * @param[out] out The page, owned by the caller (avala_project_page_free).
 * @param client The client.
 * @param opts Limit and cursor; NULL: defaults.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_project_page* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_project_list_page(avala_project_page **out, avala_client *client,
                                      const avala_list_options *opts, avala_error **out_err);
/**
 * @brief Frees a page and its borrowed items.
 * @param page The page; NULL does nothing.
 * @threads One thread, once no other thread reads @p page or its items.
 */
AVALA_API void avala_project_page_free(avala_project_page *page);
/** @brief The number of items. @param page The page. @return The count. @threads Any thread. */
AVALA_API size_t avala_project_page_count(const avala_project_page *page);
/**
 * @brief Item i (0-based).
 * @param page The page.
 * @param i The index.
 * @return Borrowed: valid until @p page is freed (avala_project_clone it to keep
 *         it longer); NULL if out of range.
 * @threads Any thread.
 */
AVALA_API const avala_project *avala_project_page_item(const avala_project_page *page, size_t i);
/** @brief The cursor of the next page. @param page The page.
 * @return Borrowed until @p page is freed; NULL when there is none. @threads Any thread. */
AVALA_API const char *avala_project_page_next_cursor(const avala_project_page *page);
/** @brief The cursor of the previous page. @param page The page.
 * @return Borrowed until @p page is freed; NULL when there is none. @threads Any thread. */
AVALA_API const char *avala_project_page_previous_cursor(const avala_project_page *page);
/** @brief Whether the server says there is a next page. @param page The page.
 * @return 1 or 0. @threads Any thread. */
AVALA_API int avala_project_page_has_more(const avala_project_page *page);

/** Lazily walks every project across pages, holding one page. Reads ahead:
 * when a page arrives, the request for the next one goes out at once, so the
 * server prepares it while the caller uses this one (freeing the iterator
 * early closes that request's connection; a failure of it is reported when
 * the caller reaches that page). Follows the server's `next` link only when
 * it has the base URL's scheme, host and port (AVALA_E_CROSS_ORIGIN
 * otherwise). One thread at a time. */
typedef struct avala_project_iter avala_project_iter;

/**
 * @brief Creates an iterator over every project; sends nothing yet.
 * @param[out] out The iterator, owned by the caller (avala_project_iter_free).
 * @param client The client; the iterator keeps what it needs of it alive.
 * @param opts Page size, starting cursor; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code.
 * @par Async
 * Sends nothing, so it returns at once on any client. The iterator's
 * steps are asynchronous when the client is (see avala_iter_next).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_project_list(avala_project_iter **out, avala_client *client,
                                 const avala_list_options *opts, avala_error **out_err);
/**
 * @brief The next project, fetching pages as needed.
 *
 * After an error the iterator may be retried: it resumes at the page that failed.
 * @param[out] out On AVALA_OK a project owned by the caller (avala_project_free);
 *        it outlives the iterator.
 * @param it The iterator.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK, AVALA_ITER_END when done, or a negative AVALA_E_* code.
 * @par Async
 * On an iterator made from a client with a queue: an item already fetched
 * is returned at once (AVALA_OK), and so is AVALA_ITER_END; otherwise the
 * next page is fetched asynchronously and this returns AVALA_PENDING: the
 * completion carries the item (an avala_project*, the caller's) or status
 * AVALA_ITER_END with a NULL result. Another step while one is in flight is
 * AVALA_E_INVALID_ARGUMENT. Freeing the iterator meanwhile is allowed: the
 * step still completes.
 * @threads One thread at a time per iterator (it may move between threads).
 */
AVALA_API int avala_project_iter_next(avala_project **out, avala_project_iter *it,
                                      avala_error **out_err);
/**
 * @brief Frees an iterator (a page read ahead is dropped, its connection closed).
 * @param it The iterator; NULL does nothing.
 * @threads The thread that uses @p it.
 */
AVALA_API void avala_project_iter_free(avala_project_iter *it);

/* ---- Resource objects (tasks, exports, agents, quality targets, ...) --- */

/** One object the API returned: a task, an export, an agent, an agent
 * execution, a quality target, an evaluation, a dataset, or the free-form
 * answer of a call such as avala_agent_test. Every field the server sent is
 * kept. Immutable; read from any thread.
 *
 * Why one handle type rather than one per resource: the resources share every
 * accessor, new fields need no ABI change, and FFI users declare one set of
 * functions. avala_object_kind says which resource an object is. */
typedef struct avala_object avala_object;

/** Which resource an avala_object is. */
typedef enum avala_object_kind {
  AVALA_OBJECT_OTHER = 0, /**< a free-form JSON object (e.g. an agent test result) */
  AVALA_OBJECT_TASK = 1, /**< a task */
  AVALA_OBJECT_EXPORT = 2, /**< an export */
  AVALA_OBJECT_AGENT = 3, /**< an agent */
  AVALA_OBJECT_AGENT_EXECUTION = 4, /**< one execution of an agent */
  AVALA_OBJECT_QUALITY_TARGET = 5, /**< a quality target */
  AVALA_OBJECT_QUALITY_TARGET_EVALUATION = 6, /**< a quality target's evaluation */
  AVALA_OBJECT_DATASET = 7 /**< a dataset */
} avala_object_kind;

/**
 * @brief Frees an object (also the last reference to its page's body).
 * @param obj The object; NULL does nothing.
 * @threads Any thread, once no other thread reads @p obj.
 */
AVALA_API void avala_object_free(avala_object *obj);
/**
 * @brief A copy of an object.
 * @param[out] out The copy, owned by the caller (avala_object_free).
 * @param obj The object (e.g. a page's borrowed item).
 * @return AVALA_OK, AVALA_E_INVALID_ARGUMENT or AVALA_E_NO_MEMORY.
 * @threads Any thread.
 */
AVALA_API int avala_object_clone(avala_object **out, const avala_object *obj);
/** @brief Which resource the object is. @param obj The object.
 * @return The kind. @threads Any thread. */
AVALA_API avala_object_kind avala_object_kind_of(const avala_object *obj);
/**
 * @brief A string field ("uid", "name", "status", "created_at", ...).
 * @param obj The object.
 * @param field The field name.
 * @return Borrowed until @p obj is freed; NULL when the field is absent, null,
 *         or not a string.
 * @threads Any thread.
 */
AVALA_API const char *avala_object_string(const avala_object *obj, const char *field);
/**
 * @brief An integral number field.
 * @param[out] out Set on AVALA_OK; untouched otherwise.
 * @param obj The object.
 * @param field The field name.
 * @return AVALA_OK when the field holds an integral number, else AVALA_E_INVALID_ARGUMENT.
 * @threads Any thread.
 */
AVALA_API int avala_object_int(int64_t *out, const avala_object *obj, const char *field);
/**
 * @brief A number field (integral or not).
 * @param[out] out Set on AVALA_OK; untouched otherwise.
 * @param obj The object.
 * @param field The field name.
 * @return AVALA_OK when the field holds a number, else AVALA_E_INVALID_ARGUMENT.
 * @threads Any thread.
 */
AVALA_API int avala_object_double(double *out, const avala_object *obj, const char *field);
/**
 * @brief A boolean field.
 * @param[out] out Set to 0 or 1 on AVALA_OK; untouched otherwise.
 * @param obj The object.
 * @param field The field name.
 * @return AVALA_OK when the field holds a boolean, else AVALA_E_INVALID_ARGUMENT.
 * @threads Any thread.
 */
AVALA_API int avala_object_bool(int *out, const avala_object *obj, const char *field);
/**
 * @brief The whole object as compact JSON, every field the server sent.
 * @param obj The object.
 * @return Borrowed: valid until @p obj is freed.
 * @threads Any thread.
 */
AVALA_API const char *avala_object_json(const avala_object *obj);
/**
 * @brief One field as JSON text (e.g. "[\"task.completed\"]", "0.5", "null").
 * @param obj The object.
 * @param field The field name.
 * @return Borrowed until @p obj is freed; NULL when the object has no such field.
 * @threads Any thread.
 */
AVALA_API const char *avala_object_field_json(const avala_object *obj, const char *field);

/** One page of objects, or the items of an endpoint that answers a bare array
 * (then both cursors are NULL and has_more is 0). Immutable; read from any thread. */
typedef struct avala_page avala_page;
/**
 * @brief Frees a page and its borrowed items.
 * @param page The page; NULL does nothing.
 * @threads One thread, once no other thread reads @p page or its items.
 */
AVALA_API void avala_page_free(avala_page *page);
/** @brief The number of items. @param page The page. @return The count. @threads Any thread. */
AVALA_API size_t avala_page_count(const avala_page *page);
/**
 * @brief Item i (0-based).
 * @param page The page.
 * @param i The index.
 * @return Borrowed: valid until @p page is freed (avala_object_clone it to keep
 *         it longer); NULL if out of range.
 * @threads Any thread.
 */
AVALA_API const avala_object *avala_page_item(const avala_page *page, size_t i);
/** @brief The cursor of the next page. @param page The page.
 * @return Borrowed until @p page is freed; NULL when there is none. @threads Any thread. */
AVALA_API const char *avala_page_next_cursor(const avala_page *page);
/** @brief The cursor of the previous page. @param page The page.
 * @return Borrowed until @p page is freed; NULL when there is none. @threads Any thread. */
AVALA_API const char *avala_page_previous_cursor(const avala_page *page);
/** @brief Whether the server says there is a next page. @param page The page.
 * @return 1 or 0. @threads Any thread. */
AVALA_API int avala_page_has_more(const avala_page *page);

/** Lazily walks every object of a list across pages; same rules as
 * avala_project_iter (one page held, the next one read ahead, same-origin
 * `next` only, resumable after an error). One thread at a time. */
typedef struct avala_iter avala_iter;
/**
 * @brief The next object, fetching pages as needed.
 * @param[out] out On AVALA_OK an object owned by the caller (avala_object_free);
 *        it outlives the iterator.
 * @param it The iterator.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK, AVALA_ITER_END when done, or a negative AVALA_E_* code.
 * @par Async
 * On an iterator made from a client with a queue: an item already fetched
 * is returned at once (AVALA_OK), and so is AVALA_ITER_END; otherwise the
 * next page is fetched asynchronously and this returns AVALA_PENDING: the
 * completion carries the item (an avala_object*, the caller's) or status
 * AVALA_ITER_END with a NULL result. Another step while one is in flight is
 * AVALA_E_INVALID_ARGUMENT. Freeing the iterator meanwhile is allowed: the
 * step still completes.
 * @threads One thread at a time per iterator (it may move between threads).
 */
AVALA_API int avala_iter_next(avala_object **out, avala_iter *it, avala_error **out_err);
/**
 * @brief Frees an iterator (a page read ahead is dropped, its connection closed).
 * @param it The iterator; NULL does nothing.
 * @threads The thread that uses @p it.
 */
AVALA_API void avala_iter_free(avala_iter *it);

/* Every uid below is checked like avala_project_get's (AVALA_E_INVALID_ARGUMENT,
 * nothing sent). Every _list creates an iterator and sends nothing yet; every
 * _list_page fetches exactly one page. opts may be NULL. */

/* ---- Tasks -------------------------------------------------------------- */
/**
 * @brief An iterator over every task; sends nothing yet.
 *
 * GET /tasks/ — filters: "project", "status".
 * @param[out] out The iterator, owned by the caller (avala_iter_free).
 * @param client The client; an iterator keeps what it needs of it alive.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * Sends nothing, so it returns at once on any client. The iterator's
 * steps are asynchronous when the client is (see avala_iter_next).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_task_list(avala_iter **out, avala_client *client, const avala_list_options *opts,
                              avala_error **out_err);
/**
 * @brief One page of tasks.
 *
 * GET /tasks/ — filters: "project", "status".
 * @param[out] out The page, owned by the caller (avala_page_free).
 * @param client The client.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_page* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_task_list_page(avala_page **out, avala_client *client,
                                   const avala_list_options *opts, avala_error **out_err);
/**
 * @brief One task: GET /tasks/{uid}/.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_task_get(avala_object **out, avala_client *client, const char *uid,
                             avala_error **out_err);

/* ---- Exports ------------------------------------------------------------ */
/**
 * @brief An iterator over every export; sends nothing yet.
 *
 * GET /exports/ — no filters.
 * @param[out] out The iterator, owned by the caller (avala_iter_free).
 * @param client The client; an iterator keeps what it needs of it alive.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * Sends nothing, so it returns at once on any client. The iterator's
 * steps are asynchronous when the client is (see avala_iter_next).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_export_list(avala_iter **out, avala_client *client, const avala_list_options *opts,
                                avala_error **out_err);
/**
 * @brief One page of exports.
 *
 * GET /exports/ — no filters.
 * @param[out] out The page, owned by the caller (avala_page_free).
 * @param client The client.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_page* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_export_list_page(avala_page **out, avala_client *client,
                                     const avala_list_options *opts, avala_error **out_err);
/**
 * @brief Starts an export: POST /exports/ with {"project": uid} or {"dataset": uid}.
 *
 * Exactly one of project and dataset is non-NULL, else AVALA_E_INVALID_ARGUMENT.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param project The project's uid, or NULL (checked). Copied.
 * @param dataset The dataset's uid, or NULL (checked). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_export_create(avala_object **out, avala_client *client, const char *project,
                                  const char *dataset, avala_error **out_err);
/**
 * @brief One export: GET /exports/{uid}/.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_export_get(avala_object **out, avala_client *client, const char *uid,
                               avala_error **out_err);

/** How avala_export_wait polls. Versioned; 0 fields mean the default. */
typedef struct avala_wait_options {
  uint32_t version;    /**< AVALA_WAIT_OPTIONS_VERSION */
  int64_t interval_ms; /**< between polls; 0: 2000; below 500 is raised to 500; < 0: invalid */
  int64_t timeout_ms;  /**< overall; 0: 300000; < 0: invalid */
} avala_wait_options;
/** The newest avala_wait_options version this header knows. */
#define AVALA_WAIT_OPTIONS_VERSION 1
/** Static initialiser: every field its default. */
#define AVALA_WAIT_OPTIONS_INIT { AVALA_WAIT_OPTIONS_VERSION, 0, 0 }
/**
 * @brief Fills *opts with defaults for the given version.
 * @param opts The caller's struct; only the fields of @p version are written.
 * @param version The struct version the caller was built with.
 * @return AVALA_OK, or AVALA_E_INVALID_ARGUMENT for NULL or an unknown version.
 * @threads Any thread.
 */
AVALA_API int avala_wait_options_init(avala_wait_options *opts, uint32_t version);

/**
 * @brief Called by avala_export_wait after each poll, on the calling thread.
 * @param export_ The export just fetched, borrowed for the call.
 * @param elapsed_s Seconds since the wait began.
 * @param payload The caller's pointer given to avala_export_wait.
 * @return AVALA_CONTINUE to keep waiting; anything else stops the wait with
 *         AVALA_E_CANCELLED.
 */
typedef int (*avala_export_progress_fn)(const avala_object *export_, double elapsed_s, void *payload);

/**
 * @brief Polls GET /exports/{uid}/ until its status is terminal ("exported" or "failed").
 *
 * Returns that export — a failed export is a result, not an error; check its "status". On timeout:
 * AVALA_E_TIMEOUT, the message naming the last status seen. Blocks the calling thread; a callback
 * (or a separate poll loop over avala_export_get) is how a caller shows progress or cancels.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param opts Interval and timeout; NULL: defaults.
 * @param progress Called after each poll on the calling thread, or NULL.
 * @param payload Passed to @p progress as is.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * The polls, their sleeps and the progress callback run on the engine's
 * thread; the callback must not block.
 * @threads Any thread (blocks it); @p client may be shared; the callback runs on this thread.
 */
AVALA_API int avala_export_wait(avala_object **out, avala_client *client, const char *uid,
                                const avala_wait_options *opts, avala_export_progress_fn progress,
                                void *payload, avala_error **out_err);

/* ---- Agents ------------------------------------------------------------- */
/* Create and update take the fields as a JSON object, e.g.
 * {"name": "qa-bot", "events": ["task.completed"], "is_active": true}.
 * Accepted fields: name (string, required on create), events (list of
 * strings), description, callback_url, project (strings), is_active (bool),
 * task_types (list of strings). An unknown field, a wrong type or a missing
 * required field gives AVALA_E_INVALID_ARGUMENT and nothing is sent. Update
 * sends exactly the given fields (PATCH). */
/**
 * @brief An iterator over every agent; sends nothing yet.
 *
 * GET /agents/ — no filters.
 * @param[out] out The iterator, owned by the caller (avala_iter_free).
 * @param client The client; an iterator keeps what it needs of it alive.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * Sends nothing, so it returns at once on any client. The iterator's
 * steps are asynchronous when the client is (see avala_iter_next).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_list(avala_iter **out, avala_client *client, const avala_list_options *opts,
                               avala_error **out_err);
/**
 * @brief One page of agents.
 *
 * GET /agents/ — no filters.
 * @param[out] out The page, owned by the caller (avala_page_free).
 * @param client The client.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_page* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_list_page(avala_page **out, avala_client *client,
                                    const avala_list_options *opts, avala_error **out_err);
/**
 * @brief One agent: GET /agents/{uid}/.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_get(avala_object **out, avala_client *client, const char *uid,
                              avala_error **out_err);
/**
 * @brief Creates an agent: POST /agents/.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param fields_json A JSON object of the fields (see "Agents" above: name, events, description, callback_url, project, is_active, task_types); an unknown field or a wrong type gives AVALA_E_INVALID_ARGUMENT and nothing is sent. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_create(avala_object **out, avala_client *client, const char *fields_json,
                                 avala_error **out_err);
/**
 * @brief Updates an agent: PATCH /agents/{uid}/ with exactly the given fields.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param fields_json A JSON object of the fields (see "Agents" above: name, events, description, callback_url, project, is_active, task_types); an unknown field or a wrong type gives AVALA_E_INVALID_ARGUMENT and nothing is sent. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_update(avala_object **out, avala_client *client, const char *uid,
                                 const char *fields_json, avala_error **out_err);
/**
 * @brief Deletes an agent: DELETE /agents/{uid}/ (204: nothing returned).
 * @param client The client.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING; the completion's result is NULL.
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_delete(avala_client *client, const char *uid, avala_error **out_err);
/**
 * @brief An iterator over an agent's executions; sends nothing yet.
 *
 * GET /agents/{uid}/executions/.
 * @param[out] out The iterator, owned by the caller (avala_iter_free).
 * @param client The client; an iterator keeps what it needs of it alive.
 * @param agent_uid The agent's uid (checked). Copied.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * Sends nothing, so it returns at once on any client. The iterator's
 * steps are asynchronous when the client is (see avala_iter_next).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_execution_list(avala_iter **out, avala_client *client, const char *agent_uid,
                                         const avala_list_options *opts, avala_error **out_err);
/**
 * @brief One page of an agent's executions.
 *
 * GET /agents/{uid}/executions/.
 * @param[out] out The page, owned by the caller (avala_page_free).
 * @param client The client.
 * @param agent_uid The agent's uid (checked). Copied.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_page* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_execution_list_page(avala_page **out, avala_client *client,
                                              const char *agent_uid, const avala_list_options *opts,
                                              avala_error **out_err);
/**
 * @brief Sends an agent a test event: POST /agents/{uid}/test/.
 *
 * The object is the server's answer, e.g. {"success": true} (AVALA_OBJECT_OTHER).
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_agent_test(avala_object **out, avala_client *client, const char *uid,
                               avala_error **out_err);

/* ---- Quality targets (scoped by project) -------------------------------- */
/* Fields for create/update: name, metric, operator, severity (strings),
 * threshold (number), is_active, notify_webhook (bool), notify_emails (list
 * of strings); name, metric and threshold are required on create. */
/**
 * @brief An iterator over a project's quality targets; sends nothing yet.
 *
 * GET /projects/{project}/quality-targets/.
 * @param[out] out The iterator, owned by the caller (avala_iter_free).
 * @param client The client; an iterator keeps what it needs of it alive.
 * @param project The project's uid (checked). Copied.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * Sends nothing, so it returns at once on any client. The iterator's
 * steps are asynchronous when the client is (see avala_iter_next).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_quality_target_list(avala_iter **out, avala_client *client, const char *project,
                                        const avala_list_options *opts, avala_error **out_err);
/**
 * @brief One page of a project's quality targets.
 *
 * GET /projects/{project}/quality-targets/.
 * @param[out] out The page, owned by the caller (avala_page_free).
 * @param client The client.
 * @param project The project's uid (checked). Copied.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_page* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_quality_target_list_page(avala_page **out, avala_client *client,
                                             const char *project, const avala_list_options *opts,
                                             avala_error **out_err);
/**
 * @brief One quality target: GET /projects/{project}/quality-targets/{uid}/.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param project The project's uid (checked). Copied.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_quality_target_get(avala_object **out, avala_client *client, const char *project,
                                       const char *uid, avala_error **out_err);
/**
 * @brief Creates a quality target: POST /projects/{project}/quality-targets/.
 *
 * name, metric and threshold are required.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param project The project's uid (checked). Copied.
 * @param fields_json A JSON object of the fields (see "Quality targets" above); an unknown field or a wrong type gives AVALA_E_INVALID_ARGUMENT and nothing is sent. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_quality_target_create(avala_object **out, avala_client *client, const char *project,
                                          const char *fields_json, avala_error **out_err);
/**
 * @brief Updates a quality target: PATCH with exactly the given fields.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param project The project's uid (checked). Copied.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param fields_json A JSON object of the fields (see "Quality targets" above); an unknown field or a wrong type gives AVALA_E_INVALID_ARGUMENT and nothing is sent. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_quality_target_update(avala_object **out, avala_client *client, const char *project,
                                          const char *uid, const char *fields_json,
                                          avala_error **out_err);
/**
 * @brief Deletes a quality target (204: nothing returned).
 * @param client The client.
 * @param project The project's uid (checked). Copied.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING; the completion's result is NULL.
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_quality_target_delete(avala_client *client, const char *project, const char *uid,
                                          avala_error **out_err);
/**
 * @brief Evaluates a project's quality targets: POST /projects/{project}/quality-targets/evaluate/.
 *
 * The server answers a bare array; it comes back as a page without cursors.
 * @param[out] out The page, owned by the caller (avala_page_free).
 * @param client The client.
 * @param project The project's uid (checked). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_page* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_quality_target_evaluate(avala_page **out, avala_client *client, const char *project,
                                            avala_error **out_err);

/* ---- Datasets ----------------------------------------------------------- */
/**
 * @brief An iterator over every dataset; sends nothing yet.
 *
 * GET /datasets/ — filters: "data_type", "name", "status", "visibility".
 * @param[out] out The iterator, owned by the caller (avala_iter_free).
 * @param client The client; an iterator keeps what it needs of it alive.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * Sends nothing, so it returns at once on any client. The iterator's
 * steps are asynchronous when the client is (see avala_iter_next).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_dataset_list(avala_iter **out, avala_client *client, const avala_list_options *opts,
                                 avala_error **out_err);
/**
 * @brief One page of datasets.
 *
 * GET /datasets/ — filters: "data_type", "name", "status", "visibility".
 * @param[out] out The page, owned by the caller (avala_page_free).
 * @param client The client.
 * @param opts Limit, cursor, filters; NULL: defaults. Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_page* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_dataset_list_page(avala_page **out, avala_client *client,
                                      const avala_list_options *opts, avala_error **out_err);
/**
 * @brief One dataset: GET /datasets/{uid}/.
 * @param[out] out The object, owned by the caller (avala_object_free).
 * @param client The client.
 * @param uid The uid (checked; nothing is sent for an unsafe one). Copied.
 * @param[out] out_err On failure a new error owned by the caller; may be NULL.
 * @return AVALA_OK or a negative AVALA_E_* code; on failure *out is NULL.
 * @par Async
 * On a client with a queue: returns AVALA_PENDING, and the completion's
 * result is the avala_object* (the caller's).
 * @threads Any thread; @p client may be shared.
 */
AVALA_API int avala_dataset_get(avala_object **out, avala_client *client, const char *uid,
                                avala_error **out_err);

#ifdef __cplusplus
}
#endif

#endif /* AVALA_H */
