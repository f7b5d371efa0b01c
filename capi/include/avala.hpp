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
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#if __cplusplus >= 202002L && __has_include(<stop_token>)
#include <stop_token>
#define AVALA_HPP_STOP_TOKEN 1
#endif

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

// The object handles of avala.h beyond projects (tasks, exports, agents,
// agent executions, quality targets, evaluations, datasets): one type for
// all, like avala_object. Mirrors avala_object_kind.
enum class ObjectKind : int {
    other = AVALA_OBJECT_OTHER,
    task = AVALA_OBJECT_TASK,
    export_ = AVALA_OBJECT_EXPORT,
    agent = AVALA_OBJECT_AGENT,
    agent_execution = AVALA_OBJECT_AGENT_EXECUTION,
    quality_target = AVALA_OBJECT_QUALITY_TARGET,
    quality_target_evaluation = AVALA_OBJECT_QUALITY_TARGET_EVALUATION,
    dataset = AVALA_OBJECT_DATASET,
};

class Object;

// A borrowed object (e.g. an item of an ObjectPage): valid while its owner lives.
class ObjectView {
public:
    ObjectView() noexcept = default;
    explicit ObjectView(const avala_object* o) noexcept : o_(o) {}

    ObjectKind kind() const noexcept { return static_cast<ObjectKind>(avala_object_kind_of(o_)); }
    std::string_view uid() const noexcept { return detail::view(avala_object_string(o_, "uid")); }
    // Typed fields; nullopt when absent, null or of another type.
    std::optional<std::string_view> string(const char* field) const noexcept {
        return detail::optional_view(avala_object_string(o_, field));
    }
    std::optional<std::int64_t> integer(const char* field) const noexcept {
        std::int64_t v = 0;
        return avala_object_int(&v, o_, field) == AVALA_OK ? std::optional<std::int64_t>(v) : std::nullopt;
    }
    std::optional<double> number(const char* field) const noexcept {
        double v = 0;
        return avala_object_double(&v, o_, field) == AVALA_OK ? std::optional<double>(v) : std::nullopt;
    }
    std::optional<bool> boolean(const char* field) const noexcept {
        int v = 0;
        return avala_object_bool(&v, o_, field) == AVALA_OK ? std::optional<bool>(v != 0) : std::nullopt;
    }
    // The whole object as compact JSON; one field as JSON text.
    std::string_view json() const noexcept { return detail::view(avala_object_json(o_)); }
    std::optional<std::string_view> field_json(const char* field) const noexcept {
        return detail::optional_view(avala_object_field_json(o_, field));
    }

    Object clone() const;

    const avala_object* get() const noexcept { return o_; }
    explicit operator bool() const noexcept { return o_ != nullptr; }

protected:
    const avala_object* o_ = nullptr;
};

// An owned object. Move-only; an empty (moved-from) Object must not be read.
class Object : public ObjectView {
public:
    Object() noexcept = default;
    explicit Object(avala_object* o) noexcept : ObjectView(o) {}
    Object(const Object&) = delete;
    Object& operator=(const Object&) = delete;
    Object(Object&& other) noexcept : ObjectView(std::exchange(other.o_, nullptr)) {}
    Object& operator=(Object&& other) noexcept {
        if (this != &other) {
            avala_object_free(const_cast<avala_object*>(std::exchange(o_, std::exchange(other.o_, nullptr))));
        }
        return *this;
    }
    ~Object() { avala_object_free(const_cast<avala_object*>(o_)); }

    avala_object* release() noexcept { return const_cast<avala_object*>(std::exchange(o_, nullptr)); }
};

inline Object ObjectView::clone() const {
    avala_object* out = nullptr;
    detail::check(avala_object_clone(&out, o_), nullptr);
    return Object(out);
}

namespace detail {

// One page of items, borrowed as View while the page lives; the C functions
// of the page type are template arguments, so projects and objects share it.
template <class View, class Handle, class Item, std::size_t (*Count)(const Handle*),
          const Item* (*At)(const Handle*, std::size_t), const char* (*Next)(const Handle*),
          const char* (*Previous)(const Handle*), int (*HasMore)(const Handle*), void (*Free)(Handle*)>
class BasicPage {
public:
    class iterator {
    public:
        // Items are returned by value (views), so in C++17 terms this is an
        // input iterator; C++20 algorithms may treat it as a forward one.
        using iterator_category = std::input_iterator_tag;
        using iterator_concept = std::forward_iterator_tag;
        using value_type = View;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = View;

