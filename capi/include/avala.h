/*
 * avala.h — the stable C ABI of libavala, the Avala SDK.
 *
 * Conventions (see README "C API"):
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
#define AVALA_API
#endif

/* ---- Version ----------------------------------------------------------- */

#define AVALA_VERSION_MAJOR 0
#define AVALA_VERSION_MINOR 1
#define AVALA_VERSION_PATCH 0
#define AVALA_VERSION_STRING "0.1.0"

/* The library's version at run time, e.g. "0.1.0". Static storage. */
AVALA_API const char *avala_version(void);

/* ---- Status codes ------------------------------------------------------ */

#define AVALA_OK 0
#define AVALA_ITER_END 1 /* an iterator has no more items (not an error) */

#define AVALA_E_INVALID_ARGUMENT -1 /* bad argument: NULL, unsafe uid, bad option */
#define AVALA_E_CONFIG -2           /* no API key, insecure or malformed base URL */
#define AVALA_E_AUTHENTICATION -3   /* HTTP 401 */
#define AVALA_E_FORBIDDEN -4        /* HTTP 403 */
#define AVALA_E_NOT_FOUND -5        /* HTTP 404 */
#define AVALA_E_VALIDATION -6       /* HTTP 400, 422 */
#define AVALA_E_RATE_LIMITED -7     /* HTTP 429; see avala_error_retry_after */
#define AVALA_E_SERVER -8           /* HTTP >= 500 */
#define AVALA_E_API -9              /* any other HTTP status >= 400 */
#define AVALA_E_REDIRECT -10        /* HTTP 3xx: redirects are never followed */
#define AVALA_E_TIMEOUT -11         /* the request's deadline passed */
#define AVALA_E_NETWORK -12         /* connect/reset/DNS failure */
#define AVALA_E_TLS -13             /* TLS handshake or certificate failure */
#define AVALA_E_DECODE -14          /* the response was not what the API promises */
#define AVALA_E_CROSS_ORIGIN -15    /* a pagination link pointed at another origin */
#define AVALA_E_NO_MEMORY -16
#define AVALA_E_INTERNAL -17        /* a bug in libavala; please report it */
#define AVALA_E_CANCELLED -18       /* cancelled: a cancel handle fired, an interrupt or
                                       progress callback of the caller's asked to stop */

/* What a progress callback returns to let a call carry on. Anything else
 * (including 0) stops the call with AVALA_E_CANCELLED. */
#define AVALA_CONTINUE 1

/* A stable lower-case name for a status code ("not_found", "ok", ...).
 * Static storage; "unknown" for codes this version does not know. */
AVALA_API const char *avala_status_name(int status);

/* ---- Errors ------------------------------------------------------------ */

/* An immutable error report. Owned by the caller; any thread may read it. */
typedef struct avala_error avala_error;

AVALA_API void avala_error_free(avala_error *err);
/* The AVALA_E_* code. */
AVALA_API int avala_error_code(const avala_error *err);
/* A one-line, human-readable message. Secrets are redacted. Borrowed. */
AVALA_API const char *avala_error_message(const avala_error *err);
/* The HTTP status, or 0 when no response was received. */
AVALA_API int32_t avala_error_http_status(const avala_error *err);
/* The response body, redacted; "" when there was none. Borrowed. */
AVALA_API const char *avala_error_body(const avala_error *err);
/* Seconds from Retry-After, or -1 when the server sent none. */
AVALA_API double avala_error_retry_after(const avala_error *err);
/* How many attempts were made (1 + retries); 0 if nothing was sent. */
AVALA_API int32_t avala_error_attempts(const avala_error *err);

/* ---- Strings ----------------------------------------------------------- */

/* Frees a string that libavala allocated for the caller. NULL is fine. */
AVALA_API void avala_string_free(char *s);

/* ---- Client ------------------------------------------------------------ */

/* A connection to the Avala API: configuration, a keep-alive connection pool,
 * rate-limit state. Safe to share between threads. Handles derived from it
 * (iterators) keep what they need alive, so the client may be freed first. */
typedef struct avala_client avala_client;

/* Client options. A versioned struct: fields are only ever appended.
 * Initialise with AVALA_CLIENT_OPTIONS_INIT or avala_client_options_init();
 * NULL / 0 / -1 fields mean "default". Strings are copied. */
