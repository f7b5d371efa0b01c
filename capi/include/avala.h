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
} avala_client_options;

#define AVALA_CLIENT_OPTIONS_VERSION 1
#define AVALA_CLIENT_OPTIONS_INIT \
  { AVALA_CLIENT_OPTIONS_VERSION, NULL, NULL, 0, NULL, NULL, -1 }

/* Fills *opts with defaults for the given version. */
AVALA_API int avala_client_options_init(avala_client_options *opts, uint32_t version);

/* Creates a client. opts may be NULL (all defaults, from the environment).
 * Fails with AVALA_E_CONFIG for a missing key or an unacceptable base URL;
 * no request is sent. */
AVALA_API int avala_client_new(avala_client **out, const avala_client_options *opts,
                               avala_error **out_err);
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

/* Options for list calls. Versioned; fields only ever appended. */
typedef struct avala_list_options {
  uint32_t version; /* AVALA_LIST_OPTIONS_VERSION */
  int32_t limit;    /* page size; <= 0: the server's default */
  const char *cursor; /* start here (a next_cursor from an earlier page); NULL: first page */
} avala_list_options;
#define AVALA_LIST_OPTIONS_VERSION 1
#define AVALA_LIST_OPTIONS_INIT { AVALA_LIST_OPTIONS_VERSION, 0, NULL }
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

/* Lazily walks every project across pages, fetching the next page only when
 * the current one is used up; memory stays one page. Follows the server's
 * `next` link only when it has the base URL's scheme, host and port
 * (AVALA_E_CROSS_ORIGIN otherwise). One thread at a time. */
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

#ifdef __cplusplus
}
#endif

#endif /* AVALA_H */