        iterator() noexcept = default;
        iterator(const Handle* page, std::size_t i) noexcept : page_(page), i_(i) {}
        View operator*() const noexcept { return View(At(page_, i_)); }
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
        const Handle* page_ = nullptr;
        std::size_t i_ = 0;
    };

    explicit BasicPage(Handle* page) noexcept : page_(page) {}

    std::size_t size() const noexcept { return Count(page_.get()); }
    bool empty() const noexcept { return size() == 0; }
    View operator[](std::size_t i) const noexcept { return View(At(page_.get(), i)); }
    View at(std::size_t i) const {
        if (i >= size()) throw std::out_of_range("avala page index out of range");
        return (*this)[i];
    }
    iterator begin() const noexcept { return iterator(page_.get(), 0); }
    iterator end() const noexcept { return iterator(page_.get(), size()); }

    bool has_more() const noexcept { return HasMore(page_.get()) != 0; }
    std::optional<std::string_view> next_cursor() const noexcept { return optional_view(Next(page_.get())); }
    std::optional<std::string_view> previous_cursor() const noexcept {
        return optional_view(Previous(page_.get()));
    }

    const Handle* get() const noexcept { return page_.get(); }

private:
    Owned<Handle, Free> page_;
};

// Every item across pages, for range-for. A single-pass input range holding
// one page, whose next page is already requested (read-ahead, see
// avala_project_list). begin() and operator++ throw avala::Error; after one, incrementing
// again retries the page that failed. The item yielded is owned by the
// range until the next step: move it out to keep it.
template <class Item, class Iter, class Raw, int (*NextFn)(Raw**, Iter*, avala_error**), void (*Free)(Iter*)>
class BasicRange {
public:
    class iterator {
    public:
        using iterator_category = std::input_iterator_tag;
        using value_type = Item;
        using difference_type = std::ptrdiff_t;
        using pointer = Item*;
        using reference = Item&;

        iterator() noexcept = default;
        explicit iterator(BasicRange* range) noexcept : range_(range) {}

        Item& operator*() const noexcept { return range_->current_; }
        Item* operator->() const noexcept { return &range_->current_; }
        iterator& operator++() {
            if (!range_->advance()) range_ = nullptr;
            return *this;
        }
        void operator++(int) { ++*this; }

        friend bool operator==(const iterator& a, const iterator& b) noexcept { return a.range_ == b.range_; }
        friend bool operator!=(const iterator& a, const iterator& b) noexcept { return !(a == b); }

    private:
        BasicRange* range_ = nullptr;  // nullptr: the end
    };

    explicit BasicRange(Iter* it) noexcept : it_(it) {}

    // Fetches the first item. Single pass: a second begin() continues where
    // the first left off (and retries, after an error).
    iterator begin() {
        if (done_) return end();
        if (!current_ && !advance()) return end();
        return iterator(this);
    }
    iterator end() noexcept { return iterator(); }

    Iter* get() noexcept { return it_.get(); }

private:
    // Moves to the next item; false at the end. Throws avala::Error.
    bool advance() {
        current_ = Item();
        Raw* out = nullptr;
        avala_error* err = nullptr;
        int rc = check(NextFn(&out, it_.get(), &err), err);
        if (rc == AVALA_ITER_END) {
            done_ = true;
            return false;
        }
        current_ = Item(out);
        return true;
    }

    Owned<Iter, Free> it_;
    Item current_;  // empty before the first item and after an error
    bool done_ = false;
};

}  // namespace detail

// One page of projects. Items are borrowed ProjectViews valid while the page lives.
using ProjectPage = detail::BasicPage<ProjectView, avala_project_page, avala_project, avala_project_page_count,
                                      avala_project_page_item, avala_project_page_next_cursor,
                                      avala_project_page_previous_cursor, avala_project_page_has_more,
                                      avala_project_page_free>;
// Every project across pages (see BasicRange).
using ProjectRange = detail::BasicRange<Project, avala_project_iter, avala_project, avala_project_iter_next,
                                        avala_project_iter_free>;
// One page of objects (or the items of a bare-array answer, without cursors).
using ObjectPage = detail::BasicPage<ObjectView, avala_page, avala_object, avala_page_count, avala_page_item,
                                     avala_page_next_cursor, avala_page_previous_cursor, avala_page_has_more,
                                     avala_page_free>;
// Every object of a list across pages.
using ObjectRange = detail::BasicRange<Object, avala_iter, avala_object, avala_iter_next, avala_iter_free>;

