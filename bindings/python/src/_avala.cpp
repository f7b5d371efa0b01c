// avala._avala: the pybind11 layer over the C ABI. It includes avala.h and
// nothing else of libavala, so it proves (like the CLI) that the C ABI is
// enough. The friendly API (Client, Project, CursorPage, errors) is Python in
// the avala package; this module only does what needs C:
//
//  * owns every C handle through RAII (unique_ptr / shared_ptr deleters);
//  * releases the GIL around every call that may touch the network, builds no
//    Python object while it is released, and raises after re-acquiring it;
//  * turns an avala_error into a Python exception in exactly one place,
//    raise_error(), which hands the fields to avala.errors._from_native.
#include <avala.h>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace {

// ---- RAII owners --------------------------------------------------------

struct ErrorFree {
  void operator()(avala_error* e) const noexcept { avala_error_free(e); }
};
struct ResponseFree {
  void operator()(avala_response* r) const noexcept { avala_response_free(r); }
};
struct IterFree {
  void operator()(avala_project_iter* it) const noexcept { avala_project_iter_free(it); }
};
using ErrorPtr = std::unique_ptr<avala_error, ErrorFree>;
using ResponsePtr = std::unique_ptr<avala_response, ResponseFree>;
using IterPtr = std::unique_ptr<avala_project_iter, IterFree>;
using ClientRef = std::shared_ptr<avala_client>;
// Either an owned project (freed with avala_project_free) or a borrowed item
// that shares ownership of its page (aliasing constructor), never a copy.
using ProjectRef = std::shared_ptr<const avala_project>;

// ---- Strings ------------------------------------------------------------

// libavala hands out UTF-8; a server may still send bytes that are not, so
// decode with replacement rather than fail on a diagnostic string.
py::object to_py(const char* s) {
  if (s == nullptr) return py::none();
  PyObject* o = PyUnicode_DecodeUTF8(s, static_cast<Py_ssize_t>(std::char_traits<char>::length(s)),
                                     "replace");
  if (o == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(o);
}

// ---- The one translation point -----------------------------------------

// Raises the Python exception for a failed call. Takes ownership of `raw`
// (which may be NULL, e.g. when even the error could not be allocated).
// The GIL must be held.
[[noreturn]] void raise_error(int rc, avala_error* raw) {
  ErrorPtr err(raw);
  const int code = err ? avala_error_code(err.get()) : rc;
  py::object message = to_py(err ? avala_error_message(err.get()) : avala_status_name(rc));
  py::object body = to_py(err ? avala_error_body(err.get()) : "");
  const int32_t status = err ? avala_error_http_status(err.get()) : 0;
  const double retry_after = err ? avala_error_retry_after(err.get()) : -1.0;
  const int32_t attempts = err ? avala_error_attempts(err.get()) : 0;
  err.reset();

  py::object factory = py::module_::import("avala.errors").attr("_from_native");
  py::object exc = factory(code, avala_status_name(code), message, status, body,
                           retry_after < 0 ? py::object(py::none()) : py::object(py::float_(retry_after)),
                           attempts);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw py::error_already_set();
}

// For arguments refused before calling libavala (same classes, same path).
[[noreturn]] void raise_invalid(const char* message) {
  py::object factory = py::module_::import("avala.errors").attr("_from_native");
  py::object exc = factory(AVALA_E_INVALID_ARGUMENT, avala_status_name(AVALA_E_INVALID_ARGUMENT),
                           message, 0, "", py::none(), 0);
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw py::error_already_set();
}

// An out_err slot that frees whatever it still holds.
struct ErrorSlot {
  avala_error* raw = nullptr;
  ErrorSlot() = default;
  ErrorSlot(const ErrorSlot&) = delete;
  ErrorSlot& operator=(const ErrorSlot&) = delete;
  ~ErrorSlot() { avala_error_free(raw); }
  avala_error* release() noexcept { return std::exchange(raw, nullptr); }
};

// Throws the Python error for a negative status. GIL held.
void check(int rc, ErrorSlot& slot) {
  if (rc < 0) raise_error(rc, slot.release());
}

// C strings cannot carry NUL; refuse rather than silently truncate.
const char* c_arg(const std::string& s, const char* what) {
  if (s.find('\0') != std::string::npos) raise_invalid(what);
  return s.c_str();
}
const char* c_arg(const std::optional<std::string>& s, const char* what) {
  return s ? c_arg(*s, what) : nullptr;
}

// ---- Project --------------------------------------------------------------

class Project {
 public:
  explicit Project(ProjectRef p) : p_(std::move(p)) {}

  py::object uid() const { return to_py(avala_project_uid(p_.get())); }
  py::object name() const { return to_py(avala_project_name(p_.get())); }
  py::object status() const { return to_py(avala_project_status(p_.get())); }
  int status_kind() const { return static_cast<int>(avala_project_status_kind_of(p_.get())); }
  py::object created_at() const { return to_py(avala_project_created_at(p_.get())); }
  py::object updated_at() const { return to_py(avala_project_updated_at(p_.get())); }
  py::object json() const { return to_py(avala_project_json(p_.get())); }
  py::object field_json(const std::string& field) const {
    return to_py(avala_project_field_json(p_.get(), c_arg(field, "field name contains a NUL character")));
  }

 private:
  ProjectRef p_;
};

py::list to_list(std::vector<ProjectRef>& items) {
  py::list out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) out[i] = py::cast(Project(std::move(items[i])));
  return out;
}