typedef struct avala_client_options {
  uint32_t version;          /* AVALA_CLIENT_OPTIONS_VERSION */
  const char *api_key;       /* NULL: env AVALA_API_KEY */
  const char *base_url;      /* NULL: env AVALA_BASE_URL, else https://api.avala.ai/api/v1 */
  int64_t timeout_ms;        /* one deadline per request; <= 0: 30000 */
  const char *ca_file;       /* PEM bundle to trust instead of the system store */
  const char *user_agent_suffix; /* appended to "avala-cpp/<version>", e.g. "python/3.11" */
  int32_t max_retries;       /* < 0: default (2) */
  /* v2: 1 = client-side rate limiting: when the X-RateLimit-Remaining of the
   * current window reaches 0, calls wait (on their own thread) until
   * X-RateLimit-Reset instead of collecting 429s. 0: off (the default). */
  int32_t rate_limit;
} avala_client_options;

#define AVALA_CLIENT_OPTIONS_VERSION 2
#define AVALA_CLIENT_OPTIONS_INIT \
  { AVALA_CLIENT_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, -1, 0 }

/* Fills *opts with defaults for the given version. */
AVALA_API int avala_client_options_init(avala_client_options *opts, uint32_t version);

/* Creates a client. opts may be NULL (all defaults, from the environment).
 * Fails with AVALA_E_CONFIG for a missing key or an unacceptable base URL;
 * no request is sent. */
AVALA_API int avala_client_new(avala_client **out, const avala_client_options *opts,
                               avala_error **out_err);
/* Frees the handle. Calls already running on it (from other threads) are
 * not disturbed: each holds what it uses and returns normally; to stop them,
 * fire their cancel handle (avala_client_derive) first. A call that starts
 * after (or while) the handle is freed is a use-after-free. NULL is fine. */
AVALA_API void avala_client_free(avala_client *client);

/* The base URL in use, after defaults and normalisation. Borrowed. */
AVALA_API const char *avala_client_base_url(const avala_client *client);

/* Rate-limit figures from the X-RateLimit-* headers of the last response.
 * Each field is -1 when unknown. */
typedef struct avala_rate_limit {
  int64_t limit;
  int64_t remaining;
  int64_t reset; /* unix seconds */
} avala_rate_limit;
AVALA_API int avala_client_rate_limit(avala_rate_limit *out, const avala_client *client);

/* ---- Cancellation and call options ------------------------------------ */

/* A cancel handle: fired once, it stops every call that carries it (through
 * a client made by avala_client_derive) and keeps stopping them until reset.
 * A call it stops returns AVALA_E_CANCELLED within milliseconds, wherever it
 * was: resolving, connecting, writing, waiting for the answer, sleeping
 * between retries, waiting for the rate limiter or between export polls. The
 * connection it was using is closed, never pooled half-read.
 * Threads: fire from any thread, or from a signal handler. */
typedef struct avala_cancel avala_cancel;

/* A new, unfired cancel handle, owned by the caller. */
AVALA_API int avala_cancel_new(avala_cancel **out, avala_error **out_err);
/* Frees the caller's reference; clients derived with it keep the token alive
 * (firing it then is impossible). NULL is fine. */
AVALA_API void avala_cancel_free(avala_cancel *cancel);
/* Fires it. Idempotent, any thread, and async-signal-safe (an atomic store
 * and a write(2) to an eventfd), so a SIGINT handler may call it. */
AVALA_API void avala_cancel_fire(avala_cancel *cancel);
/* 1 when fired (and not reset since), else 0. */
AVALA_API int avala_cancel_fired(const avala_cancel *cancel);
/* Unfires it, for reuse. Only while no call carrying it is running. */
AVALA_API void avala_cancel_reset(avala_cancel *cancel);

/* Asked on the waiting thread, every interrupt_interval_ms while a blocking
 * call waits, with the payload given. Return AVALA_CONTINUE to keep waiting;
 * anything else stops the call with AVALA_E_CANCELLED. This is how an
 * interpreter runs its own signal handling (Python's Ctrl-C) during a call:
 * the callback runs on the thread that made the call, never another. */
typedef int (*avala_interrupt_fn)(void *payload);

/* Options carried by every call of a derived client. Versioned; fields are
 * only ever appended. NULL / 0 fields mean "none" / the default. */