// Options of the resource lists: page size, a starting cursor, and filters
// (name, value) the list takes, e.g. {{"project", uid}, {"status", "completed"}}.
struct ListOptions {
    std::int32_t limit = 0;
    std::optional<std::string> cursor;
    std::vector<std::pair<std::string, std::string>> filters;
};

namespace detail {

// The avala_list_options of a ListOptions, keeping its C strings alive.
class CListOptions {
public:
    explicit CListOptions(const ListOptions& o) {
        opts.limit = o.limit > 0 ? o.limit : 0;
        if (o.cursor) {
            cursor_ = c_string(*o.cursor, "cursor");
            opts.cursor = cursor_.c_str();
        }
        for (const auto& [k, v] : o.filters) {
            strings_.push_back(c_string(k, "filter name"));
            strings_.push_back(c_string(v, "filter value"));
        }
        for (const auto& str : strings_) pointers_.push_back(str.c_str());
        pointers_.push_back(nullptr);
        opts.filters = pointers_.data();
    }
    CListOptions(const CListOptions&) = delete;
    CListOptions& operator=(const CListOptions&) = delete;
    const avala_list_options* get() const noexcept { return &opts; }

    avala_list_options opts = AVALA_LIST_OPTIONS_INIT;

private:
    std::string cursor_;
    std::vector<std::string> strings_;
    std::vector<const char*> pointers_;
};

}  // namespace detail

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
    std::optional<std::string> ca_dir;               // hashed CA directory, besides ca_file
    std::optional<std::string> client_cert;          // PEM chain for mutual TLS
    std::optional<std::string> client_key;           // else in client_cert's file
    std::optional<std::string> client_key_password;  // for an encrypted key
    std::optional<std::string> proxy;     // wins over the environment; "": never a proxy
    std::optional<std::string> no_proxy;  // hosts reached directly (NO_PROXY syntax)
    bool proxy_from_env = true;           // false: ignore the *_proxy variables
    bool compression = true;              // ask for gzip/deflate answers
    std::optional<std::string> user_agent_suffix;
    std::optional<std::int32_t> max_retries;  // default 2
    bool rate_limit = false;  // wait for X-RateLimit-Reset instead of collecting 429s
};

// A cancel handle (avala.h): fire() — from any thread, or a signal handler —
// stops every call of the clients made with it (Client::with_cancel), which
// then throw Error(AVALA_E_CANCELLED). It stays fired until reset().
class Cancel {
public:
    Cancel() {
        avala_cancel* c = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_cancel_new(&c, &err), err);
        c_.reset(c);
    }
    void fire() noexcept { avala_cancel_fire(c_.get()); }  // async-signal-safe
    bool fired() const noexcept { return avala_cancel_fired(c_.get()) == 1; }
    void reset() noexcept { avala_cancel_reset(c_.get()); }  // only while no call carries it
    avala_cancel* get() const noexcept { return c_.get(); }

private:
    detail::Owned<avala_cancel, avala_cancel_free> c_;
};

namespace detail {
// The C handle behind each C++ result type (Completion::take).
template <class T>
struct HandleOf;
template <>
struct HandleOf<Project> {
    using type = avala_project;
};
template <>
struct HandleOf<Object> {
    using type = avala_object;
};
template <>
struct HandleOf<ProjectPage> {
    using type = avala_project_page;
};
template <>
struct HandleOf<ObjectPage> {
    using type = avala_page;
};
template <>
struct HandleOf<Response> {
    using type = avala_response;
};
}  // namespace detail

// One finished asynchronous call (avala.h, avala_completion). Owns the
// call's result until take<T>() hands it over; a result never taken is freed.
class Completion {
public:
    explicit Completion(const avala_completion& c) noexcept : c_(c) {}
    Completion(Completion&& other) noexcept : c_(std::exchange(other.c_, avala_completion{})) {}
    Completion& operator=(Completion&& other) noexcept {
        if (this != &other) {
            free();
            c_ = std::exchange(other.c_, avala_completion{});
        }
        return *this;
    }
    Completion(const Completion&) = delete;
    Completion& operator=(const Completion&) = delete;
    ~Completion() { free(); }

