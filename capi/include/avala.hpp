// avala.hpp — a header-only C++17 wrapper over avala.h (as cppzmq is over
// libzmq): RAII handles, exceptions, ranges. It adds no state and no
// behaviour of its own; everything goes through the stable C ABI, so a program
// built with it depends on libavala's C symbols only.
//
//   avala::Client client;                              // key and URL from the environment
//   for (avala::Project& p : client.projects(100))     // every page, fetched lazily
//       std::cout << p.uid() << ' ' << p.name() << '\n';
//
// Threads follow avala.h: a Client may be shared by many threads; a
// ProjectRange is used by one thread at a time; Projects, pages, responses and
// errors are immutable.
#ifndef AVALA_HPP
#define AVALA_HPP

#include "avala.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

namespace avala {

// The library's version at run time, e.g. "0.1.0" (AVALA_VERSION_STRING is the
// version this header came with).
inline std::string_view version() noexcept { return avala_version(); }

// A stable lower-case name for an AVALA_* status code ("not_found", ...).
inline std::string_view status_name(int code) noexcept { return avala_status_name(code); }

// Everything libavala reports as a failure. code() is an AVALA_E_* value;
// the message (what()) and body() are already redacted by the library.
// Copying never throws: the body is shared, as runtime_error shares what().
class Error : public std::runtime_error {
public:
    Error(int code, const std::string& message, std::int32_t http_status = 0,
          std::string body = {}, std::optional<double> retry_after = std::nullopt,
          std::int32_t attempts = 0)
        : std::runtime_error(message),
          code_(code),
          http_status_(http_status),
          body_(std::make_shared<const std::string>(std::move(body))),
          retry_after_(retry_after),
          attempts_(attempts) {}

    int code() const noexcept { return code_; }
    std::string_view code_name() const noexcept { return status_name(code_); }
    // The HTTP status, or 0 when no response was received.
    std::int32_t http_status() const noexcept { return http_status_; }
    // The redacted response body; empty when there was none.
    const std::string& body() const noexcept { return *body_; }
    // Seconds from Retry-After, when the server sent it.
    std::optional<double> retry_after() const noexcept { return retry_after_; }
    // 1 + retries; 0 when nothing was sent.
    std::int32_t attempts() const noexcept { return attempts_; }

private:
    int code_;
    std::int32_t http_status_;
    std::shared_ptr<const std::string> body_;
    std::optional<double> retry_after_;
    std::int32_t attempts_;
};

namespace detail {

inline std::string_view view(const char* s) noexcept { return s ? std::string_view(s) : std::string_view(); }

inline std::optional<std::string_view> optional_view(const char* s) noexcept {
    if (!s) return std::nullopt;
    return std::string_view(s);
}

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const noexcept { Free(p); }
};
template <class T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

// The one place a C error becomes a C++ exception. Takes ownership of err
// (which may be NULL, e.g. when the library could not allocate it).
[[noreturn]] inline void throw_error(int code, avala_error* err) {
    Owned<avala_error, avala_error_free> owned(err);
    if (!owned) throw Error(code, std::string("libavala: ") + avala_status_name(code));
    double retry = avala_error_retry_after(owned.get());
    throw Error(avala_error_code(owned.get()), std::string(view(avala_error_message(owned.get()))),
                avala_error_http_status(owned.get()), std::string(view(avala_error_body(owned.get()))),
                retry >= 0 ? std::optional<double>(retry) : std::nullopt,
                avala_error_attempts(owned.get()));
}

// Throws for a negative code; otherwise returns it (AVALA_OK or a sentinel).
// `err` is taken by reference: in check(avala_f(&err), err) the argument
// order is unspecified, so the pointer must be read after the call.
inline int check(int rc, avala_error* const& err) {
    if (rc < 0) throw_error(rc, err);
    if (err) avala_error_free(err);  // not expected on success; never leak it
    return rc;
}

// The C ABI takes NUL-terminated strings; an embedded NUL would silently
// shorten an id into a different one, so it is refused like any bad argument.
inline std::string c_string(std::string_view s, const char* what) {
    if (s.find('\0') != std::string_view::npos)
        throw Error(AVALA_E_INVALID_ARGUMENT, std::string(what) + " contains a NUL character");
    return std::string(s);
}

}  // namespace detail

// Mirrors avala_project_status_kind; the raw text is always Project::status().
enum class ProjectStatus : int {
    unknown = AVALA_PROJECT_STATUS_UNKNOWN,
    active = AVALA_PROJECT_STATUS_ACTIVE,
    completed = AVALA_PROJECT_STATUS_COMPLETED,
    paused = AVALA_PROJECT_STATUS_PAUSED,
    archived = AVALA_PROJECT_STATUS_ARCHIVED,
    pending_approval = AVALA_PROJECT_STATUS_PENDING_APPROVAL,
    canceled = AVALA_PROJECT_STATUS_CANCELED,
};