typedef struct avala_call_options {
  uint32_t version;                /* AVALA_CALL_OPTIONS_VERSION */
  avala_cancel *cancel;            /* fired: the calls stop; the client keeps a reference */
  avala_interrupt_fn interrupt;    /* see avala_interrupt_fn; NULL: none */
  void *interrupt_payload;         /* handed to interrupt; the caller keeps it alive */
  int64_t interrupt_interval_ms;   /* <= 0: 50 */
} avala_call_options;
#define AVALA_CALL_OPTIONS_VERSION 1
#define AVALA_CALL_OPTIONS_INIT { AVALA_CALL_OPTIONS_VERSION, NULL, NULL, NULL, 0 }

/* A new client handle sharing `client`'s configuration, connection pool,
 * engine and rate-limit state, whose calls — and the iterators made from it
 * — carry `opts` (a cancel handle, an interrupt callback). Cheap: make one
 * per cancellable operation, or one per thread. Owned by the caller
 * (avala_client_free), independent of `client`'s handle. opts may be NULL
 * (a plain second handle). */
AVALA_API int avala_client_derive(avala_client **out, avala_client *client,
                                  const avala_call_options *opts, avala_error **out_err);

/* ---- Generic request (endpoints with no wrapper yet) ------------------ */

/* A raw response: status, headers, body. Immutable; owned by the caller. */
typedef struct avala_response avala_response;

/* Sends `method` to base_url + path_and_query (which must start with '/',
 * e.g. "/users/me/projects/?limit=5"; no scheme, host, "..", or control
 * characters). body_json may be NULL. A status >= 300 becomes an error like
 * every other call; on success *out holds the response. */
AVALA_API int avala_request(avala_response **out, avala_client *client, const char *method,
                            const char *path_and_query, const char *body_json,
                            avala_error **out_err);
AVALA_API void avala_response_free(avala_response *resp);
AVALA_API int32_t avala_response_status(const avala_response *resp);
/* The body (not NUL-terminated data may follow len; a NUL is appended).
 * Borrowed. If len is non-NULL it receives the length in bytes. */
AVALA_API const char *avala_response_body(const avala_response *resp, size_t *len);
/* A header's value (first occurrence, case-insensitive name), or NULL. Borrowed. */
AVALA_API const char *avala_response_header(const avala_response *resp, const char *name);

/* ---- Projects ---------------------------------------------------------- */

/* One project. Immutable; read from any thread. */
typedef struct avala_project avala_project;

/* Project status as an enum; the raw string is always avala_project_status. */
typedef enum avala_project_status_kind {
  AVALA_PROJECT_STATUS_UNKNOWN = 0, /* null, missing, or a value this version does not know */
  AVALA_PROJECT_STATUS_ACTIVE = 1,
  AVALA_PROJECT_STATUS_COMPLETED = 2,
  AVALA_PROJECT_STATUS_PAUSED = 3,
  AVALA_PROJECT_STATUS_ARCHIVED = 4,
  AVALA_PROJECT_STATUS_PENDING_APPROVAL = 5,
  AVALA_PROJECT_STATUS_CANCELED = 6
} avala_project_status_kind;

AVALA_API void avala_project_free(avala_project *project);
/* A copy, owned by the caller. */
AVALA_API int avala_project_clone(avala_project **out, const avala_project *project);
/* Typed getters. Borrowed strings; NULL when the field is absent or null. */
AVALA_API const char *avala_project_uid(const avala_project *project);
AVALA_API const char *avala_project_name(const avala_project *project);
AVALA_API const char *avala_project_status(const avala_project *project);
AVALA_API avala_project_status_kind avala_project_status_kind_of(const avala_project *project);
AVALA_API const char *avala_project_created_at(const avala_project *project);
AVALA_API const char *avala_project_updated_at(const avala_project *project);
/* The whole object as compact JSON, every field the server sent. Borrowed. */
AVALA_API const char *avala_project_json(const avala_project *project);
/* One field as JSON text (e.g. "\"private\"", "true", "null"), or NULL when the
 * object has no such field. Any field, documented or not. Borrowed. */
AVALA_API const char *avala_project_field_json(const avala_project *project, const char *field);

/* Options for list calls. Versioned; fields only ever appended.
 * Version 2 added `filters`: query filters as NULL-terminated name/value
 * pairs, e.g. {"project", uid, "status", "completed", NULL}. Each list names
 * the filters it takes; any other name gives AVALA_E_INVALID_ARGUMENT and
 * nothing is sent. Filters survive page following (the server's `next` link
 * carries them). */