    // The tag of the client the call was made on (Client::with_queue).
    std::uint64_t tag() const noexcept { return c_.tag; }
    int status() const noexcept { return c_.status; }
    // An iterator step found the end (no item).
    bool end() const noexcept { return c_.status == AVALA_ITER_END; }
    // Throws the call's avala::Error if it failed.
    void check() {
        if (c_.status < 0) detail::throw_error(c_.status, std::exchange(c_.error, nullptr));
    }
    // The result as the type the blocking form of the call returns: Project,
    // Object, ProjectPage, ObjectPage or Response (a delete has none to take).
    // Throws the call's avala::Error if it failed.
    template <class T>
    T take() {
        check();
        return T(static_cast<typename detail::HandleOf<T>::type*>(std::exchange(c_.result, nullptr)));
    }

private:
    void free() noexcept {
        if (c_.result != nullptr && c_.free_result != nullptr) c_.free_result(c_.result);
        avala_error_free(c_.error);
        c_ = avala_completion{};
    }
    avala_completion c_;
};

// A completion queue (avala.h, "Asynchronous calls"): calls made through
// Client::with_queue(queue, tag) start and return at once, and complete here.
class Queue {
public:
    Queue() {
        avala_queue* q = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_queue_new(&q, &err), err);
        q_.reset(q);
    }
    // Takes up to `max` finished calls, waiting up to `timeout` for the first
    // (zero: not at all; negative: without limit).
    std::vector<Completion> poll(std::size_t max = 64,
                                 std::chrono::milliseconds timeout = std::chrono::milliseconds(-1)) {
        std::vector<avala_completion> raw(max == 0 ? 1 : max);
        std::size_t n = avala_queue_poll(q_.get(), raw.data(), raw.size(), timeout.count());
        std::vector<Completion> out;
        out.reserve(n);
        for (std::size_t i = 0; i < n; ++i) out.emplace_back(raw[i]);
        return out;
    }
    // Readable while completions wait: for an event loop (then poll with timeout 0).
    int fd() const noexcept { return avala_queue_fd(q_.get()); }
    // Calls started on the queue and not yet polled off it.
    std::size_t pending() const noexcept { return avala_queue_pending(q_.get()); }
    avala_queue* get() const noexcept { return q_.get(); }

private:
    detail::Owned<avala_queue, avala_queue_free> q_;
};

class Client {
public:
    // Everything from the environment.
    Client() : Client(ClientOptions{}) {}

    explicit Client(const ClientOptions& options) {
        avala_client_options o = AVALA_CLIENT_OPTIONS_INIT;
        // Kept alive until avala_client_new has copied them.
        std::optional<std::string> api_key, base_url, ca_file, ca_dir, cert, key, password, proxy, no_proxy, suffix;
        auto set = [](const char*& field, std::optional<std::string>& keep,
                      const std::optional<std::string>& value, const char* what) {
            if (!value) return;
            keep = detail::c_string(*value, what);
            field = keep->c_str();
        };
        set(o.api_key, api_key, options.api_key, "api_key");
        set(o.base_url, base_url, options.base_url, "base_url");
        set(o.ca_file, ca_file, options.ca_file, "ca_file");
        set(o.ca_dir, ca_dir, options.ca_dir, "ca_dir");
        set(o.client_cert, cert, options.client_cert, "client_cert");
        set(o.client_key, key, options.client_key, "client_key");
        set(o.client_key_password, password, options.client_key_password, "client_key_password");
        set(o.proxy, proxy, options.proxy, "proxy");
        set(o.no_proxy, no_proxy, options.no_proxy, "no_proxy");
        o.proxy_env_off = options.proxy_from_env ? 0 : 1;
        o.compression_off = options.compression ? 0 : 1;
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

    // ---- tasks, exports, agents, quality targets, datasets ----------------
    // Lists return a lazy ObjectRange (every item across pages) or, with
    // _page, one ObjectPage; filters a list does not take throw
    // Error(AVALA_E_INVALID_ARGUMENT) and nothing is sent. Create and update
    // take the fields as JSON object text (checked before sending; update
    // sends only the fields given).

    ObjectRange tasks(const ListOptions& o = {}) { return range(avala_task_list, o); }
    ObjectPage tasks_page(const ListOptions& o = {}) { return page(avala_task_list_page, o); }
    Object task(std::string_view uid) { return object(avala_task_get, uid); }

    ObjectRange exports(const ListOptions& o = {}) { return range(avala_export_list, o); }
    ObjectPage exports_page(const ListOptions& o = {}) { return page(avala_export_list_page, o); }
    Object get_export(std::string_view uid) { return object(avala_export_get, uid); }
    Object create_export_for_project(std::string_view project) { return create_export(project, true); }
    Object create_export_for_dataset(std::string_view dataset) { return create_export(dataset, false); }
    // Polls until "exported" or "failed" (a failed export is returned, not
    // thrown); interval never below 0.5 s; throws Error(AVALA_E_TIMEOUT)
    // naming the last status. progress(export, elapsed_seconds) runs after
    // each poll on this thread; returning false cancels (AVALA_E_CANCELLED).
    Object wait_for_export(std::string_view uid,
                           std::chrono::milliseconds interval = std::chrono::milliseconds(2000),
                           std::chrono::milliseconds timeout = std::chrono::milliseconds(300000),
                           std::function<bool(ObjectView, double)> progress = {}) {
        std::string id = detail::c_string(uid, "uid");
        avala_wait_options w = AVALA_WAIT_OPTIONS_INIT;
        w.interval_ms = static_cast<std::int64_t>(interval.count());
        w.timeout_ms = static_cast<std::int64_t>(timeout.count());
        auto trampoline = [](const avala_object* e, double elapsed, void* payload) -> int {
            auto* fn = static_cast<std::function<bool(ObjectView, double)>*>(payload);
            try {
                return (*fn)(ObjectView(e), elapsed) ? AVALA_CONTINUE : 0;
            } catch (...) {
                return 0;  // an exception cannot cross the C library: stop the wait
            }
        };
        avala_object* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_export_wait(&out, client_.get(), id.c_str(), &w, progress ? +trampoline : nullptr,
                                        &progress, &err),
                      err);
        return Object(out);
    }

