// The C ABI over the C++ core. Every entry point runs inside guard(), the one
// place C++ exceptions become status codes and avala_error objects.
#include "avala.h"

#include <cstdlib>
#include <cstring>
#include <strings.h>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include <boost/json/serialize.hpp>

#include "avala/client.hpp"
#include "avala/error.hpp"
#include "avala/resources/projects.hpp"

static_assert(static_cast<int>(avala::ProjectStatus::unknown) == AVALA_PROJECT_STATUS_UNKNOWN &&
                  static_cast<int>(avala::ProjectStatus::active) == AVALA_PROJECT_STATUS_ACTIVE &&
                  static_cast<int>(avala::ProjectStatus::completed) == AVALA_PROJECT_STATUS_COMPLETED &&
                  static_cast<int>(avala::ProjectStatus::paused) == AVALA_PROJECT_STATUS_PAUSED &&
                  static_cast<int>(avala::ProjectStatus::archived) == AVALA_PROJECT_STATUS_ARCHIVED &&
                  static_cast<int>(avala::ProjectStatus::pending_approval) ==
                      AVALA_PROJECT_STATUS_PENDING_APPROVAL &&
                  static_cast<int>(avala::ProjectStatus::canceled) == AVALA_PROJECT_STATUS_CANCELED,
              "ProjectStatus and avala_project_status_kind must agree");

struct avala_error {
  int code;
  std::string message;
  int32_t http_status;
  std::string body;
  double retry_after;
  int32_t attempts;
};

struct avala_client {
  avala::Client client;
};

struct avala_response {
  avala::HttpResponse resp;
};

// An item: the core's Project plus JSON text made on first request and kept,
// so borrowed strings live as long as the handle. Thread-safe lazy caches.
struct avala_project {
  explicit avala_project(avala::Project p) : project(std::move(p)) {}
  avala::Project project;
  std::mutex mu;
  std::unique_ptr<std::string> json;
  std::map<std::string, std::string, std::less<>> fields;
};

struct avala_project_page {
  std::vector<std::unique_ptr<avala_project>> items;
  std::string next_cursor, previous_cursor;
  bool has_next_cursor = false, has_previous_cursor = false, has_more = false;
};

struct avala_project_iter {
  avala::Paginator<avala::Project> pager;
};