typedef struct avala_list_options {
  uint32_t version; /* AVALA_LIST_OPTIONS_VERSION */
  int32_t limit;    /* page size; <= 0: the server's default */
  const char *cursor; /* start here (a next_cursor from an earlier page); NULL: first page */
  const char *const *filters; /* v2: name, value, name, value, ..., NULL; NULL: none */
} avala_list_options;
#define AVALA_LIST_OPTIONS_VERSION 2
#define AVALA_LIST_OPTIONS_INIT { AVALA_LIST_OPTIONS_VERSION, 0, NULL, NULL }
AVALA_API int avala_list_options_init(avala_list_options *opts, uint32_t version);

/* GET /users/me/projects/{uid}/. The uid is checked first: "", ".", "..",
 * '/', '\\', %2e, %2f or control characters give AVALA_E_INVALID_ARGUMENT and
 * nothing is sent. */
AVALA_API int avala_project_get(avala_project **out, avala_client *client, const char *uid,
                                avala_error **out_err);

/* One page of projects. Immutable; read from any thread. */
typedef struct avala_project_page avala_project_page;

/* GET /users/me/projects/?limit&cursor — exactly one page. opts may be NULL. */
AVALA_API int avala_project_list_page(avala_project_page **out, avala_client *client,
                                      const avala_list_options *opts, avala_error **out_err);
AVALA_API void avala_project_page_free(avala_project_page *page);
AVALA_API size_t avala_project_page_count(const avala_project_page *page);
/* Item i (0-based), borrowed: valid until the page is freed; NULL if out of
 * range. avala_project_clone it to keep it longer. */
AVALA_API const avala_project *avala_project_page_item(const avala_project_page *page, size_t i);
/* Cursors for the neighbouring pages, or NULL. Borrowed. */
AVALA_API const char *avala_project_page_next_cursor(const avala_project_page *page);
AVALA_API const char *avala_project_page_previous_cursor(const avala_project_page *page);
/* 1 when the server says there is a next page, else 0. */
AVALA_API int avala_project_page_has_more(const avala_project_page *page);

/* Lazily walks every project across pages, holding one page. Reads ahead:
 * when a page arrives, the request for the next one goes out at once, so the
 * server prepares it while the caller uses this one (freeing the iterator
 * early closes that request's connection; a failure of it is reported when
 * the caller reaches that page). Follows the server's `next` link only when
 * it has the base URL's scheme, host and port (AVALA_E_CROSS_ORIGIN
 * otherwise). One thread at a time. */
typedef struct avala_project_iter avala_project_iter;

/* Creates the iterator; sends nothing yet. opts may be NULL. */
AVALA_API int avala_project_list(avala_project_iter **out, avala_client *client,
                                 const avala_list_options *opts, avala_error **out_err);
/* AVALA_OK with *out a project owned by the caller (free it with
 * avala_project_free), AVALA_ITER_END when done, or a negative code. After an
 * error the iterator may be retried: it resumes at the page that failed. */
AVALA_API int avala_project_iter_next(avala_project **out, avala_project_iter *it,
                                      avala_error **out_err);
AVALA_API void avala_project_iter_free(avala_project_iter *it);

/* ---- Resource objects (tasks, exports, agents, quality targets, ...) --- */

/* One object the API returned: a task, an export, an agent, an agent
 * execution, a quality target, an evaluation, a dataset, or the free-form
 * answer of a call such as avala_agent_test. Every field the server sent is
 * kept. Immutable; read from any thread.
 *
 * Why one handle type rather than one per resource: the resources share every
 * accessor, new fields need no ABI change, and FFI users declare one set of
 * functions. avala_object_kind says which resource an object is. */
typedef struct avala_object avala_object;

typedef enum avala_object_kind {
  AVALA_OBJECT_OTHER = 0, /* a free-form JSON object (e.g. an agent test result) */
  AVALA_OBJECT_TASK = 1,
  AVALA_OBJECT_EXPORT = 2,
  AVALA_OBJECT_AGENT = 3,
  AVALA_OBJECT_AGENT_EXECUTION = 4,
  AVALA_OBJECT_QUALITY_TARGET = 5,
  AVALA_OBJECT_QUALITY_TARGET_EVALUATION = 6,
  AVALA_OBJECT_DATASET = 7
} avala_object_kind;

AVALA_API void avala_object_free(avala_object *obj);
/* A copy, owned by the caller. */
AVALA_API int avala_object_clone(avala_object **out, const avala_object *obj);
AVALA_API avala_object_kind avala_object_kind_of(const avala_object *obj);
/* A string field ("uid", "name", "status", "created_at", ...). Borrowed; NULL
 * when the field is absent, null, or not a string. */
