// The C ABI over the C++ core. Every entry point runs inside guard(), the one
// place C++ exceptions become status codes and avala_error objects.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <strings.h>

#include "internal.hpp"

static_assert(static_cast<int>(avala::ProjectStatus::unknown) == AVALA_PROJECT_STATUS_UNKNOWN &&
                  static_cast<int>(avala::ProjectStatus::active) == AVALA_PROJECT_STATUS_ACTIVE &&
                  static_cast<int>(avala::ProjectStatus::completed) == AVALA_PROJECT_STATUS_COMPLETED &&
                  static_cast<int>(avala::ProjectStatus::paused) == AVALA_PROJECT_STATUS_PAUSED &&
                  static_cast<int>(avala::ProjectStatus::archived) == AVALA_PROJECT_STATUS_ARCHIVED &&
                  static_cast<int>(avala::ProjectStatus::pending_approval) ==
                      AVALA_PROJECT_STATUS_PENDING_APPROVAL &&
                  static_cast<int>(avala::ProjectStatus::canceled) == AVALA_PROJECT_STATUS_CANCELED,
              "ProjectStatus and avala_project_status_kind must agree");

using namespace capi;

int capi::status_of(std::exception_ptr e, avala_error** out) noexcept {
  return guard(out, [&]() -> int { std::rethrow_exception(std::move(e)); });
}

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
    case AVALA_E_CANCELLED: return "cancelled";
    case AVALA_E_PROXY: return "proxy";
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
  avala_client_options def = AVALA_CLIENT_OPTIONS_INIT;
  def.version = version;
  // A caller built against an older version has a shorter struct: write only its fields.
  std::size_t size = version == 1   ? offsetof(avala_client_options, rate_limit)
                     : version == 2 ? offsetof(avala_client_options, ca_dir)
                                    : sizeof def;
  std::memcpy(opts, &def, size);
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
      if (opts->version >= 2) o.rate_limit = opts->rate_limit != 0;
      if (opts->version >= 3) {
        o.ca_dir = opt_str(opts->ca_dir);
        o.client_cert = opt_str(opts->client_cert);
        o.client_key = opt_str(opts->client_key);
        o.client_key_password = opt_str(opts->client_key_password);
        o.proxy.proxy = opt_str(opts->proxy);
        o.proxy.no_proxy = opt_str(opts->no_proxy);
        o.proxy.use_env = opts->proxy_env_off == 0;
        o.compression = opts->compression_off == 0;
      }
    }
    *out = new avala_client{avala::Client(std::move(o))};
    return AVALA_OK;
  });
}

void avala_client_free(avala_client* client) { delete client; }

/* ---- cancellation and call options ---- */

int avala_cancel_new(avala_cancel** out, avala_error** out_err) {
  if (out == nullptr) return invalid(out_err, "out must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    *out = new avala_cancel{std::make_shared<avala::CancelToken>()};
    return AVALA_OK;
  });
}

void avala_cancel_free(avala_cancel* cancel) { delete cancel; }

void avala_cancel_fire(avala_cancel* cancel) {
  if (cancel != nullptr) cancel->token->fire();
}

int avala_cancel_fired(const avala_cancel* cancel) { return cancel != nullptr && cancel->token->fired() ? 1 : 0; }

void avala_cancel_reset(avala_cancel* cancel) {
  if (cancel != nullptr) cancel->token->reset();
}

int avala_client_derive(avala_client** out, avala_client* client, const avala_call_options* opts,
                        avala_error** out_err) {
  if (out == nullptr || client == nullptr) return invalid(out_err, "out and client must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    auto ctx = std::make_shared<avala::CallContext>();
    if (opts != nullptr) {
      if (opts->version < 1) return fail(out_err, AVALA_E_INVALID_ARGUMENT, "call options have no version");
      if (opts->cancel != nullptr) ctx->cancel = opts->cancel->token;
      if (opts->interrupt != nullptr) {
        avala_interrupt_fn fn = opts->interrupt;
        void* payload = opts->interrupt_payload;
        ctx->interrupt = [fn, payload] { return fn(payload) == AVALA_CONTINUE; };
      }
      if (opts->interrupt_interval_ms > 0) ctx->interrupt_every = std::chrono::milliseconds(opts->interrupt_interval_ms);
    }
    auto derived = std::make_unique<avala_client>(avala_client{client->client.with_context(std::move(ctx))});
    if (opts != nullptr && opts->version >= 2 && opts->queue != nullptr) {
      derived->queue = opts->queue->queue;
      derived->tag = opts->tag;
    }
    *out = derived.release();
    return AVALA_OK;
  });
}

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

/* ---- completion queues ---- */

int avala_queue_new(avala_queue** out, avala_error** out_err) {
  if (out == nullptr) return invalid(out_err, "out must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    auto q = std::make_shared<capi::Queue>();
    if (q->fd() < 0) return fail(out_err, AVALA_E_NO_MEMORY, "no file descriptor left for a completion queue");
    *out = new avala_queue{std::move(q)};
    return AVALA_OK;
  });
}