namespace {

int code_of(avala::ErrorKind k) noexcept {
  using K = avala::ErrorKind;
  switch (k) {
    case K::invalid_argument: return AVALA_E_INVALID_ARGUMENT;
    case K::config: return AVALA_E_CONFIG;
    case K::authentication: return AVALA_E_AUTHENTICATION;
    case K::forbidden: return AVALA_E_FORBIDDEN;
    case K::not_found: return AVALA_E_NOT_FOUND;
    case K::validation: return AVALA_E_VALIDATION;
    case K::rate_limited: return AVALA_E_RATE_LIMITED;
    case K::server: return AVALA_E_SERVER;
    case K::api: return AVALA_E_API;
    case K::redirect: return AVALA_E_REDIRECT;
    case K::timeout: return AVALA_E_TIMEOUT;
    case K::network: return AVALA_E_NETWORK;
    case K::tls: return AVALA_E_TLS;
    case K::decode: return AVALA_E_DECODE;
    case K::cross_origin: return AVALA_E_CROSS_ORIGIN;
    case K::internal: return AVALA_E_INTERNAL;
  }
  return AVALA_E_INTERNAL;
}

int fail(avala_error** out_err, int code, const char* message, int32_t status = 0, const std::string& body = {},
         double retry_after = -1, int32_t attempts = 0) noexcept {
  if (out_err != nullptr) {
    try {
      *out_err = new avala_error{code, message, status, body, retry_after, attempts};
    } catch (...) {
      *out_err = nullptr;  // out of memory: the code still tells the story
    }
  }
  return code;
}

template <class F>
int guard(avala_error** out_err, F&& body) noexcept {
  if (out_err != nullptr) *out_err = nullptr;
  try {
    return body();
  } catch (const avala::Error& e) {
    return fail(out_err, code_of(e.kind()), e.what(), e.http_status(), e.body(), e.retry_after().value_or(-1.0),
                e.attempts());
  } catch (const std::bad_alloc&) {
    return fail(out_err, AVALA_E_NO_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    std::string msg = std::string("internal error in libavala: ") + e.what();
    return fail(out_err, AVALA_E_INTERNAL, msg.c_str());
  } catch (...) {
    return fail(out_err, AVALA_E_INTERNAL, "internal error in libavala");
  }
}

int invalid(avala_error** out_err, const char* what) noexcept {
  if (out_err != nullptr) *out_err = nullptr;
  return fail(out_err, AVALA_E_INVALID_ARGUMENT, what);
}

const char* c_str_or_null(std::optional<std::string_view> v) noexcept {
  // Boost.JSON strings are NUL-terminated, so a view of one is a C string.
  return v ? v->data() : nullptr;
}

std::optional<std::string> opt_str(const char* s) {
  if (s == nullptr) return std::nullopt;
  return std::string(s);
}

avala::ListParams list_params(const avala_list_options* opts) {
  avala::ListParams p;
  if (opts == nullptr) return p;
  if (opts->version < 1) throw avala::Error(avala::ErrorKind::invalid_argument, "list options have no version");
  if (opts->limit > 0) p.limit = opts->limit;
  if (opts->cursor != nullptr) p.cursor = opts->cursor;
  return p;
}

}  // namespace

extern "C" {

const char* avala_version(void) {
  static const std::string v(avala::version());
  return v.c_str();
}

const char* avala_status_name(int status) {
  switch (status) {
    case AVALA_OK: return "ok";
    case AVALA_ITER_END: return "iter_end";
    case AVALA_E_INVALID_ARGUMENT: return "invalid_argument";
    case AVALA_E_CONFIG: return "config";
    case AVALA_E_AUTHENTICATION: return "authentication";
    case AVALA_E_FORBIDDEN: return "forbidden";
    case AVALA_E_NOT_FOUND: return "not_found";
    case AVALA_E_VALIDATION: return "validation";
    case AVALA_E_RATE_LIMITED: return "rate_limited";
    case AVALA_E_SERVER: return "server";
    case AVALA_E_API: return "api";
    case AVALA_E_REDIRECT: return "redirect";
    case AVALA_E_TIMEOUT: return "timeout";
    case AVALA_E_NETWORK: return "network";
    case AVALA_E_TLS: return "tls";
    case AVALA_E_DECODE: return "decode";
    case AVALA_E_CROSS_ORIGIN: return "cross_origin";
    case AVALA_E_NO_MEMORY: return "no_memory";
    case AVALA_E_INTERNAL: return "internal";
    default: return "unknown";
  }
}

/* ---- errors ---- */

void avala_error_free(avala_error* err) { delete err; }
int avala_error_code(const avala_error* err) { return err ? err->code : AVALA_E_INVALID_ARGUMENT; }
const char* avala_error_message(const avala_error* err) { return err ? err->message.c_str() : ""; }
int32_t avala_error_http_status(const avala_error* err) { return err ? err->http_status : 0; }
const char* avala_error_body(const avala_error* err) { return err ? err->body.c_str() : ""; }
double avala_error_retry_after(const avala_error* err) { return err ? err->retry_after : -1.0; }
int32_t avala_error_attempts(const avala_error* err) { return err ? err->attempts : 0; }

void avala_string_free(char* s) { std::free(s); }

/* ---- client ---- */

int avala_client_options_init(avala_client_options* opts, uint32_t version) {
  if (opts == nullptr || version < 1 || version > AVALA_CLIENT_OPTIONS_VERSION) return AVALA_E_INVALID_ARGUMENT;
  *opts = avala_client_options AVALA_CLIENT_OPTIONS_INIT;
  opts->version = version;
  return AVALA_OK;
}

int avala_client_new(avala_client** out, const avala_client_options* opts, avala_error** out_err) {
  if (out == nullptr) return invalid(out_err, "out must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    avala::ClientOptions o;
    if (opts != nullptr) {
      if (opts->version < 1) return fail(out_err, AVALA_E_INVALID_ARGUMENT, "client options have no version");
      o.api_key = opt_str(opts->api_key);
      o.base_url = opt_str(opts->base_url);
      if (opts->timeout_ms > 0) o.timeout = std::chrono::milliseconds(opts->timeout_ms);
      o.ca_file = opt_str(opts->ca_file);
      if (opts->user_agent_suffix != nullptr) o.user_agent_suffix = opts->user_agent_suffix;
      if (opts->max_retries >= 0) o.max_retries = opts->max_retries;
    }
    *out = new avala_client{avala::Client(std::move(o))};
    return AVALA_OK;
  });
}

void avala_client_free(avala_client* client) { delete client; }

const char* avala_client_base_url(const avala_client* client) {
  return client ? client->client.base_url().url.c_str() : nullptr;
}

int avala_client_rate_limit(avala_rate_limit* out, const avala_client* client) {
  if (out == nullptr || client == nullptr) return AVALA_E_INVALID_ARGUMENT;
  avala::RateLimitInfo r = client->client.rate_limit();
  out->limit = r.limit.value_or(-1);
  out->remaining = r.remaining.value_or(-1);
  out->reset = r.reset.value_or(-1);
  return AVALA_OK;
}

/* ---- generic request ---- */

int avala_request(avala_response** out, avala_client* client, const char* method, const char* path_and_query,
                  const char* body_json, avala_error** out_err) {
  if (out == nullptr || client == nullptr || method == nullptr || path_and_query == nullptr) {
    return invalid(out_err, "out, client, method and path must not be NULL");
  }
  *out = nullptr;
  return guard(out_err, [&] {
    std::string_view m(method);
    if (m.empty() || m.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string_view::npos) {
      return fail(out_err, AVALA_E_INVALID_ARGUMENT, "method must be an upper-case HTTP method such as GET");
    }
    avala::check_relative_target(path_and_query);
    std::string target = client->client.base_url().path + path_and_query;
    auto resp = client->client.send(m, std::move(target), opt_str(body_json));
    *out = new avala_response{std::move(resp)};
    return AVALA_OK;
  });
}

void avala_response_free(avala_response* resp) { delete resp; }
int32_t avala_response_status(const avala_response* resp) { return resp ? resp->resp.status : 0; }

const char* avala_response_body(const avala_response* resp, size_t* len) {
  if (resp == nullptr) {
    if (len != nullptr) *len = 0;
    return nullptr;
  }
  if (len != nullptr) *len = resp->resp.body.size();
  return resp->resp.body.c_str();
}

const char* avala_response_header(const avala_response* resp, const char* name) {
  if (resp == nullptr || name == nullptr) return nullptr;
  for (const auto& [k, v] : resp->resp.headers) {
    if (k.size() == std::strlen(name) && strncasecmp(k.c_str(), name, k.size()) == 0) return v.c_str();
  }
  return nullptr;
}

/* ---- projects ---- */

void avala_project_free(avala_project* project) { delete project; }

int avala_project_clone(avala_project** out, const avala_project* project) {
  if (out == nullptr || project == nullptr) return AVALA_E_INVALID_ARGUMENT;
  *out = nullptr;
  return guard(nullptr, [&] {
    *out = new avala_project(project->project);
    return AVALA_OK;
  });
}

const char* avala_project_uid(const avala_project* p) { return p ? p->project.uid().data() : nullptr; }
const char* avala_project_name(const avala_project* p) { return p ? p->project.name().data() : nullptr; }
const char* avala_project_status(const avala_project* p) { return p ? c_str_or_null(p->project.status()) : nullptr; }
const char* avala_project_created_at(const avala_project* p) {
  return p ? c_str_or_null(p->project.created_at()) : nullptr;
}
const char* avala_project_updated_at(const avala_project* p) {
  return p ? c_str_or_null(p->project.updated_at()) : nullptr;
}

avala_project_status_kind avala_project_status_kind_of(const avala_project* p) {
  if (p == nullptr) return AVALA_PROJECT_STATUS_UNKNOWN;
  // The enums share their order by construction; see ProjectStatus.
  return static_cast<avala_project_status_kind>(static_cast<int>(p->project.status_kind()));
}

const char* avala_project_json(const avala_project* p) {
  if (p == nullptr) return nullptr;
  auto* self = const_cast<avala_project*>(p);  // caches only; the value never changes
  try {
    std::lock_guard lock(self->mu);
    if (!self->json) self->json = std::make_unique<std::string>(boost::json::serialize(p->project.json()));
    return self->json->c_str();
  } catch (...) {
    return nullptr;
  }
}

const char* avala_project_field_json(const avala_project* p, const char* field) {
  if (p == nullptr || field == nullptr) return nullptr;
  auto* self = const_cast<avala_project*>(p);
  try {
    const boost::json::value* v = p->project.json().if_contains(field);
    if (v == nullptr) return nullptr;
    std::lock_guard lock(self->mu);
    auto it = self->fields.find(std::string_view(field));
    if (it == self->fields.end()) it = self->fields.emplace(field, boost::json::serialize(*v)).first;
    return it->second.c_str();
  } catch (...) {
    return nullptr;
  }
}

int avala_list_options_init(avala_list_options* opts, uint32_t version) {
  if (opts == nullptr || version < 1 || version > AVALA_LIST_OPTIONS_VERSION) return AVALA_E_INVALID_ARGUMENT;
  *opts = avala_list_options AVALA_LIST_OPTIONS_INIT;
  opts->version = version;
  return AVALA_OK;
}

int avala_project_get(avala_project** out, avala_client* client, const char* uid, avala_error** out_err) {
  if (out == nullptr || client == nullptr || uid == nullptr) {
    return invalid(out_err, "out, client and uid must not be NULL");
  }
  *out = nullptr;
  return guard(out_err, [&] {
    *out = new avala_project(avala::projects::get(client->client, uid));
    return AVALA_OK;
  });
}

int avala_project_list_page(avala_project_page** out, avala_client* client, const avala_list_options* opts,
                            avala_error** out_err) {
  if (out == nullptr || client == nullptr) return invalid(out_err, "out and client must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    auto page = avala::projects::list(client->client, list_params(opts));
    auto result = std::make_unique<avala_project_page>();
    result->items.reserve(page.items.size());
    for (auto& item : page.items) result->items.push_back(std::make_unique<avala_project>(std::move(item)));
    result->has_more = page.has_more();
    if (page.next_cursor) {
      result->next_cursor = *page.next_cursor;
      result->has_next_cursor = true;
    }
    if (page.previous_cursor) {
      result->previous_cursor = *page.previous_cursor;
      result->has_previous_cursor = true;
    }
    *out = result.release();
    return AVALA_OK;
  });
}