AVALA_API const char *avala_object_string(const avala_object *obj, const char *field);
/* Numeric and boolean fields. AVALA_OK and *out set when the field holds a
 * value of that type (an integral number for _int; any number for _double);
 * otherwise AVALA_E_INVALID_ARGUMENT and *out untouched. *out of _bool is 0 or 1. */
AVALA_API int avala_object_int(int64_t *out, const avala_object *obj, const char *field);
AVALA_API int avala_object_double(double *out, const avala_object *obj, const char *field);
AVALA_API int avala_object_bool(int *out, const avala_object *obj, const char *field);
/* The whole object as compact JSON. Borrowed. */
AVALA_API const char *avala_object_json(const avala_object *obj);
/* One field as JSON text (e.g. "[\"task.completed\"]", "0.5", "null"), or NULL
 * when the object has no such field. Borrowed. */
AVALA_API const char *avala_object_field_json(const avala_object *obj, const char *field);

/* One page of objects, or the items of an endpoint that answers a bare array
 * (then both cursors are NULL and has_more is 0). Immutable. */
typedef struct avala_page avala_page;
AVALA_API void avala_page_free(avala_page *page);
AVALA_API size_t avala_page_count(const avala_page *page);
/* Item i, borrowed until the page is freed; NULL if out of range. */
AVALA_API const avala_object *avala_page_item(const avala_page *page, size_t i);
AVALA_API const char *avala_page_next_cursor(const avala_page *page);
AVALA_API const char *avala_page_previous_cursor(const avala_page *page);
AVALA_API int avala_page_has_more(const avala_page *page);

/* Lazily walks every object of a list across pages; same rules as
 * avala_project_iter (one page held, the next one read ahead, same-origin
 * `next` only, resumable after an error). One thread at a time. */
typedef struct avala_iter avala_iter;
/* AVALA_OK with *out owned by the caller (avala_object_free), AVALA_ITER_END
 * when done, or a negative code. */
AVALA_API int avala_iter_next(avala_object **out, avala_iter *it, avala_error **out_err);
AVALA_API void avala_iter_free(avala_iter *it);

/* Every uid below is checked like avala_project_get's (AVALA_E_INVALID_ARGUMENT,
 * nothing sent). Every _list creates an iterator and sends nothing yet; every
 * _list_page fetches exactly one page. opts may be NULL. */

/* ---- Tasks -------------------------------------------------------------- */
/* GET /tasks/  — filters: "project", "status". */
AVALA_API int avala_task_list(avala_iter **out, avala_client *client, const avala_list_options *opts,
                              avala_error **out_err);
AVALA_API int avala_task_list_page(avala_page **out, avala_client *client,
                                   const avala_list_options *opts, avala_error **out_err);
/* GET /tasks/{uid}/ */
AVALA_API int avala_task_get(avala_object **out, avala_client *client, const char *uid,
                             avala_error **out_err);

/* ---- Exports ------------------------------------------------------------ */
/* GET /exports/  — no filters. */
AVALA_API int avala_export_list(avala_iter **out, avala_client *client, const avala_list_options *opts,
                                avala_error **out_err);
AVALA_API int avala_export_list_page(avala_page **out, avala_client *client,
                                     const avala_list_options *opts, avala_error **out_err);
/* POST /exports/ with {"project": uid} or {"dataset": uid}: exactly one of
 * project and dataset is non-NULL, else AVALA_E_INVALID_ARGUMENT. */
AVALA_API int avala_export_create(avala_object **out, avala_client *client, const char *project,
                                  const char *dataset, avala_error **out_err);
/* GET /exports/{uid}/ */
AVALA_API int avala_export_get(avala_object **out, avala_client *client, const char *uid,
                               avala_error **out_err);

/* How avala_export_wait polls. Versioned; 0 fields mean the default. */
typedef struct avala_wait_options {
  uint32_t version;    /* AVALA_WAIT_OPTIONS_VERSION */
  int64_t interval_ms; /* between polls; 0: 2000; below 500 is raised to 500; < 0: invalid */
  int64_t timeout_ms;  /* overall; 0: 300000; < 0: invalid */
} avala_wait_options;
#define AVALA_WAIT_OPTIONS_VERSION 1
#define AVALA_WAIT_OPTIONS_INIT { AVALA_WAIT_OPTIONS_VERSION, 0, 0 }
AVALA_API int avala_wait_options_init(avala_wait_options *opts, uint32_t version);