class Project;

// A borrowed project (e.g. an item of a ProjectPage): valid while its owner
// lives. The string_views it returns live as long as that owner too.
class ProjectView {
public:
    ProjectView() noexcept = default;
    explicit ProjectView(const avala_project* p) noexcept : p_(p) {}

    std::string_view uid() const noexcept { return detail::view(avala_project_uid(p_)); }
    std::string_view name() const noexcept { return detail::view(avala_project_name(p_)); }
    std::optional<std::string_view> status() const noexcept {
        return detail::optional_view(avala_project_status(p_));
    }
    ProjectStatus status_kind() const noexcept {
        return static_cast<ProjectStatus>(avala_project_status_kind_of(p_));
    }
    std::optional<std::string_view> created_at() const noexcept {
        return detail::optional_view(avala_project_created_at(p_));
    }
    std::optional<std::string_view> updated_at() const noexcept {
        return detail::optional_view(avala_project_updated_at(p_));
    }
    // The whole object as compact JSON, every field the server sent.
    std::string_view json() const noexcept { return detail::view(avala_project_json(p_)); }
    // One field as JSON text ("\"private\"", "true", "null"); nullopt when absent.
    std::optional<std::string_view> field_json(const char* field) const noexcept {
        return detail::optional_view(avala_project_field_json(p_, field));
    }
    std::optional<std::string_view> field_json(const std::string& field) const noexcept {
        return field_json(field.c_str());
    }

    // An owned copy that outlives this view's owner.
    Project clone() const;

    const avala_project* get() const noexcept { return p_; }
    explicit operator bool() const noexcept { return p_ != nullptr; }

protected:
    const avala_project* p_ = nullptr;
};

// An owned project. Move-only; an empty (moved-from) Project must not be read.
class Project : public ProjectView {
public:
    Project() noexcept = default;
    // Adopts p, which must have been returned to the caller by libavala.
    explicit Project(avala_project* p) noexcept : ProjectView(p) {}
    Project(const Project&) = delete;
    Project& operator=(const Project&) = delete;
    Project(Project&& other) noexcept : ProjectView(std::exchange(other.p_, nullptr)) {}
    Project& operator=(Project&& other) noexcept {
        if (this != &other) {
            reset();
            p_ = std::exchange(other.p_, nullptr);
        }
        return *this;
    }
    ~Project() { reset(); }

    avala_project* get() noexcept { return const_cast<avala_project*>(p_); }
    const avala_project* get() const noexcept { return p_; }
    // Gives up ownership; free the result with avala_project_free.
    avala_project* release() noexcept { return const_cast<avala_project*>(std::exchange(p_, nullptr)); }

private:
    void reset() noexcept { avala_project_free(const_cast<avala_project*>(std::exchange(p_, nullptr))); }
};

inline Project ProjectView::clone() const {
    avala_project* out = nullptr;
    detail::check(avala_project_clone(&out, p_), nullptr);
    return Project(out);
}

// One page of projects. Items are borrowed ProjectViews valid while the page lives.
class ProjectPage {
public:
    class iterator {
    public:
        // Items are returned by value (views), so in C++17 terms this is an
        // input iterator; C++20 algorithms may treat it as a forward one.
        using iterator_category = std::input_iterator_tag;
        using iterator_concept = std::forward_iterator_tag;
        using value_type = ProjectView;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = ProjectView;

        iterator() noexcept = default;
        iterator(const avala_project_page* page, std::size_t i) noexcept : page_(page), i_(i) {}
        ProjectView operator*() const noexcept { return ProjectView(avala_project_page_item(page_, i_)); }
        iterator& operator++() noexcept {
            ++i_;
            return *this;
        }
        iterator operator++(int) noexcept {
            iterator old = *this;
            ++i_;
            return old;
        }
        friend bool operator==(const iterator& a, const iterator& b) noexcept {
            return a.page_ == b.page_ && a.i_ == b.i_;
        }
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return !(a == b); }