// ---- Options ----------------------------------------------------------------

struct ListArgs {
  avala_list_options opts{};
  std::optional<std::string> cursor;
  ListArgs(int32_t limit, std::optional<std::string> c) : cursor(std::move(c)) {
    avala_list_options_init(&opts, AVALA_LIST_OPTIONS_VERSION);
    opts.limit = limit;
    opts.cursor = c_arg(cursor, "cursor contains a NUL character");
  }
  ListArgs(const ListArgs&) = delete;
  ListArgs& operator=(const ListArgs&) = delete;
};

// ---- Iterator -------------------------------------------------------------

// Wraps avala_project_iter. libavala wants one thread at a time per iterator;
// Python threads (and the asyncio executor) may call in concurrently while
// the GIL is released, so a mutex serialises them.
class ProjectIter {
 public:
  ProjectIter(ClientRef client, IterPtr it) : client_(std::move(client)), it_(std::move(it)) {}

  // Up to n more projects; an empty list at the end. If a page fails after
  // some items were already taken, those are returned and the error is
  // raised by the next call (the C iterator then resumes at that page).
  py::list take(std::size_t n) {
    std::vector<ProjectRef> got;
    int rc = AVALA_OK;
    ErrorSlot slot;
    {
      py::gil_scoped_release nogil;
      std::lock_guard lock(mu_);
      if (pending_rc_ < 0) {
        rc = std::exchange(pending_rc_, AVALA_OK);
        slot.raw = pending_.release();
      } else if (!done_) {
        got.reserve(n);
        while (got.size() < n) {
          avala_project* p = nullptr;
          rc = avala_project_iter_next(&p, it_.get(), &slot.raw);
          if (rc != AVALA_OK) break;
          got.emplace_back(p, avala_project_free);
        }
        if (rc == AVALA_ITER_END) done_ = true;
        if (rc < 0 && !got.empty()) {
          pending_rc_ = rc;
          pending_.reset(slot.release());
          rc = AVALA_OK;
        }
      }
    }
    check(rc, slot);
    return to_list(got);
  }

  bool done() {
    std::lock_guard lock(mu_);
    return done_ && pending_rc_ == AVALA_OK;
  }

 private:
  std::mutex mu_;
  ClientRef client_;  // kept so the C client outlives its iterators whatever close() does
  IterPtr it_;
  bool done_ = false;
  int pending_rc_ = AVALA_OK;
  ErrorPtr pending_;
};

// ---- Response -----------------------------------------------------------------

class Response {
 public:
  explicit Response(ResponsePtr r) : r_(std::move(r)) {}
  int32_t status() const { return avala_response_status(r_.get()); }
  py::bytes body() const {
    std::size_t len = 0;
    const char* data = avala_response_body(r_.get(), &len);
    return py::bytes(data == nullptr ? "" : data, data == nullptr ? 0 : len);
  }
  py::object header(const std::string& name) const {
    return to_py(avala_response_header(r_.get(), c_arg(name, "header name contains a NUL character")));
  }