/* Called after each poll, on the calling thread, with the export just
 * fetched (borrowed for the call) and the seconds since the wait began.
 * Return AVALA_CONTINUE to keep waiting; anything else stops the wait with
 * AVALA_E_CANCELLED. */
typedef int (*avala_export_progress_fn)(const avala_object *export_, double elapsed_s, void *payload);

/* Polls GET /exports/{uid}/ until its status is terminal ("exported" or
 * "failed") and returns that export — a failed export is a result, not an
 * error; check its "status". On timeout: AVALA_E_TIMEOUT, the message naming
 * the last status seen. opts and progress may be NULL. Blocks the calling
 * thread; a callback (or a separate poll loop over avala_export_get) is how a
 * caller shows progress or cancels. */
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
AVALA_API int avala_agent_list(avala_iter **out, avala_client *client, const avala_list_options *opts,
                               avala_error **out_err);
AVALA_API int avala_agent_list_page(avala_page **out, avala_client *client,
                                    const avala_list_options *opts, avala_error **out_err);
AVALA_API int avala_agent_get(avala_object **out, avala_client *client, const char *uid,
                              avala_error **out_err);
AVALA_API int avala_agent_create(avala_object **out, avala_client *client, const char *fields_json,
                                 avala_error **out_err);
AVALA_API int avala_agent_update(avala_object **out, avala_client *client, const char *uid,
                                 const char *fields_json, avala_error **out_err);
/* DELETE /agents/{uid}/ (204: nothing returned). */
AVALA_API int avala_agent_delete(avala_client *client, const char *uid, avala_error **out_err);
/* GET /agents/{uid}/executions/ */
AVALA_API int avala_agent_execution_list(avala_iter **out, avala_client *client, const char *agent_uid,
                                         const avala_list_options *opts, avala_error **out_err);
AVALA_API int avala_agent_execution_list_page(avala_page **out, avala_client *client,
                                              const char *agent_uid, const avala_list_options *opts,
                                              avala_error **out_err);
/* POST /agents/{uid}/test/ — the server's answer, e.g. {"success": true}. */
AVALA_API int avala_agent_test(avala_object **out, avala_client *client, const char *uid,
                               avala_error **out_err);

/* ---- Quality targets (scoped by project) -------------------------------- */
/* Fields for create/update: name, metric, operator, severity (strings),
 * threshold (number), is_active, notify_webhook (bool), notify_emails (list
 * of strings); name, metric and threshold are required on create. */
AVALA_API int avala_quality_target_list(avala_iter **out, avala_client *client, const char *project,
                                        const avala_list_options *opts, avala_error **out_err);
AVALA_API int avala_quality_target_list_page(avala_page **out, avala_client *client,
                                             const char *project, const avala_list_options *opts,
                                             avala_error **out_err);
AVALA_API int avala_quality_target_get(avala_object **out, avala_client *client, const char *project,
                                       const char *uid, avala_error **out_err);
AVALA_API int avala_quality_target_create(avala_object **out, avala_client *client, const char *project,
                                          const char *fields_json, avala_error **out_err);
AVALA_API int avala_quality_target_update(avala_object **out, avala_client *client, const char *project,
                                          const char *uid, const char *fields_json,
                                          avala_error **out_err);
AVALA_API int avala_quality_target_delete(avala_client *client, const char *project, const char *uid,
                                          avala_error **out_err);
/* POST /projects/{project}/quality-targets/evaluate/ — the server answers a
 * bare array; it comes back as a page without cursors. */
AVALA_API int avala_quality_target_evaluate(avala_page **out, avala_client *client, const char *project,
                                            avala_error **out_err);

/* ---- Datasets ----------------------------------------------------------- */
/* GET /datasets/  — filters: "data_type", "name", "status", "visibility". */
AVALA_API int avala_dataset_list(avala_iter **out, avala_client *client, const avala_list_options *opts,
                                 avala_error **out_err);
AVALA_API int avala_dataset_list_page(avala_page **out, avala_client *client,
                                      const avala_list_options *opts, avala_error **out_err);
AVALA_API int avala_dataset_get(avala_object **out, avala_client *client, const char *uid,
                                avala_error **out_err);

#ifdef __cplusplus
}
#endif

#endif /* AVALA_H */