void avala_project_page_free(avala_project_page* page) { delete page; }
size_t avala_project_page_count(const avala_project_page* page) { return page ? page->items.size() : 0; }

const avala_project* avala_project_page_item(const avala_project_page* page, size_t i) {
  if (page == nullptr || i >= page->items.size()) return nullptr;
  return page->items[i].get();
}

const char* avala_project_page_next_cursor(const avala_project_page* page) {
  return page && page->has_next_cursor ? page->next_cursor.c_str() : nullptr;
}

const char* avala_project_page_previous_cursor(const avala_project_page* page) {
  return page && page->has_previous_cursor ? page->previous_cursor.c_str() : nullptr;
}

int avala_project_page_has_more(const avala_project_page* page) { return page && page->has_more ? 1 : 0; }

int avala_project_list(avala_project_iter** out, avala_client* client, const avala_list_options* opts,
                       avala_error** out_err) {
  if (out == nullptr || client == nullptr) return invalid(out_err, "out and client must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    *out = new avala_project_iter{avala::projects::iterate(client->client, list_params(opts))};
    return AVALA_OK;
  });
}

int avala_project_iter_next(avala_project** out, avala_project_iter* it, avala_error** out_err) {
  if (out == nullptr || it == nullptr) return invalid(out_err, "out and iterator must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    auto item = it->pager.next();
    if (!item) return AVALA_ITER_END;
    *out = new avala_project(std::move(*item));
    return AVALA_OK;
  });
}

void avala_project_iter_free(avala_project_iter* it) { delete it; }

}  // extern "C"