 private:
  ResponsePtr r_;
};

// ---- Client -----------------------------------------------------------------

class Client {
 public:
  Client(const std::optional<std::string>& api_key, const std::optional<std::string>& base_url,
         int64_t timeout_ms, int32_t max_retries, const std::optional<std::string>& user_agent_suffix,
         const std::optional<std::string>& ca_file) {
    avala_client_options o;
    avala_client_options_init(&o, AVALA_CLIENT_OPTIONS_VERSION);
    o.api_key = c_arg(api_key, "api_key contains a NUL character");
    o.base_url = c_arg(base_url, "base_url contains a NUL character");
    o.timeout_ms = timeout_ms;
    o.max_retries = max_retries;
    o.user_agent_suffix = c_arg(user_agent_suffix, "user agent contains a NUL character");
    o.ca_file = c_arg(ca_file, "ca_file contains a NUL character");
    avala_client* raw = nullptr;
    ErrorSlot slot;
    int rc = avala_client_new(&raw, &o, &slot.raw);
    check(rc, slot);
    client_ = ClientRef(raw, avala_client_free);
  }

  // Drops this handle's reference. Calls already running on other threads
  // hold their own reference, so the C client is freed when the last ends.
  void close() { client_.reset(); }
  bool closed() const { return !client_; }

  py::object base_url() const { return to_py(avala_client_base_url(get().get())); }

  py::tuple rate_limit() const {
    avala_rate_limit rl{-1, -1, -1};
    avala_client_rate_limit(&rl, get().get());
    auto opt = [](int64_t v) { return v < 0 ? py::object(py::none()) : py::object(py::int_(v)); };
    return py::make_tuple(opt(rl.limit), opt(rl.remaining), opt(rl.reset));
  }

  Response request(const std::string& method, const std::string& path,
                   const std::optional<std::string>& body_json) {
    ClientRef c = get();
    const char* m = c_arg(method, "method contains a NUL character");
    const char* p = c_arg(path, "path contains a NUL character");
    const char* b = c_arg(body_json, "body contains a NUL character");
    avala_response* out = nullptr;
    ErrorSlot slot;
    int rc;
    {
      py::gil_scoped_release nogil;
      rc = avala_request(&out, c.get(), m, p, b, &slot.raw);
    }
    check(rc, slot);
    return Response(ResponsePtr(out));
  }

  Project project_get(const std::string& uid) {
    ClientRef c = get();
    const char* u = c_arg(uid, "uid contains a NUL character");
    avala_project* out = nullptr;
    ErrorSlot slot;
    int rc;
    {
      py::gil_scoped_release nogil;
      rc = avala_project_get(&out, c.get(), u, &slot.raw);
    }
    check(rc, slot);
    return Project(ProjectRef(out, avala_project_free));
  }

  // One page: (items, next_cursor, previous_cursor, has_more).
  py::tuple project_list_page(int32_t limit, const std::optional<std::string>& cursor) {
    ClientRef c = get();
    ListArgs args(limit, cursor);
    avala_project_page* raw = nullptr;
    ErrorSlot slot;
    int rc;
    {
      py::gil_scoped_release nogil;
      rc = avala_project_list_page(&raw, c.get(), &args.opts, &slot.raw);
    }
    check(rc, slot);
    std::shared_ptr<avala_project_page> page(raw, avala_project_page_free);
    const std::size_t n = avala_project_page_count(page.get());
    std::vector<ProjectRef> items;
    items.reserve(n);
    for (std::size_t i = 0; i < n; ++i) items.emplace_back(page, avala_project_page_item(page.get(), i));
    return py::make_tuple(to_list(items), to_py(avala_project_page_next_cursor(page.get())),
                          to_py(avala_project_page_previous_cursor(page.get())),
                          avala_project_page_has_more(page.get()) != 0);
  }

  // Creating the iterator sends nothing, so the GIL stays held.
  std::unique_ptr<ProjectIter> project_iter(int32_t limit, const std::optional<std::string>& cursor) {
    ClientRef c = get();
    ListArgs args(limit, cursor);
    avala_project_iter* raw = nullptr;
    ErrorSlot slot;
    int rc = avala_project_list(&raw, c.get(), &args.opts, &slot.raw);
    check(rc, slot);
    IterPtr it(raw);
    return std::make_unique<ProjectIter>(std::move(c), std::move(it));
  }