void avala_queue_free(avala_queue* queue) {
  if (queue == nullptr) return;
  try {
    queue->queue->set_notify(nullptr, nullptr);  // its thread stops here, not on the engine
  } catch (...) {
    // Clearing makes nothing: not reached.
  }
  delete queue;
}

int avala_queue_fd(const avala_queue* queue) { return queue ? queue->queue->fd() : -1; }

int avala_queue_set_notify(avala_queue* queue, avala_notify_fn fn, void* payload) {
  if (queue == nullptr) return AVALA_E_INVALID_ARGUMENT;
  return guard(nullptr, [&] {
    queue->queue->set_notify(fn, payload);
    return AVALA_OK;
  });
}

size_t avala_queue_poll(avala_queue* queue, avala_completion* out, size_t max, int64_t timeout_ms) {
  if (queue == nullptr || out == nullptr || max == 0) return 0;
  return queue->queue->poll(out, max, timeout_ms);
}

size_t avala_queue_pending(const avala_queue* queue) { return queue ? queue->queue->pending() : 0; }

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
    avala::Call<avala::HttpResponse> call{std::string(m), client->client.base_url().path + path_and_query,
                                          opt_str(body_json), [](avala::HttpResponse& r) { return std::move(r); }};
    return deliver(out, client, std::move(call),
                   [](avala::HttpResponse r) { return new avala_response{std::move(r)}; },
                   &free_as<avala_response, avala_response_free>);
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

void avala_project_free(avala_project* project) { capi::free_item(project); }

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
  // The value never changes; the cache is the only mutable part.
  return p ? const_cast<avala_project*>(p)->cache.whole(p->project.json()) : nullptr;
}

const char* avala_project_field_json(const avala_project* p, const char* field) {
  if (p == nullptr || field == nullptr) return nullptr;
  return const_cast<avala_project*>(p)->cache.field(p->project.json(), field);
}

int avala_list_options_init(avala_list_options* opts, uint32_t version) {
  if (opts == nullptr || version < 1 || version > AVALA_LIST_OPTIONS_VERSION) return AVALA_E_INVALID_ARGUMENT;
  avala_list_options def = AVALA_LIST_OPTIONS_INIT;
  def.version = version;
  // Version 1 callers have no `filters` field.
  std::memcpy(opts, &def, version == 1 ? offsetof(avala_list_options, filters) : sizeof def);
  return AVALA_OK;
}

int avala_project_get(avala_project** out, avala_client* client, const char* uid, avala_error** out_err) {
  if (out == nullptr || client == nullptr || uid == nullptr) {
    return invalid(out_err, "out, client and uid must not be NULL");
  }
  *out = nullptr;
  return guard(out_err, [&] {
    return deliver(out, client, avala::projects::get_call(client->client, uid),
                   [](avala::Project p) { return new avala_project(std::move(p)); },
                   &free_as<avala_project, avala_project_free>);
  });
}

int avala_project_list_page(avala_project_page** out, avala_client* client, const avala_list_options* opts,
                            avala_error** out_err) {
  if (out == nullptr || client == nullptr) return invalid(out_err, "out and client must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    auto make = [](avala::Page<avala::Project> page) {
      auto result = std::make_unique<avala_project_page>();
      result->items.reserve(page.items.size());
      for (auto& item : page.items) result->items.push_back(std::make_unique<avala_project>(std::move(item)));
      result->cursors = Cursors::of(page);
      return result.release();
    };
    return deliver(out, client, avala::projects::list_call(client->client, list_params(opts)), make,
                   &free_as<avala_project_page, avala_project_page_free>);
  });
}

void avala_project_page_free(avala_project_page* page) { delete page; }
size_t avala_project_page_count(const avala_project_page* page) { return page ? page->items.size() : 0; }

const avala_project* avala_project_page_item(const avala_project_page* page, size_t i) {
  if (page == nullptr || i >= page->items.size()) return nullptr;
  return page->items[i].get();
}

const char* avala_project_page_next_cursor(const avala_project_page* page) {
  return page ? page->cursors.next_c() : nullptr;
}

const char* avala_project_page_previous_cursor(const avala_project_page* page) {
  return page ? page->cursors.previous_c() : nullptr;
}

int avala_project_page_has_more(const avala_project_page* page) { return page && page->cursors.has_more ? 1 : 0; }

int avala_project_list(avala_project_iter** out, avala_client* client, const avala_list_options* opts,
                       avala_error** out_err) {
  if (out == nullptr || client == nullptr) return invalid(out_err, "out and client must not be NULL");
  *out = nullptr;
  return guard(out_err, [&] {
    *out = new_iter<avala_project_iter>(avala::projects::iterate(core(client), list_params(opts)), client);
    return AVALA_OK;
  });
}

int avala_project_iter_next(avala_project** out, avala_project_iter* it, avala_error** out_err) {
  return capi::iter_next(out, it, out_err);
}

void avala_project_iter_free(avala_project_iter* it) { delete it; }

}  // extern "C"