    ObjectRange agents(const ListOptions& o = {}) { return range(avala_agent_list, o); }
    ObjectPage agents_page(const ListOptions& o = {}) { return page(avala_agent_list_page, o); }
    Object agent(std::string_view uid) { return object(avala_agent_get, uid); }
    Object create_agent(std::string_view fields_json) { return with_fields(avala_agent_create, fields_json); }
    Object update_agent(std::string_view uid, std::string_view fields_json) {
        return with_fields(avala_agent_update, uid, fields_json);
    }
    void delete_agent(std::string_view uid) { call(avala_agent_delete, uid); }
    ObjectRange agent_executions(std::string_view agent_uid, const ListOptions& o = {}) {
        return range(avala_agent_execution_list, o, agent_uid);
    }
    Object test_agent(std::string_view uid) { return object(avala_agent_test, uid); }

    ObjectRange quality_targets(std::string_view project, const ListOptions& o = {}) {
        return range(avala_quality_target_list, o, project);
    }
    Object quality_target(std::string_view project, std::string_view uid) {
        return object(avala_quality_target_get, project, uid);
    }
    Object create_quality_target(std::string_view project, std::string_view fields_json) {
        return with_fields(avala_quality_target_create, project, fields_json);
    }
    Object update_quality_target(std::string_view project, std::string_view uid, std::string_view fields_json) {
        return with_fields(avala_quality_target_update, project, uid, fields_json);
    }
    void delete_quality_target(std::string_view project, std::string_view uid) {
        call(avala_quality_target_delete, project, uid);
    }
    // The server answers a bare array: a page without cursors.
    ObjectPage evaluate_quality_targets(std::string_view project) {
        std::string p = detail::c_string(project, "project");
        avala_page* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_quality_target_evaluate(&out, client_.get(), p.c_str(), &err), err);
        return ObjectPage(out);
    }

    ObjectRange datasets(const ListOptions& o = {}) { return range(avala_dataset_list, o); }
    ObjectPage datasets_page(const ListOptions& o = {}) { return page(avala_dataset_list_page, o); }
    Object dataset(std::string_view uid) { return object(avala_dataset_get, uid); }

    avala_client* get() noexcept { return client_.get(); }
    const avala_client* get() const noexcept { return client_.get(); }

    // A client sharing this one's connection pool and configuration whose
    // calls, and the ranges made from it, stop once `cancel` fires.
    Client with_cancel(const Cancel& cancel) const {
        avala_call_options co = AVALA_CALL_OPTIONS_INIT;
        co.cancel = cancel.get();
        avala_client* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_client_derive(&out, client_.get(), &co, &err), err);
        return Client(out, keep_);
    }

    // The asynchronous form: a client sharing this one's pool whose calls
    // start and return at once — what they return is empty (a default
    // Project, Object, page...) — and complete on `queue` with `tag`; take
    // the result with Completion::take<T>(). A range made from it steps
    // asynchronously, so iterate with a blocking client (or walk pages with
    // the _page calls and their cursors). `cancel`, if given, stops its calls.
    Client with_queue(Queue& queue, std::uint64_t tag, const Cancel* cancel = nullptr) const {
        avala_call_options co = AVALA_CALL_OPTIONS_INIT;
        co.queue = queue.get();
        co.tag = tag;
        co.cancel = cancel ? cancel->get() : nullptr;
        avala_client* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_client_derive(&out, client_.get(), &co, &err), err);
        return Client(out, keep_);
    }