    private:
        const avala_project_page* page_ = nullptr;
        std::size_t i_ = 0;
    };

    explicit ProjectPage(avala_project_page* page) noexcept : page_(page) {}

    std::size_t size() const noexcept { return avala_project_page_count(page_.get()); }
    bool empty() const noexcept { return size() == 0; }
    ProjectView operator[](std::size_t i) const noexcept {
        return ProjectView(avala_project_page_item(page_.get(), i));
    }
    ProjectView at(std::size_t i) const {
        if (i >= size()) throw std::out_of_range("avala::ProjectPage::at");
        return (*this)[i];
    }
    iterator begin() const noexcept { return iterator(page_.get(), 0); }
    iterator end() const noexcept { return iterator(page_.get(), size()); }

    bool has_more() const noexcept { return avala_project_page_has_more(page_.get()) != 0; }
    std::optional<std::string_view> next_cursor() const noexcept {
        return detail::optional_view(avala_project_page_next_cursor(page_.get()));
    }
    std::optional<std::string_view> previous_cursor() const noexcept {
        return detail::optional_view(avala_project_page_previous_cursor(page_.get()));
    }

    const avala_project_page* get() const noexcept { return page_.get(); }

private:
    detail::Owned<avala_project_page, avala_project_page_free> page_;
};

// Every project across pages, for range-for. A single-pass input range: the
// next page is fetched only when the loop reaches it, so memory stays one
// page. begin() and operator++ throw avala::Error; after one, incrementing
// again retries the page that failed. The Project yielded is owned by the
// range until the next step: move it out to keep it.
class ProjectRange {
public:
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Project;
        using difference_type = std::ptrdiff_t;
        using pointer = Project*;
        using reference = Project&;

        iterator() noexcept = default;
        explicit iterator(ProjectRange* range) noexcept : range_(range) {}

        Project& operator*() const noexcept { return range_->current_; }
        Project* operator->() const noexcept { return &range_->current_; }
        iterator& operator++() {
            if (!range_->advance()) range_ = nullptr;
            return *this;
        }
        void operator++(int) { ++*this; }

        friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.range_ == b.range_; }
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return !(a == b); }

    private:
        ProjectRange* range_ = nullptr;  // nullptr: the end
    };

    explicit ProjectRange(avala_project_iter* it) noexcept : it_(it) {}

    // Fetches the first item. Single pass: a second begin() continues where
    // the first left off (and retries, after an error).
    iterator begin() {
        if (done_) return end();
        if (!current_ && !advance()) return end();
        return iterator(this);
    }
    iterator end() noexcept { return iterator(); }

    avala_project_iter* get() noexcept { return it_.get(); }

private:
    // Moves to the next project; false at the end. Throws avala::Error.
    bool advance() {
        current_ = Project();
        avala_project* out = nullptr;
        avala_error* err = nullptr;
        int rc = detail::check(avala_project_iter_next(&out, it_.get(), &err), err);
        if (rc == AVALA_ITER_END) {
            done_ = true;
            return false;
        }
        current_ = Project(out);
        return true;
    }

    detail::Owned<avala_project_iter, avala_project_iter_free> it_;
    Project current_;  // empty before the first item and after an error
    bool done_ = false;
};

// A raw response from Client::request. Immutable.
class Response {
public:
    explicit Response(avala_response* r) noexcept : r_(r) {}

    std::int32_t status() const noexcept { return avala_response_status(r_.get()); }
    std::string_view body() const noexcept {
        std::size_t len = 0;
        const char* data = avala_response_body(r_.get(), &len);
        return data ? std::string_view(data, len) : std::string_view();
    }
    // The first value of a header (case-insensitive name), if present.
    std::optional<std::string_view> header(const char* name) const noexcept {
        return detail::optional_view(avala_response_header(r_.get(), name));
    }
    std::optional<std::string_view> header(const std::string& name) const noexcept {
        return header(name.c_str());
    }

    const avala_response* get() const noexcept { return r_.get(); }

private:
    detail::Owned<avala_response, avala_response_free> r_;
};

// Figures from the X-RateLimit-* headers of the last response.
struct RateLimit {
    std::optional<std::int64_t> limit;
    std::optional<std::int64_t> remaining;
    std::optional<std::int64_t> reset;  // unix seconds
};

// Unset fields take the library's defaults (and the environment:
// AVALA_API_KEY, AVALA_BASE_URL, AVALA_ALLOW_INSECURE_BASE_URL).
struct ClientOptions {
    std::optional<std::string> api_key;
    std::optional<std::string> base_url;
    std::optional<std::chrono::milliseconds> timeout;  // per request; default 30 s
    std::optional<std::string> ca_file;
    std::optional<std::string> user_agent_suffix;
    std::optional<std::int32_t> max_retries;  // default 2
    bool rate_limit = false;  // wait for X-RateLimit-Reset instead of collecting 429s
};

class Client {
public:
    // Everything from the environment.
    Client() : Client(ClientOptions{}) {}