 private:
  ClientRef get() const {
    if (!client_) throw std::runtime_error("the client is closed");
    return client_;
  }
  ClientRef client_;
};

}  // namespace

PYBIND11_MODULE(_avala, m) {
  m.doc() = "Low-level binding of libavala's C ABI (avala.h). Use the avala package instead.";

  m.attr("VERSION_STRING") = AVALA_VERSION_STRING;  // the header this module was built against
  m.def("version", [] { return std::string(avala_version()); },
        "The version of the libavala.so actually loaded.");
  m.def("status_name", [](int code) { return std::string(avala_status_name(code)); });

  m.attr("OK") = AVALA_OK;
  m.attr("ITER_END") = AVALA_ITER_END;
  m.attr("E_INVALID_ARGUMENT") = AVALA_E_INVALID_ARGUMENT;
  m.attr("E_CONFIG") = AVALA_E_CONFIG;
  m.attr("E_AUTHENTICATION") = AVALA_E_AUTHENTICATION;
  m.attr("E_FORBIDDEN") = AVALA_E_FORBIDDEN;
  m.attr("E_NOT_FOUND") = AVALA_E_NOT_FOUND;
  m.attr("E_VALIDATION") = AVALA_E_VALIDATION;
  m.attr("E_RATE_LIMITED") = AVALA_E_RATE_LIMITED;
  m.attr("E_SERVER") = AVALA_E_SERVER;
  m.attr("E_API") = AVALA_E_API;
  m.attr("E_REDIRECT") = AVALA_E_REDIRECT;
  m.attr("E_TIMEOUT") = AVALA_E_TIMEOUT;
  m.attr("E_NETWORK") = AVALA_E_NETWORK;
  m.attr("E_TLS") = AVALA_E_TLS;
  m.attr("E_DECODE") = AVALA_E_DECODE;
  m.attr("E_CROSS_ORIGIN") = AVALA_E_CROSS_ORIGIN;
  m.attr("E_NO_MEMORY") = AVALA_E_NO_MEMORY;
  m.attr("E_INTERNAL") = AVALA_E_INTERNAL;

  py::class_<Project>(m, "Project")
      .def_property_readonly("uid", &Project::uid)
      .def_property_readonly("name", &Project::name)
      .def_property_readonly("status", &Project::status)
      .def_property_readonly("status_kind", &Project::status_kind)
      .def_property_readonly("created_at", &Project::created_at)
      .def_property_readonly("updated_at", &Project::updated_at)
      .def("json", &Project::json)
      .def("field_json", &Project::field_json, py::arg("field"));

  py::class_<ProjectIter>(m, "ProjectIter")
      .def("take", &ProjectIter::take, py::arg("n"))
      .def_property_readonly("done", &ProjectIter::done);

  py::class_<Response>(m, "Response")
      .def_property_readonly("status", &Response::status)
      .def_property_readonly("body", &Response::body)
      .def("header", &Response::header, py::arg("name"));

  py::class_<Client>(m, "Client")
      .def(py::init<const std::optional<std::string>&, const std::optional<std::string>&, int64_t, int32_t,
                    const std::optional<std::string>&, const std::optional<std::string>&>(),
           py::arg("api_key"), py::arg("base_url"), py::arg("timeout_ms"), py::arg("max_retries"),
           py::arg("user_agent_suffix"), py::arg("ca_file"))
      .def("close", &Client::close)
      .def_property_readonly("closed", &Client::closed)
      .def_property_readonly("base_url", &Client::base_url)
      .def("rate_limit", &Client::rate_limit)
      .def("request", &Client::request, py::arg("method"), py::arg("path"), py::arg("body_json"))
      .def("project_get", &Client::project_get, py::arg("uid"))
      .def("project_list_page", &Client::project_list_page, py::arg("limit"), py::arg("cursor"))
      // The iterator keeps the Python client object alive as well as the C one.
      .def("project_iter", &Client::project_iter, py::arg("limit"), py::arg("cursor"), py::keep_alive<0, 1>());
}