#ifdef AVALA_HPP_STOP_TOKEN
    // The same, stopped by a std::stop_token (a std::jthread's, a
    // std::stop_source's): the calls stop once a stop is requested.
    Client with_stop_token(std::stop_token token) const {
        auto link = std::make_shared<StopLink>(std::move(token));
        Client c = with_cancel(link->cancel);
        c.keep_ = link;
        return c;
    }
#endif

private:
    Client(avala_client* derived, std::shared_ptr<void> keep) : keep_(std::move(keep)) { client_.reset(derived); }

#ifdef AVALA_HPP_STOP_TOKEN
    struct Fire {
        avala_cancel* c;
        void operator()() const noexcept { avala_cancel_fire(c); }
    };
    struct StopLink {
        explicit StopLink(std::stop_token t) : callback(std::move(t), Fire{cancel.get()}) {}
        Cancel cancel;
        std::stop_callback<Fire> callback;
    };
#endif

    // Runs f(out, client, ids..., rest..., &err) with the string_view ids as
    // C strings (checked for embedded NULs), throwing on failure.
    template <class Out, class F, class... Ids>
    Out* run(F f, Ids... ids) {
        Out* out = nullptr;
        avala_error* err = nullptr;
        detail::check(f(&out, client_.get(), ids..., &err), err);
        return out;
    }
    template <class F, class... Views>
    Object object(F f, Views... ids) {
        std::string c[] = {detail::c_string(ids, "uid")...};
        return apply_ids<sizeof...(Views)>(c, [&](auto... p) { return Object(run<avala_object>(f, p...)); });
    }
    template <class F, class... Views>
    Object with_fields(F f, Views... args) {  // the last argument is the fields' JSON
        std::string c[] = {detail::c_string(args, "argument")...};
        return apply_ids<sizeof...(Views)>(c, [&](auto... p) { return Object(run<avala_object>(f, p...)); });
    }
    template <class F, class... Views>
    void call(F f, Views... ids) {
        std::string c[] = {detail::c_string(ids, "uid")...};
        apply_ids<sizeof...(Views)>(c, [&](auto... p) {
            avala_error* err = nullptr;
            detail::check(f(client_.get(), p..., &err), err);
        });
    }
    template <class F, class... Views>
    ObjectRange range(F f, const ListOptions& o, Views... parent) {
        std::string c[] = {std::string(), detail::c_string(parent, "uid")...};
        detail::CListOptions lo(o);
        avala_iter* out = nullptr;
        avala_error* err = nullptr;
        if constexpr (sizeof...(Views) == 0) {
            detail::check(f(&out, client_.get(), &lo.opts, &err), err);
        } else {
            detail::check(f(&out, client_.get(), c[1].c_str(), &lo.opts, &err), err);
        }
        return ObjectRange(out);
    }
    template <class F>
    ObjectPage page(F f, const ListOptions& o) {
        detail::CListOptions lo(o);
        return ObjectPage(run<avala_page>(f, static_cast<const avala_list_options*>(&lo.opts)));
    }
    template <std::size_t N, class F>
    static decltype(auto) apply_ids(std::string (&c)[N], F&& f) {
        if constexpr (N == 1) return f(c[0].c_str());
        else if constexpr (N == 2) return f(c[0].c_str(), c[1].c_str());
        else return f(c[0].c_str(), c[1].c_str(), c[2].c_str());
    }
    Object create_export(std::string_view uid, bool project) {
        std::string id = detail::c_string(uid, project ? "project" : "dataset");
        avala_object* out = nullptr;
        avala_error* err = nullptr;
        detail::check(avala_export_create(&out, client_.get(), project ? id.c_str() : nullptr,
                                          project ? nullptr : id.c_str(), &err),
                      err);
        return Object(out);
    }


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
    std::shared_ptr<void> keep_;  // what a derived client's calls need alive (a stop_token's link)
};

}  // namespace avala

#endif  // AVALA_HPP