    explicit Client(const ClientOptions& options) {
        avala_client_options o = AVALA_CLIENT_OPTIONS_INIT;
        // Kept alive until avala_client_new has copied them.
        std::optional<std::string> api_key, base_url, ca_file, suffix;
        auto set = [](const char*& field, std::optional<std::string>& keep,
                      const std::optional<std::string>& value, const char* what) {
            if (!value) return;
            keep = detail::c_string(*value, what);
            field = keep->c_str();
        };
        set(o.api_key, api_key, options.api_key, "api_key");
        set(o.base_url, base_url, options.base_url, "base_url");
        set(o.ca_file, ca_file, options.ca_file, "ca_file");
        set(o.user_agent_suffix, suffix, options.user_agent_suffix, "user_agent_suffix");
        if (options.timeout) {
            if (options.timeout->count() <= 0)
                throw Error(AVALA_E_INVALID_ARGUMENT, "timeout must be positive");
            o.timeout_ms = static_cast<std::int64_t>(options.timeout->count());
        }
        if (options.max_retries) {
            if (*options.max_retries < 0)
                throw Error(AVALA_E_INVALID_ARGUMENT, "max_retries must not be negative");
            o.max_retries = *options.max_retries;
        }
        o.rate_limit = options.rate_limit ? 1 : 0;
        avala_client* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_client_new(&out, &o, &err), err);
        client_.reset(out);
    }

    // The base URL in use, after defaults and normalisation.
    std::string_view base_url() const noexcept { return detail::view(avala_client_base_url(client_.get())); }

    RateLimit rate_limit() const {
        avala_rate_limit rl{-1, -1, -1};
        detail::check(avala_client_rate_limit(&rl, client_.get()), nullptr);
        auto opt = [](std::int64_t v) { return v >= 0 ? std::optional<std::int64_t>(v) : std::nullopt; };
        return RateLimit{opt(rl.limit), opt(rl.remaining), opt(rl.reset)};
    }

    // GET /users/me/projects/{uid}/. An unsafe uid ("..", "a/b", ...) throws
    // Error(AVALA_E_INVALID_ARGUMENT) and nothing is sent.
    Project project(std::string_view uid) {
        std::string id = detail::c_string(uid, "uid");
        avala_project* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_project_get(&out, client_.get(), id.c_str(), &err), err);
        return Project(out);
    }

    // Exactly one page. limit <= 0: the server's default; cursor: a
    // next_cursor()/previous_cursor() of an earlier page.
    ProjectPage projects_page(std::int32_t limit = 0,
                              std::optional<std::string_view> cursor = std::nullopt) {
        std::optional<std::string> keep;
        avala_list_options o = list_options(limit, cursor, keep);
        avala_project_page* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_project_list_page(&out, client_.get(), &o, &err), err);
        return ProjectPage(out);
    }

    // Every project, page by page, lazily: `for (avala::Project& p : client.projects())`.
    // limit is the page size. The range keeps what it needs of the client alive.
    ProjectRange projects(std::int32_t limit = 0,
                          std::optional<std::string_view> cursor = std::nullopt) {
        std::optional<std::string> keep;
        avala_list_options o = list_options(limit, cursor, keep);
        avala_project_iter* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_project_list(&out, client_.get(), &o, &err), err);
        return ProjectRange(out);
    }

    // Any endpoint: request("GET", "/users/me/projects/?limit=5"). A status
    // >= 300 throws like every other call.
    Response request(std::string_view method, std::string_view path_and_query,
                     std::optional<std::string_view> body_json = std::nullopt) {
        std::string m = detail::c_string(method, "method");
        std::string p = detail::c_string(path_and_query, "path");
        std::optional<std::string> b;
        if (body_json) b = detail::c_string(*body_json, "body");
        avala_response* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_request(&out, client_.get(), m.c_str(), p.c_str(), b ? b->c_str() : nullptr, &err),
                      err);
        return Response(out);
    }

    avala_client* get() noexcept { return client_.get(); }
    const avala_client* get() const noexcept { return client_.get(); }

private:
    static avala_list_options list_options(std::int32_t limit, const std::optional<std::string_view>& cursor,
                                           std::optional<std::string>& keep) {
        avala_list_options o = AVALA_LIST_OPTIONS_INIT;
        o.limit = limit > 0 ? limit : 0;
        if (cursor) {
            keep = detail::c_string(*cursor, "cursor");
            o.cursor = keep->c_str();
        }
        return o;
    }

    detail::Owned<avala_client, avala_client_free> client_;
};

}  // namespace avala

#endif  // AVALA_HPP
