// avala._avala: the pybind11 layer over the C ABI. It includes avala.h and
// nothing else of libavala, so it proves (like the CLI) that the C ABI is
// enough. The friendly API (Client, models, CursorPage, errors) is Python in
// the avala package; this module only does what needs C:
//
//  * owns every C handle through RAII (unique_ptr / shared_ptr deleters);
//  * releases the GIL around every call that may touch the network, builds no
//    Python object while it is released, and raises after re-acquiring it;
//  * turns an avala_error into a Python exception in exactly one place,
//    raise_error(), which hands the fields to avala.errors._from_native;
//  * maps resource names to the C functions in one table (kRoutes), so the
//    Python side reaches every resource through a handful of generic calls;
//  * runs each call blocking, or — on a client made by Client::derive with a
//    completion queue (Queue, one per asyncio loop) — starts it on the
//    asynchronous C ABI; either way its result becomes a Python object in
//    one place (to_python) and its error in another (make_error).
#include <avala.h>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <structmember.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace py = pybind11;

#if PY_VERSION_HEX < 0x030A0000  // Python 3.9
inline PyObject* Py_NewRef(PyObject* o) {
  Py_INCREF(o);
  return o;
}
#endif

namespace {

// ---- RAII owners --------------------------------------------------------

struct ErrorFree {
  void operator()(avala_error* e) const noexcept { avala_error_free(e); }
};
struct ResponseFree {
  void operator()(avala_response* r) const noexcept { avala_response_free(r); }
};
using ErrorPtr = std::unique_ptr<avala_error, ErrorFree>;
using ResponsePtr = std::unique_ptr<avala_response, ResponseFree>;
using ClientRef = std::shared_ptr<avala_client>;

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

// The Python exception for a failed call (not raised: a blocking call
// raises it, an asynchronous one hands it to its future). Takes ownership of
// `raw` (which may be NULL, e.g. when even the error could not be allocated).
// `cause` is the Python exception that made a callback stop the call (a
// KeyboardInterrupt from a signal, or the callback's own error), or None.
// The GIL must be held.
py::object make_error(int rc, avala_error* raw, const py::object& cause = py::none()) {
  ErrorPtr err(raw);
  const int code = err ? avala_error_code(err.get()) : rc;
  py::object message = to_py(err ? avala_error_message(err.get()) : avala_status_name(rc));
  py::object body = to_py(err ? avala_error_body(err.get()) : "");
  const int32_t status = err ? avala_error_http_status(err.get()) : 0;
  const double retry_after = err ? avala_error_retry_after(err.get()) : -1.0;
  const int32_t attempts = err ? avala_error_attempts(err.get()) : 0;
  err.reset();

  py::object factory = py::module_::import("avala.errors").attr("_from_native");
  return factory(code, avala_status_name(code), message, status, body,
                 retry_after < 0 ? py::object(py::none()) : py::object(py::float_(retry_after)), attempts,
                 py::arg("cause") = cause);
}

[[noreturn]] void raise_exception(const py::object& exc) {
  PyErr_SetObject(reinterpret_cast<PyObject*>(Py_TYPE(exc.ptr())), exc.ptr());
  throw py::error_already_set();
}

// Raises the Python exception for a failed call (see make_error).
[[noreturn]] void raise_error(int rc, avala_error* raw, const py::object& cause = py::none()) {
  raise_exception(make_error(rc, raw, cause));
}

// For arguments refused before calling libavala (same classes, same path).
[[noreturn]] void raise_invalid(const char* message) {
  py::object factory = py::module_::import("avala.errors").attr("_from_native");
  raise_exception(factory(AVALA_E_INVALID_ARGUMENT, avala_status_name(AVALA_E_INVALID_ARGUMENT), message, 0, "",
                          py::none(), 0));
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

// ---- Ctrl-C during a call ------------------------------------------------
// Every call of a Client carries py_interrupt (avala_client_derive): while a
// call waits, libavala asks it every 50 ms on the waiting thread. On the main
// thread it takes the GIL and runs Python's signal handlers; if one raised
// (KeyboardInterrupt), the exception is kept here and the call stops with
// AVALA_E_CANCELLED, its connection closed; check() then raises that
// exception. Other threads never run signal handlers, so they carry on.
unsigned long g_main_thread = 0;
thread_local PyObject* t_interrupt_cause = nullptr;  // a new reference, or null

int py_interrupt(void*) noexcept {
  if (PyThread_get_thread_ident() != g_main_thread) return AVALA_CONTINUE;
  PyGILState_STATE gil = PyGILState_Ensure();
  int verdict = AVALA_CONTINUE;
  if (PyErr_CheckSignals() != 0) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    PyErr_NormalizeException(&type, &value, &tb);
    if (tb != nullptr && value != nullptr) PyException_SetTraceback(value, tb);
    Py_XDECREF(type);
    Py_XDECREF(tb);
    Py_XDECREF(t_interrupt_cause);
    t_interrupt_cause = value;
    verdict = 0;  // anything but AVALA_CONTINUE stops the call
  }
  PyGILState_Release(gil);
  return verdict;
}

// A cancel handle (avala_cancel). AsyncClient gives each call (and each
// iterator) one, carried by the call's derived client (Client::derive), and
// fires it when the awaiting task is cancelled: the request stops at once,
// its connection closed.
struct Cancel {
  std::shared_ptr<avala_cancel> handle;
  Cancel() {
    avala_cancel* c = nullptr;
    if (avala_cancel_new(&c, nullptr) != AVALA_OK) throw std::runtime_error("cannot make a cancel handle");
    handle.reset(c, avala_cancel_free);
  }
};

// Throws the Python error for a negative status. GIL held. A signal
// handler's exception caught during the call wins: Ctrl-C stays a
// KeyboardInterrupt, even when the call happened to finish anyway.
void check(int rc, ErrorSlot& slot, const py::object& cause = py::none()) {
  if (t_interrupt_cause != nullptr) {
    py::object interrupted = py::reinterpret_steal<py::object>(std::exchange(t_interrupt_cause, nullptr));
    if (rc >= 0 || rc == AVALA_E_CANCELLED) {
      raise_exception(interrupted);
    }
  }
  if (rc < 0) raise_error(rc, slot.release(), cause);
}

// C strings cannot carry NUL; refuse rather than silently truncate.
const char* c_arg(const std::string& s, const char* what) {
  if (s.find('\0') != std::string::npos) raise_invalid(what);
  return s.c_str();
}
const char* c_arg(const std::optional<std::string>& s, const char* what) {
  return s ? c_arg(*s, what) : nullptr;
}

// The project fields with a typed getter in the C ABI.
enum class ProjectField { uid, name, status, created_at, updated_at, other };

ProjectField project_field(std::string_view n) noexcept {
  using P = ProjectField;
  return n == "uid" ? P::uid : n == "name" ? P::name : n == "status" ? P::status
       : n == "created_at" ? P::created_at : n == "updated_at" ? P::updated_at : P::other;
}

// A project's string field (`which` is project_field(field); `field` holds
// no NUL), None when absent, null or not a string (avala_object_string's
// rule), without parsing the whole object: the typed getters for the
// documented fields, else the field's JSON text, unquoted.
py::object project_string(const avala_project* p, ProjectField which, const char* field) {
  switch (which) {
    case ProjectField::uid: return to_py(avala_project_uid(p));
    case ProjectField::name: return to_py(avala_project_name(p));
    case ProjectField::status: return to_py(avala_project_status(p));
    case ProjectField::created_at: return to_py(avala_project_created_at(p));
    case ProjectField::updated_at: return to_py(avala_project_updated_at(p));
    case ProjectField::other: break;
  }
  const char* text = avala_project_field_json(p, field);
  if (text == nullptr || text[0] != '"') return py::none();
  std::string_view json(text);
  if (json.find('\\') == std::string_view::npos) {  // no escapes: the text between the quotes
    json = json.substr(1, json.size() - 2);
    PyObject* o = PyUnicode_DecodeUTF8(json.data(), static_cast<Py_ssize_t>(json.size()), "replace");
    if (o == nullptr) throw py::error_already_set();
    return py::reinterpret_steal<py::object>(o);
  }
  py::object quoted = to_py(text);  // before any Python code runs: `text` lives only as long as `p`
  return py::module_::import("json").attr("loads")(quoted);
}

// ---- Item: the native object a model holds ----------------------------------

// A plain CPython object holding one project or object of libavala, with the
// two methods a model calls: get_string and json. Every native item the
// extension hands out is one (iterators, pages, gets, creates, waits). Not a
// pybind11 class: each pybind11 instance is a second allocation for the C++
// value and an entry in pybind11's instance registry, ~40% of the per-item
// cost of a Python walk (found by the pagination benchmark).
struct Item {
  PyObject_HEAD
  const avala_project* project;  // exactly one of the two is set
  const avala_object* object;
  // What keeps it alive: the page it is borrowed from, or nothing when the
  // item is owned (freed with the Item).
  std::shared_ptr<const void> page;
};

PyTypeObject* item_type = nullptr;

void item_dealloc(PyObject* self) noexcept {
  auto* item = reinterpret_cast<Item*>(self);
  if (!item->page) {
    avala_project_free(const_cast<avala_project*>(item->project));
    avala_object_free(const_cast<avala_object*>(item->object));
  }
  item->page.~shared_ptr();
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);  // a heap type: each instance holds a reference to it
}

PyObject* item_get_string(PyObject* self, PyObject* field) noexcept {
  try {
    Py_ssize_t size = 0;
    const char* text = PyUnicode_AsUTF8AndSize(field, &size);  // TypeError unless a str
    if (text == nullptr) return nullptr;
    std::string_view name(text, static_cast<std::size_t>(size));
    if (name.find('\0') != std::string_view::npos) raise_invalid("field name contains a NUL character");
    auto* item = reinterpret_cast<Item*>(self);
    if (item->project != nullptr) return project_string(item->project, project_field(name), text).release().ptr();
    return to_py(avala_object_string(item->object, text)).release().ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

PyObject* item_json(PyObject* self, PyObject*) noexcept {
  try {
    auto* item = reinterpret_cast<Item*>(self);
    return to_py(item->project != nullptr ? avala_project_json(item->project) : avala_object_json(item->object))
        .release()
        .ptr();
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

PyMethodDef item_methods[] = {
    {"get_string", &item_get_string, METH_O, "A string field's value; None when absent, null or not a string."},
    {"json", &item_json, METH_NOARGS, "The whole item as JSON text."},
    {nullptr, nullptr, 0, nullptr},
};

// A heap type made from spec, added to the module (which keeps it).
PyObject* new_type(py::module_& m, PyType_Spec* spec) {
  PyObject* type = PyType_FromSpec(spec);
  if (type == nullptr) throw py::error_already_set();
  const char* dot = std::strrchr(spec->name, '.');
  m.add_object(dot != nullptr ? dot + 1 : spec->name, py::reinterpret_steal<py::object>(type));
  return type;  // the module keeps it
}

#ifndef Py_TPFLAGS_DISALLOW_INSTANTIATION  // Python 3.9
#define Py_TPFLAGS_DISALLOW_INSTANTIATION 0
PyObject* item_new(PyTypeObject*, PyObject*, PyObject*) noexcept {
  PyErr_SetString(PyExc_TypeError, "cannot create 'avala._avala.Item' instances");
  return nullptr;
}
#endif

void def_item(py::module_& m) {
  static PyType_Slot slots[] = {
#if PY_VERSION_HEX < 0x030A0000
      {Py_tp_new, reinterpret_cast<void*>(&item_new)},
#endif
      {Py_tp_dealloc, reinterpret_cast<void*>(&item_dealloc)},
      {Py_tp_methods, item_methods},
      {Py_tp_doc, const_cast<char*>("A project or another object of libavala, owned or borrowed from its page; made only by the extension.")},
      {0, nullptr},
  };
  static PyType_Spec spec = {"avala._avala.Item", sizeof(Item), 0,
                             Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, slots};
  item_type = reinterpret_cast<PyTypeObject*>(new_type(m, &spec));
  Py_INCREF(item_type);  // compared by address for the life of the process
}

// A new Item for p: owned (no page: p is freed with the Item, or now if
// making it fails) or borrowed from `page`, which it keeps alive.
template <typename CItem>
py::object make_item(const CItem* p, std::shared_ptr<const void> page = {}) {
  PyObject* o = item_type->tp_alloc(item_type, 0);
  if (o == nullptr) {
    if (!page) {
      if constexpr (std::is_same_v<CItem, avala_project>) {
        avala_project_free(const_cast<avala_project*>(p));
      } else {
        avala_object_free(const_cast<avala_object*>(p));
      }
    }
    throw py::error_already_set();
  }
  auto* item = reinterpret_cast<Item*>(o);
  new (&item->page) std::shared_ptr<const void>(std::move(page));  // noexcept
  if constexpr (std::is_same_v<CItem, avala_project>) {
    item->project = p;
  } else {
    item->object = p;
  }
  return py::reinterpret_steal<py::object>(o);
}

// The C accessors of a page type (avala_page, avala_project_page).
template <typename Page, typename CItem>
struct PageApi {
  void (*free)(Page*);
  std::size_t (*count)(const Page*);
  const CItem* (*item)(const Page*, std::size_t);
  const char* (*next)(const Page*);
  const char* (*previous)(const Page*);
  int (*has_more)(const Page*);
};
constexpr PageApi<avala_page, avala_object> kObjectPage{avala_page_free,        avala_page_count,
                                                        avala_page_item,        avala_page_next_cursor,
                                                        avala_page_previous_cursor, avala_page_has_more};
constexpr PageApi<avala_project_page, avala_project> kProjectPage{
    avala_project_page_free,        avala_project_page_count,           avala_project_page_item,
    avala_project_page_next_cursor, avala_project_page_previous_cursor, avala_project_page_has_more};

// A page's items, as Items borrowed from it (each keeps the page alive), and
// its cursors: (items, next_cursor, previous_cursor, has_more).
template <typename Page, typename CItem>
py::tuple page_tuple(Page* raw, const PageApi<Page, CItem>& api) {
  std::shared_ptr<Page> page(raw, api.free);
  const std::size_t n = api.count(page.get());
  py::list items(n);
  for (std::size_t i = 0; i < n; ++i) items[i] = make_item(api.item(page.get(), i), page);
  return py::make_tuple(items, to_py(api.next(page.get())), to_py(api.previous(page.get())),
                        api.has_more(page.get()) != 0);
}

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

// ---- Results: C handles -> Python objects ----------------------------------
//
// What each call hands back, converted in one place for both paths: a
// blocking call converts its *out, poll() converts a completion's result.

enum class Result {
  object,        // avala_object*       -> Item
  project,       // avala_project*      -> Item
  page,          // avala_page*         -> (items, next_cursor, previous_cursor, has_more)
  project_page,  // avala_project_page* -> the same tuple
  items,         // avala_page*         -> [Item, ...] (an answer that is a bare array)
  response,      // avala_response*     -> Response
  none,          // NULL (a delete)     -> None
};

// Takes ownership of `raw` (of the type `kind` names), also when it throws.
py::object to_python(Result kind, void* raw) {
  switch (kind) {
    case Result::object: return make_item(static_cast<const avala_object*>(raw));
    case Result::project: return make_item(static_cast<const avala_project*>(raw));
    case Result::page: return page_tuple(static_cast<avala_page*>(raw), kObjectPage);
    case Result::project_page: return page_tuple(static_cast<avala_project_page*>(raw), kProjectPage);
    case Result::items: return page_tuple(static_cast<avala_page*>(raw), kObjectPage)[0];
    case Result::response: {
      ResponsePtr r(static_cast<avala_response*>(raw));
      return py::cast(Response(std::move(r)));
    }
    case Result::none: break;
  }
  return py::none();
}

// ---- Completion queue (asyncio) --------------------------------------------
//
// One per event loop (avala.resources._base). Calls started on a client
// derived with it (Client::derive) complete here; the loop watches fd() and
// calls poll(), which turns each completion into (tag, status, value): the
// value is the same Python object the blocking call returns (to_python), or
// the exception it raises (make_error), or None. Nothing here runs Python
// on a library thread: export-wait progress reports are queued by a C
// callback and handed to the loop by poll_progress() (their own eventfd).

// The progress reports of the export waits started on one queue.
struct ProgressChannel {
  struct Report {
    uint64_t tag;
    avala_object* export_;  // owned
    double elapsed_s;
  };
  std::mutex mu;
  std::vector<Report> reports;
  bool closed = false;
  int fd = -1;  // an eventfd, readable while reports wait

  ProgressChannel() {
    fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0) throw std::runtime_error("cannot make an eventfd");
  }
  ProgressChannel(const ProgressChannel&) = delete;
  ProgressChannel& operator=(const ProgressChannel&) = delete;
  ~ProgressChannel() { close(); }

  // The queue is gone: later reports are dropped.
  void close() noexcept {
    std::lock_guard lock(mu);
    for (const Report& r : reports) avala_object_free(r.export_);
    reports.clear();
    if (fd >= 0) ::close(fd);
    fd = -1;
    closed = true;
  }
};

// The payload of one export wait's progress callback.
struct ProgressSink {
  std::shared_ptr<ProgressChannel> channel;
  uint64_t tag;
  py::object progress;  // the caller's callable; touched only with the GIL held
};

// Runs on the engine's thread after each poll of an asynchronous export
// wait: copies the export and tells the loop. No Python, no blocking beyond
// a short lock; a report that cannot be made is lost, the wait carries on.
int queue_progress(const avala_object* export_, double elapsed_s, void* payload) noexcept {
  auto* sink = static_cast<ProgressSink*>(payload);
  avala_object* copy = nullptr;
  if (avala_object_clone(&copy, export_) != AVALA_OK || copy == nullptr) return AVALA_CONTINUE;
  ProgressChannel& ch = *sink->channel;
  std::lock_guard lock(ch.mu);
  if (ch.closed) {
    avala_object_free(copy);
    return AVALA_CONTINUE;
  }
  try {
    ch.reports.push_back({sink->tag, copy, elapsed_s});
  } catch (...) {
    avala_object_free(copy);
    return AVALA_CONTINUE;
  }
  const uint64_t one = 1;
  ssize_t w = ::write(ch.fd, &one, sizeof one);  // fails only when the counter is full: readable anyway
  (void)w;
  return AVALA_CONTINUE;
}

class Queue {
 public:
  Queue() : progress_(std::make_shared<ProgressChannel>()) {
    avala_queue* q = nullptr;
    ErrorSlot slot;
    check(avala_queue_new(&q, &slot.raw), slot);
    q_ = q;
  }
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;
  ~Queue() {
    // A wait still running may report progress until it completes: its
    // sink must outlive this queue, so it is left (a few bytes) and the
    // channel closed, which makes the callback a no-op.
    for (auto& [tag, e] : expected_) {
      if (e.sink) {
        e.sink->progress = py::object();  // the GIL is held here
        (void)e.sink.release();
      }
    }
    progress_->close();
    avala_queue_free(q_);  // calls in flight complete; their results are freed unread
  }

  avala_queue* get() const noexcept { return q_; }
  int fd() const { return avala_queue_fd(q_); }
  int progress_fd() const { return progress_->fd; }
  std::size_t pending() const { return avala_queue_pending(q_); }

  // Before starting a call with `tag`: what its completion's result will
  // be, so that poll() converts it (and frees it, whatever happens).
  void expect(uint64_t tag, Result kind, std::unique_ptr<ProgressSink> sink = {}) {
    std::lock_guard lock(mu_);
    expected_[tag] = Expected{kind, std::move(sink)};
  }
  // The call returned at once (a result or an error): nothing was queued.
  void forget(uint64_t tag) noexcept {
    std::unique_ptr<ProgressSink> sink;
    std::lock_guard lock(mu_);
    auto it = expected_.find(tag);
    if (it == expected_.end()) return;
    sink = std::move(it->second.sink);
    expected_.erase(it);
  }

  const std::shared_ptr<ProgressChannel>& channel() const noexcept { return progress_; }

  // Up to `max` completions as (tag, status, value), waiting up to
  // timeout_ms for the first (0: not at all; the GIL is released to wait).
  py::list poll(std::size_t max, int64_t timeout_ms) {
    py::list out;
    if (max == 0) return out;
    std::vector<avala_completion> got(std::min<std::size_t>(max, 256));
    std::size_t n = 0;
    if (timeout_ms != 0) {
      py::gil_scoped_release nogil;
      n = avala_queue_poll(q_, got.data(), got.size(), timeout_ms);
    } else {
      n = avala_queue_poll(q_, got.data(), got.size(), 0);
    }
    // Claim every completion first; whatever is not converted (an exception
    // while converting one) is freed on the way out, never leaked.
    struct Claimed {
      avala_completion c;
      std::optional<Result> kind;  // empty: not a call this module started
      std::unique_ptr<ProgressSink> sink;
    };
    std::vector<Claimed> claimed;
    claimed.reserve(n);
    struct FreeRest {
      std::vector<Claimed>& all;
      ~FreeRest() {
        for (Claimed& c : all) {
          avala_error_free(c.c.error);
          if (c.c.free_result != nullptr) c.c.free_result(c.c.result);
        }
      }
    } free_rest{claimed};
    {
      std::lock_guard lock(mu_);
      for (std::size_t i = 0; i < n; ++i) {
        auto it = expected_.find(got[i].tag);
        if (it == expected_.end()) {
          claimed.push_back({got[i], std::nullopt, nullptr});
        } else {
          claimed.push_back({got[i], it->second.kind, std::move(it->second.sink)});
          expected_.erase(it);
        }
      }
    }
    for (Claimed& c : claimed) {
      py::object value = py::none();
      if (c.c.status == AVALA_OK && c.kind) {
        c.c.free_result = nullptr;  // to_python owns it now
        value = to_python(*c.kind, std::exchange(c.c.result, nullptr));
      } else if (c.c.status < 0) {
        value = make_error(c.c.status, std::exchange(c.c.error, nullptr));
      }
      out.append(py::make_tuple(c.c.tag, c.c.status, std::move(value)));
    }
    return out;
  }

  // The progress reports waiting: (tag, progress callable, export Item,
  // elapsed seconds), in order; a report of a call already polled is dropped.
  py::list poll_progress() {
    std::vector<ProgressChannel::Report> reports;
    {
      std::lock_guard lock(progress_->mu);
      reports.swap(progress_->reports);
      uint64_t count = 0;
      ssize_t r = ::read(progress_->fd, &count, sizeof count);  // EAGAIN when none: fine
      (void)r;
    }
    py::list out;
    std::size_t i = 0;
    try {
      for (; i < reports.size(); ++i) {
        const ProgressChannel::Report& r = reports[i];
        py::object progress;
        {
          std::lock_guard lock(mu_);
          auto it = expected_.find(r.tag);
          if (it != expected_.end() && it->second.sink) progress = it->second.sink->progress;
        }
        if (!progress) {
          avala_object_free(r.export_);
          continue;
        }
        py::object item = make_item(static_cast<const avala_object*>(r.export_));
        out.append(py::make_tuple(r.tag, progress, item, r.elapsed_s));
      }
    } catch (...) {
      for (++i; i < reports.size(); ++i) avala_object_free(reports[i].export_);
      throw;
    }
    return out;
  }

 private:
  struct Expected {
    Result kind;
    std::unique_ptr<ProgressSink> sink;
  };
  avala_queue* q_ = nullptr;
  std::shared_ptr<ProgressChannel> progress_;
  std::mutex mu_;
  std::unordered_map<uint64_t, Expected> expected_;
};
using QueueRef = std::shared_ptr<Queue>;

// What makes a client (and the iterators made from it) asynchronous: its
// queue and tag, and the cancel handle its calls carry.
struct AsyncBinding {
  QueueRef queue;
  uint64_t tag = 0;
  std::shared_ptr<avala_cancel> cancel;
};

// The marker an asynchronous call returns once started (its value comes
// from Queue.poll): one instance, _avala.PENDING.
struct Pending {};
PyObject* g_pending = nullptr;  // that instance, kept for the life of the process

py::object pending() { return py::reinterpret_borrow<py::object>(g_pending); }

// ---- Models: the per-item fast paths ----------------------------------------
//
// A walk in Python makes a model per item and reads a few string fields of
// it; with a Python frame per step that cost ~3x the C ABI's own per-item
// cost (found by the pagination benchmark). Three steps are done here in C
// instead, each with the Python behaviour as fallback:
//  * models are made by the iterator (to_models), their `_native` and `_data`
//    slots written directly (register_model finds them once);
//  * string fields are a C descriptor (StrField) reading the Item;
//  * ModelIterator's __next__ is a C slot (Batches) over the current batch.

// The Model base class and where its two slots are in every instance.
struct ModelBase {
  PyTypeObject* type = nullptr;
  Py_ssize_t native = 0, data = 0;  // byte offsets of `_native` and `_data`
} model_base;

Py_ssize_t slot_offset(PyTypeObject* type, const char* name) {
  py::object d = py::reinterpret_borrow<py::object>(reinterpret_cast<PyObject*>(type)).attr(name);
  if (Py_TYPE(d.ptr()) != &PyMemberDescr_Type) throw py::type_error(std::string(name) + " is not a slot");
  // It must be a slot of this class (or a base), not one copied from elsewhere.
  if (!PyType_IsSubtype(type, PyDescr_TYPE(d.ptr()))) throw py::type_error(std::string(name) + " is not its own slot");
  const PyMemberDef* m = reinterpret_cast<PyMemberDescrObject*>(d.ptr())->d_member;
  if (m->type != T_OBJECT_EX) throw py::type_error(std::string(name) + " is not an object slot");
  return m->offset;
}

// Called once by avala.types._model with the Model class.
void register_model(const py::type& base) {
  auto* type = reinterpret_cast<PyTypeObject*>(base.ptr());
  ModelBase found{type, slot_offset(type, "_native"), slot_offset(type, "_data")};
  Py_INCREF(type);  // kept for the life of the process
  model_base = found;
}

bool is_model(PyObject* obj) noexcept {
  return model_base.type != nullptr && PyObject_TypeCheck(obj, model_base.type);
}

PyObject*& slot(PyObject* obj, Py_ssize_t offset) noexcept {
  return *reinterpret_cast<PyObject**>(reinterpret_cast<char*>(obj) + offset);
}

// Instances of a Python model class around the items, made as
// Model._from_native makes one (cls.__new__, then the `_native` and `_data`
// slots) without a Python call per item.
template <typename Owned>
py::list to_models(std::vector<Owned>& items, const py::type& model) {
  auto* type = reinterpret_cast<PyTypeObject*>(model.ptr());
  if (model_base.type == nullptr || !PyType_IsSubtype(type, model_base.type)) {
    throw py::type_error("model must be a subclass of avala.types._model.Model");
  }
  py::tuple no_args(0);
  py::list out(items.size());
  for (std::size_t i = 0; i < items.size(); ++i) {
    py::object native = make_item(items[i].release());
    PyObject* obj = type->tp_new(type, no_args.ptr(), nullptr);
    if (obj == nullptr) throw py::error_already_set();
    if (!PyObject_TypeCheck(obj, model_base.type)) {  // a __new__ that returned something else
      Py_DECREF(obj);
      throw py::type_error("the model's __new__ did not return a model");
    }
    Py_XSETREF(slot(obj, model_base.native), native.release().ptr());
    Py_INCREF(Py_None);
    Py_XSETREF(slot(obj, model_base.data), Py_None);
    PyList_SET_ITEM(out.ptr(), static_cast<Py_ssize_t>(i), obj);
  }
  return out;
}

// StrField: a string attribute of a model, in C. For a model holding an
// Item it reads the item directly; in every other case (a class attribute
// lookup, a model holding another native object or its parsed fields) it
// defers to the Python field it stands for.
struct StrField {
  PyObject_HEAD
  PyObject* field;    // the Python Field (avala.types._model._StrField)
  PyObject* missing;  // what an absent or non-string value reads as
  std::string utf8;   // its name, for the C ABI
  ProjectField which;  // project_field(utf8), looked up once
};

PyObject* read_item(const StrField& f, const Item& item) {
  py::object v = item.project != nullptr ? project_string(item.project, f.which, f.utf8.c_str())
                                         : to_py(avala_object_string(item.object, f.utf8.c_str()));
  return v.is_none() ? Py_NewRef(f.missing) : v.release().ptr();
}

PyObject* str_field_get(PyObject* self, PyObject* obj, PyObject* type) noexcept {
  auto& f = *reinterpret_cast<StrField*>(self);
  try {
    if (obj != nullptr && obj != Py_None && is_model(obj)) {
      PyObject* native = slot(obj, model_base.native);
      if (native != nullptr && Py_TYPE(native) == item_type && f.field != nullptr) {
        // Held while read: reading may run Python code (json.loads for an
        // escaped field), which may let another thread parse the model and
        // drop its item.
        auto hold = py::reinterpret_borrow<py::object>(native);
        return read_item(f, *reinterpret_cast<Item*>(hold.ptr()));
      }
    }
    if (f.field == nullptr) {
      PyErr_SetString(PyExc_AttributeError, "this field was cleared");
      return nullptr;
    }
    PyObject* get = PyObject_GetAttrString(f.field, "__get__");
    if (get == nullptr) return nullptr;
    PyObject* args[] = {obj != nullptr ? obj : Py_None, type != nullptr ? type : Py_None};
    PyObject* out = PyObject_Vectorcall(get, args, 2, nullptr);
    Py_DECREF(get);
    return out;
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return nullptr;
}

int str_field_set(PyObject* self, PyObject* obj, PyObject* value) noexcept {
  // Models are read-only: the Python field says so in its own words.
  auto& f = *reinterpret_cast<StrField*>(self);
  if (f.field == nullptr) {
    PyErr_SetString(PyExc_AttributeError, "this field was cleared");
    return -1;
  }
  PyObject* out = value != nullptr ? PyObject_CallMethod(f.field, "__set__", "OO", obj, value)
                                   : PyObject_CallMethod(f.field, "__delete__", "O", obj);
  if (out == nullptr) {
    if (value == nullptr && PyErr_ExceptionMatches(PyExc_AttributeError)) {
      PyErr_Clear();
      PyErr_Format(PyExc_AttributeError, "%s is read-only", Py_TYPE(obj)->tp_name);
    }
    return -1;
  }
  Py_DECREF(out);
  return 0;
}

int str_field_traverse(PyObject* self, visitproc visit, void* arg) {
  auto* f = reinterpret_cast<StrField*>(self);
  Py_VISIT(Py_TYPE(self));
  Py_VISIT(f->field);
  Py_VISIT(f->missing);
  return 0;
}

int str_field_clear(PyObject* self) {
  auto* f = reinterpret_cast<StrField*>(self);
  Py_CLEAR(f->field);
  Py_CLEAR(f->missing);
  return 0;
}

void str_field_dealloc(PyObject* self) noexcept {
  PyObject_GC_UnTrack(self);
  auto* f = reinterpret_cast<StrField*>(self);
  str_field_clear(self);
  f->utf8.~basic_string();
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

// StrField(field, name, missing)
PyObject* str_field_new(PyTypeObject* type, PyObject* args, PyObject* kwargs) noexcept {
  PyObject *field = nullptr, *name = nullptr, *missing = nullptr;
  static const char* kw[] = {"field", "name", "missing", nullptr};
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OUO:StrField", const_cast<char**>(kw), &field, &name, &missing)) {
    return nullptr;
  }
  Py_ssize_t size = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(name, &size);
  if (utf8 == nullptr) return nullptr;
  std::string_view n(utf8, static_cast<std::size_t>(size));
  if (n.find('\0') != std::string_view::npos) {
    PyErr_SetString(PyExc_ValueError, "field name contains a NUL character");
    return nullptr;
  }
  std::string utf8_name;
  try {
    utf8_name.assign(n);
  } catch (const std::bad_alloc&) {
    return PyErr_NoMemory();
  }
  PyObject* self = type->tp_alloc(type, 0);
  if (self == nullptr) return nullptr;
  auto* f = reinterpret_cast<StrField*>(self);
  new (&f->utf8) std::string(std::move(utf8_name));  // noexcept
  f->field = Py_NewRef(field);
  f->missing = Py_NewRef(missing);
  f->which = project_field(n);
  return self;
}

PyObject* str_field_field(PyObject* self, void*) noexcept {
  PyObject* field = reinterpret_cast<StrField*>(self)->field;
  return Py_NewRef(field != nullptr ? field : Py_None);
}

PyGetSetDef str_field_getset[] = {
    {"field", &str_field_field, nullptr, "The Python field this stands for.", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

// Batches: the C part of ModelIterator. __next__ hands out the current
// batch; when it is used up it calls the subclass's _refill() for the next
// one (an empty list ends the iteration).
struct Batches {
  PyObject_HEAD
  PyObject* items;  // a list, or NULL
  Py_ssize_t pos;
};

PyObject* batches_pop(PyObject* self) noexcept {
  auto* b = reinterpret_cast<Batches*>(self);
  if (b->items != nullptr && b->pos < PyList_GET_SIZE(b->items)) {
    return Py_NewRef(PyList_GET_ITEM(b->items, b->pos++));
  }
  return nullptr;
}

// Sets the batch; returns its first item (a new reference), or NULL with no
// error set when it is empty.
PyObject* batches_set(PyObject* self, PyObject* items) noexcept {
  if (!PyList_Check(items)) {
    PyErr_SetString(PyExc_TypeError, "a batch must be a list");
    return nullptr;
  }
  auto* b = reinterpret_cast<Batches*>(self);
  Py_XSETREF(b->items, Py_NewRef(items));
  b->pos = 0;
  return batches_pop(self);
}

PyObject* batches_next(PyObject* self) noexcept {
  if (PyObject* item = batches_pop(self)) return item;
  PyObject* items = PyObject_CallMethod(self, "_refill", nullptr);
  if (items == nullptr) return nullptr;
  PyObject* item = batches_set(self, items);
  Py_DECREF(items);
  return item;  // NULL and no error: the end
}

// _pop(): the next item of the current batch, or None. _set(items): sets
// the batch, returns its first item or None.
PyObject* batches_pop_method(PyObject* self, PyObject*) noexcept {
  PyObject* item = batches_pop(self);
  return item != nullptr ? item : Py_NewRef(Py_None);
}

PyObject* batches_set_method(PyObject* self, PyObject* items) noexcept {
  PyObject* item = batches_set(self, items);
  if (item == nullptr && !PyErr_Occurred()) return Py_NewRef(Py_None);
  return item;
}

PyMethodDef batches_methods[] = {
    {"_pop", &batches_pop_method, METH_NOARGS, "The next item of the current batch, or None."},
    {"_set", &batches_set_method, METH_O, "Sets the current batch; returns its first item, or None if empty."},
    {nullptr, nullptr, 0, nullptr},
};

int batches_traverse(PyObject* self, visitproc visit, void* arg) {
  Py_VISIT(Py_TYPE(self));
  Py_VISIT(reinterpret_cast<Batches*>(self)->items);
  return 0;
}

int batches_clear(PyObject* self) {
  Py_CLEAR(reinterpret_cast<Batches*>(self)->items);
  return 0;
}

void batches_dealloc(PyObject* self) noexcept {
  PyObject_GC_UnTrack(self);
  batches_clear(self);
  PyTypeObject* type = Py_TYPE(self);
  type->tp_free(self);
  Py_DECREF(type);
}

// ModelBase: the C base of Model. Attribute lookup is the generic one, then,
// for a name that is not found, the class's _missing_attribute(name): what a
// Python __getattr__ does, without the hook CPython puts on every lookup of a
// class that defines one (two more type lookups and a call, ~25 ns a read).
PyObject* model_getattro(PyObject* self, PyObject* name) noexcept {
  PyObject* found = PyObject_GenericGetAttr(self, name);
  if (found != nullptr || !PyErr_ExceptionMatches(PyExc_AttributeError)) return found;
  static PyObject* const kMissing = PyUnicode_InternFromString("_missing_attribute");
  if (kMissing == nullptr) return nullptr;
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyObject* missing = PyObject_GenericGetAttr(self, kMissing);
  if (missing == nullptr) {  // a class without it: the first error stands
    PyErr_Clear();
    PyErr_Restore(type, value, traceback);
    return nullptr;
  }
  Py_XDECREF(type);
  Py_XDECREF(value);
  Py_XDECREF(traceback);
  PyObject* out = PyObject_CallOneArg(missing, name);
  Py_DECREF(missing);
  return out;
}

void def_model_paths(py::module_& m) {
  static PyType_Slot field_slots[] = {
      {Py_tp_new, reinterpret_cast<void*>(&str_field_new)},
      {Py_tp_dealloc, reinterpret_cast<void*>(&str_field_dealloc)},
      {Py_tp_traverse, reinterpret_cast<void*>(&str_field_traverse)},
      {Py_tp_clear, reinterpret_cast<void*>(&str_field_clear)},
      {Py_tp_descr_get, reinterpret_cast<void*>(&str_field_get)},
      {Py_tp_descr_set, reinterpret_cast<void*>(&str_field_set)},
      {Py_tp_getset, str_field_getset},
      {Py_tp_doc, const_cast<char*>("A model's string attribute, read in C (see avala.types._model).")},
      {0, nullptr},
  };
  static PyType_Spec field_spec = {"avala._avala.StrField", sizeof(StrField), 0,
                                   Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC, field_slots};
  new_type(m, &field_spec);

  static PyType_Slot batch_slots[] = {
      {Py_tp_dealloc, reinterpret_cast<void*>(&batches_dealloc)},
      {Py_tp_traverse, reinterpret_cast<void*>(&batches_traverse)},
      {Py_tp_clear, reinterpret_cast<void*>(&batches_clear)},
      {Py_tp_iter, reinterpret_cast<void*>(&PyObject_SelfIter)},
      {Py_tp_iternext, reinterpret_cast<void*>(&batches_next)},
      {Py_tp_methods, batches_methods},
      {Py_tp_doc, const_cast<char*>("The C part of ModelIterator: hands out batches made by _refill().")},
      {0, nullptr},
  };
  static PyType_Spec batch_spec = {"avala._avala.Batches", sizeof(Batches), 0,
                                   Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE | Py_TPFLAGS_HAVE_GC, batch_slots};
  new_type(m, &batch_spec);
  static PyType_Slot base_slots[] = {
      {Py_tp_getattro, reinterpret_cast<void*>(&model_getattro)},
      {Py_tp_doc, const_cast<char*>("The C base of avala.types._model.Model: unknown attributes go to _missing_attribute().")},
      {0, nullptr},
  };
  static PyType_Spec base_spec = {"avala._avala.ModelBase", sizeof(PyObject), 0,
                                  Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE, base_slots};
  new_type(m, &base_spec);
  m.def("register_model", &register_model, py::arg("base"),
        "Tells the extension the Model base class (avala.types._model calls it once).");
}

// ---- Options ----------------------------------------------------------------

// Query filters as Python hands them over: (name, value) pairs.
using Filters = std::vector<std::pair<std::string, std::string>>;

struct ListArgs {
  avala_list_options opts{};
  std::optional<std::string> cursor;
  Filters filter_storage;
  std::vector<const char*> filters;  // name, value, ..., NULL

  ListArgs(int32_t limit, std::optional<std::string> c, Filters f = {})
      : cursor(std::move(c)), filter_storage(std::move(f)) {
    avala_list_options_init(&opts, AVALA_LIST_OPTIONS_VERSION);
    opts.limit = limit;
    opts.cursor = c_arg(cursor, "cursor contains a NUL character");
    if (!filter_storage.empty()) {
      filters.reserve(filter_storage.size() * 2 + 1);
      for (const auto& [k, v] : filter_storage) {
        filters.push_back(c_arg(k, "filter name contains a NUL character"));
        filters.push_back(c_arg(v, "filter value contains a NUL character"));
      }
      filters.push_back(nullptr);
      opts.filters = filters.data();
    }
  }
  ListArgs(const ListArgs&) = delete;
  ListArgs& operator=(const ListArgs&) = delete;
};

// ---- Iterators ------------------------------------------------------------

struct ProjectIterTraits {
  using iter_type = avala_project_iter;
  using item_type = avala_project;
  static constexpr Result kind = Result::project;
  static int next(item_type** out, iter_type* it, avala_error** err) { return avala_project_iter_next(out, it, err); }
  static void free_item(item_type* p) noexcept { avala_project_free(p); }
  static void free_iter(iter_type* it) noexcept { avala_project_iter_free(it); }
};

struct ObjectIterTraits {
  using iter_type = avala_iter;
  using item_type = avala_object;
  static constexpr Result kind = Result::object;
  static int next(item_type** out, iter_type* it, avala_error** err) { return avala_iter_next(out, it, err); }
  static void free_item(item_type* p) noexcept { avala_object_free(p); }
  static void free_iter(iter_type* it) noexcept { avala_iter_free(it); }
};

// Wraps a C iterator. libavala wants one thread at a time per iterator;
// Python threads may call in concurrently while the GIL is released, so a
// mutex serialises them. An iterator made from an asynchronous client
// (Client::derive) is stepped with take_ready, never take.
template <typename Traits>
class Iter {
 public:
  using CIter = typename Traits::iter_type;
  using CItem = typename Traits::item_type;
  using Owned = std::unique_ptr<CItem, decltype(&Traits::free_item)>;

  Iter(ClientRef client, CIter* it, std::optional<AsyncBinding> async)
      : client_(std::move(client)), it_(it, &Traits::free_iter), async_(std::move(async)) {}

  // Up to n more items, as instances of `model` (see to_models); an empty
  // list at the end. If a page fails after some items were already taken,
  // those are returned and the error is raised by the next call (the C
  // iterator then resumes at that page).
  py::list take(std::size_t n, const py::type& model) {
    if (async_) throw py::value_error("an asynchronous iterator is stepped with take_ready");
    std::vector<Owned> got;
    int rc = AVALA_OK;
    ErrorSlot slot;
    {
      py::gil_scoped_release nogil;
      std::lock_guard lock(mu_);
      rc = gather(n, got, slot);
    }
    check(rc, slot);
    return to_models(got, model);
  }

  // For an asynchronous iterator: (items, in_flight) — up to n items that
  // were already fetched, taken without waiting (so the GIL stays held),
  // and whether a step is now in flight: its completion, with this
  // iterator's tag, carries the next item (an Item), or ITER_END, or the
  // error. Errors as in take.
  py::tuple take_ready(std::size_t n, const py::type& model) {
    if (!async_) throw py::value_error("take_ready is for asynchronous iterators");
    std::vector<Owned> got;
    int rc = AVALA_OK;
    ErrorSlot slot;
    {
      std::lock_guard lock(mu_);
      async_->queue->expect(async_->tag, Traits::kind);
      rc = gather(n, got, slot);
      if (rc != AVALA_PENDING) async_->queue->forget(async_->tag);
    }
    check(rc, slot);
    return py::make_tuple(to_models(got, model), rc == AVALA_PENDING);
  }

  bool done() {
    std::lock_guard lock(mu_);
    return done_ && pending_rc_ == AVALA_OK;
  }

 private:
  // Steps the C iterator for up to n items (mu_ held) and returns the
  // status that ended the run; an error met after some items is kept for
  // the next call and AVALA_OK returned.
  int gather(std::size_t n, std::vector<Owned>& got, ErrorSlot& slot) {
    if (pending_rc_ < 0) {
      slot.raw = pending_.release();
      return std::exchange(pending_rc_, AVALA_OK);
    }
    if (done_) return AVALA_ITER_END;
    got.reserve(n);
    int rc = AVALA_OK;
    while (got.size() < n) {
      CItem* p = nullptr;
      rc = Traits::next(&p, it_.get(), &slot.raw);
      if (rc != AVALA_OK) break;
      got.emplace_back(p, &Traits::free_item);
    }
    if (rc == AVALA_ITER_END) done_ = true;
    if (rc < 0 && !got.empty()) {
      pending_rc_ = rc;
      pending_.reset(slot.release());
      rc = AVALA_OK;
    }
    return rc;
  }

  std::mutex mu_;
  ClientRef client_;  // kept so the C client outlives its iterators whatever close() does
  std::unique_ptr<CIter, void (*)(CIter*)> it_;
  std::optional<AsyncBinding> async_;
  bool done_ = false;
  int pending_rc_ = AVALA_OK;
  ErrorPtr pending_;
};

using ProjectIter = Iter<ProjectIterTraits>;
using ObjectIter = Iter<ObjectIterTraits>;

// ---- Routes: resource name -> C functions --------------------------------

// Uniform signatures; `parent` is the scoping uid (the project of a quality
// target, the agent of an execution) and NULL for top-level resources.
using ListPageFn = int (*)(avala_page**, avala_client*, const char* parent, const avala_list_options*,
                           avala_error**);
using ListIterFn = int (*)(avala_iter**, avala_client*, const char* parent, const avala_list_options*,
                           avala_error**);
using GetFn = int (*)(avala_object**, avala_client*, const char* parent, const char* uid, avala_error**);
using CreateFn = int (*)(avala_object**, avala_client*, const char* parent, const char* fields, avala_error**);
using UpdateFn = int (*)(avala_object**, avala_client*, const char* parent, const char* uid, const char* fields,
                         avala_error**);
using DeleteFn = int (*)(avala_client*, const char* parent, const char* uid, avala_error**);

struct Route {
  std::string_view name;
  bool scoped;  // takes a parent uid
  ListPageFn page;
  ListIterFn iter;
  GetFn get;
  CreateFn create;
  UpdateFn update;
  DeleteFn remove;
};

// Captureless lambdas adapt the top-level calls to the uniform signatures.
const std::array<Route, 6> kRoutes{{
    {"tasks", false,
     [](avala_page** o, avala_client* c, const char*, const avala_list_options* opt, avala_error** e) {
       return avala_task_list_page(o, c, opt, e);
     },
     [](avala_iter** o, avala_client* c, const char*, const avala_list_options* opt, avala_error** e) {
       return avala_task_list(o, c, opt, e);
     },
     [](avala_object** o, avala_client* c, const char*, const char* uid, avala_error** e) {
       return avala_task_get(o, c, uid, e);
     },
     nullptr, nullptr, nullptr},
    {"exports", false,
     [](avala_page** o, avala_client* c, const char*, const avala_list_options* opt, avala_error** e) {
       return avala_export_list_page(o, c, opt, e);
     },
     [](avala_iter** o, avala_client* c, const char*, const avala_list_options* opt, avala_error** e) {
       return avala_export_list(o, c, opt, e);
     },
     [](avala_object** o, avala_client* c, const char*, const char* uid, avala_error** e) {
       return avala_export_get(o, c, uid, e);
     },
     nullptr, nullptr, nullptr},
    {"agents", false,
     [](avala_page** o, avala_client* c, const char*, const avala_list_options* opt, avala_error** e) {
       return avala_agent_list_page(o, c, opt, e);
     },
     [](avala_iter** o, avala_client* c, const char*, const avala_list_options* opt, avala_error** e) {
       return avala_agent_list(o, c, opt, e);
     },
     [](avala_object** o, avala_client* c, const char*, const char* uid, avala_error** e) {
       return avala_agent_get(o, c, uid, e);
     },
     [](avala_object** o, avala_client* c, const char*, const char* fields, avala_error** e) {
       return avala_agent_create(o, c, fields, e);
     },
     [](avala_object** o, avala_client* c, const char*, const char* uid, const char* fields, avala_error** e) {
       return avala_agent_update(o, c, uid, fields, e);
     },
     [](avala_client* c, const char*, const char* uid, avala_error** e) { return avala_agent_delete(c, uid, e); }},
    {"agent_executions", true, &avala_agent_execution_list_page, &avala_agent_execution_list, nullptr, nullptr,
     nullptr, nullptr},
    {"quality_targets", true, &avala_quality_target_list_page, &avala_quality_target_list,
     &avala_quality_target_get, &avala_quality_target_create, &avala_quality_target_update,
     &avala_quality_target_delete},
    {"datasets", false,
     [](avala_page** o, avala_client* c, const char*, const avala_list_options* opt, avala_error** e) {
       return avala_dataset_list_page(o, c, opt, e);
     },
     [](avala_iter** o, avala_client* c, const char*, const avala_list_options* opt, avala_error** e) {
       return avala_dataset_list(o, c, opt, e);
     },
     [](avala_object** o, avala_client* c, const char*, const char* uid, avala_error** e) {
       return avala_dataset_get(o, c, uid, e);
     },
     nullptr, nullptr, nullptr},
}};

// The route for `name` with the operation `op` present, and a checked
// parent (given exactly when the resource is scoped). Programming errors of
// the avala package, hence ValueError rather than an avala error.
template <typename Fn>
std::pair<Fn, const char*> route(const std::string& name, Fn Route::*op, const std::optional<std::string>& parent) {
  for (const Route& r : kRoutes) {
    if (r.name != name) continue;
    Fn fn = r.*op;
    if (fn == nullptr) throw py::value_error("resource '" + name + "' does not support this operation");
    if (r.scoped != parent.has_value())
      throw py::value_error(r.scoped ? "resource '" + name + "' needs a parent uid"
                                     : "resource '" + name + "' takes no parent uid");
    return {fn, c_arg(parent, "uid contains a NUL character")};
  }
  throw py::value_error("unknown resource '" + name + "'");
}

// ---- Export wait: progress, signals, cancellation ----------------------

// Lives on the stack of export_wait; its Python objects are only touched
// with the GIL held (in the callback, which takes it, and after the call).
struct WaitState {
  py::object progress;  // None or a callable(Object, elapsed_seconds)
  py::object cause;     // the exception that stopped the wait, else None
};

// Runs on the waiting thread after each poll, with the GIL released by the
// caller: takes it briefly to let Python run signal handlers (so Ctrl-C
// interrupts a long wait) and the caller's progress callable. Any Python
// exception stops the wait; it is raised once avala_export_wait returns.
int wait_progress(const avala_object* export_, double elapsed_s, void* payload) noexcept {
  auto* state = static_cast<WaitState*>(payload);
  py::gil_scoped_acquire gil;
  try {
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!state->progress.is_none()) {
      avala_object* copy = nullptr;  // the export is borrowed for this call only
      if (avala_object_clone(&copy, export_) != AVALA_OK || copy == nullptr) throw std::bad_alloc();
      state->progress(make_item(copy), elapsed_s);
    }
    return AVALA_CONTINUE;
  } catch (py::error_already_set& e) {
    state->cause = e.value();
  } catch (const std::bad_alloc&) {
    state->cause = py::reinterpret_steal<py::object>(PyObject_CallNoArgs(PyExc_MemoryError));
  } catch (const std::exception& e) {
    state->cause = py::reinterpret_steal<py::object>(PyObject_CallOneArg(PyExc_RuntimeError,
                                                                         py::str(e.what()).ptr()));
  } catch (...) {
    state->cause = py::reinterpret_steal<py::object>(PyObject_CallNoArgs(PyExc_RuntimeError));
  }
  if (!state->cause) state->cause = py::none();  // building the exception itself failed
  PyErr_Clear();
  return 0;  // anything but AVALA_CONTINUE stops the wait with AVALA_E_CANCELLED
}

// ---- Client -----------------------------------------------------------------

class Client {
 public:
  Client(const std::optional<std::string>& api_key, const std::optional<std::string>& base_url,
         int64_t timeout_ms, int32_t max_retries, const std::optional<std::string>& user_agent_suffix,
         const std::optional<std::string>& ca_file, bool rate_limit, const std::optional<std::string>& ca_dir,
         const std::optional<std::string>& client_cert, const std::optional<std::string>& client_key,
         const std::optional<std::string>& client_key_password, const std::optional<std::string>& proxy,
         const std::optional<std::string>& no_proxy, bool trust_env, bool compression) {
    avala_client_options o;
    avala_client_options_init(&o, AVALA_CLIENT_OPTIONS_VERSION);
    o.api_key = c_arg(api_key, "api_key contains a NUL character");
    o.base_url = c_arg(base_url, "base_url contains a NUL character");
    o.timeout_ms = timeout_ms;
    o.max_retries = max_retries;
    o.user_agent_suffix = c_arg(user_agent_suffix, "user agent contains a NUL character");
    o.ca_file = c_arg(ca_file, "ca_file contains a NUL character");
    o.rate_limit = rate_limit ? 1 : 0;
    o.ca_dir = c_arg(ca_dir, "ca_dir contains a NUL character");
    o.client_cert = c_arg(client_cert, "client_cert contains a NUL character");
    o.client_key = c_arg(client_key, "client_key contains a NUL character");
    o.client_key_password = c_arg(client_key_password, "client_key_password contains a NUL character");
    o.proxy = c_arg(proxy, "proxy contains a NUL character");
    o.no_proxy = c_arg(no_proxy, "no_proxy contains a NUL character");
    o.proxy_env_off = trust_env ? 0 : 1;
    o.compression_off = compression ? 0 : 1;
    avala_client* raw = nullptr;
    ErrorSlot slot;
    int rc = avala_client_new(&raw, &o, &slot.raw);
    check(rc, slot);
    base_ = ClientRef(raw, avala_client_free);
    // Every blocking call goes through a handle that carries the Ctrl-C hook.
    avala_call_options co = AVALA_CALL_OPTIONS_INIT;
    co.interrupt = &py_interrupt;
    client_ = derive_handle(co);
  }

  // A client for one asynchronous call (or one iterator): its calls start,
  // return PENDING and complete on `queue` with `tag`, carrying `cancel`.
  // Shares this client's configuration, connections and engine.
  std::unique_ptr<Client> derive(const QueueRef& queue, uint64_t tag, const Cancel& cancel) const {
    if (!queue) throw py::value_error("queue must not be None");
    avala_call_options co = AVALA_CALL_OPTIONS_INIT;
    co.cancel = cancel.handle.get();
    co.queue = queue->get();
    co.tag = tag;
    return std::unique_ptr<Client>(new Client(derive_handle(co), AsyncBinding{queue, tag, cancel.handle}));
  }

  // Drops this handle's references. Calls already running (on other threads,
  // or asynchronously) hold their own, so the C client lives until they end.
  void close() {
    client_.reset();
    base_.reset();
  }
  bool closed() const { return !client_; }

  py::object base_url() const { return to_py(avala_client_base_url(get().get())); }

  py::tuple rate_limit() const {
    avala_rate_limit rl{-1, -1, -1};
    avala_client_rate_limit(&rl, get().get());
    auto opt = [](int64_t v) { return v < 0 ? py::object(py::none()) : py::object(py::int_(v)); };
    return py::make_tuple(opt(rl.limit), opt(rl.remaining), opt(rl.reset));
  }

  py::object request(const std::string& method, const std::string& path, const std::optional<std::string>& body_json) {
    const char* m = c_arg(method, "method contains a NUL character");
    const char* p = c_arg(path, "path contains a NUL character");
    const char* b = c_arg(body_json, "body contains a NUL character");
    return call<avala_response>(Result::response, [&](avala_response** o, avala_client* c, avala_error** e) {
      return avala_request(o, c, m, p, b, e);
    });
  }

  // ---- projects (their own typed C API) ----

  py::object project_get(const std::string& uid) {
    const char* u = c_arg(uid, "uid contains a NUL character");
    return call<avala_project>(Result::project, [&](avala_project** o, avala_client* c, avala_error** e) {
      return avala_project_get(o, c, u, e);
    });
  }

  // One page: (items, next_cursor, previous_cursor, has_more).
  py::object project_list_page(int32_t limit, const std::optional<std::string>& cursor) {
    ListArgs args(limit, cursor);
    return call<avala_project_page>(Result::project_page,
                                    [&](avala_project_page** o, avala_client* c, avala_error** e) {
                                      return avala_project_list_page(o, c, &args.opts, e);
                                    });
  }

  // Creating the iterator sends nothing, so the GIL stays held.
  std::unique_ptr<ProjectIter> project_iter(int32_t limit, const std::optional<std::string>& cursor) {
    ClientRef c = get();
    ListArgs args(limit, cursor);
    avala_project_iter* raw = nullptr;
    ErrorSlot slot;
    int rc = avala_project_list(&raw, c.get(), &args.opts, &slot.raw);
    check(rc, slot);
    return std::make_unique<ProjectIter>(std::move(c), raw, async_);
  }

  // ---- every other resource, through kRoutes ----

  py::object list_page(const std::string& resource, const std::optional<std::string>& parent, int32_t limit,
                       const std::optional<std::string>& cursor, Filters filters) {
    auto [fn, p] = route(resource, &Route::page, parent);
    ListArgs args(limit, cursor, std::move(filters));
    return call<avala_page>(Result::page, [&, fn = fn, p = p](avala_page** o, avala_client* c, avala_error** e) {
      return fn(o, c, p, &args.opts, e);
    });
  }

  // Creating the iterator sends nothing (the filters are copied by libavala).
  std::unique_ptr<ObjectIter> list_iter(const std::string& resource, const std::optional<std::string>& parent,
                                        int32_t limit, const std::optional<std::string>& cursor, Filters filters) {
    ClientRef c = get();
    auto [fn, p] = route(resource, &Route::iter, parent);
    ListArgs args(limit, cursor, std::move(filters));
    avala_iter* raw = nullptr;
    ErrorSlot slot;
    int rc = fn(&raw, c.get(), p, &args.opts, &slot.raw);
    check(rc, slot);
    return std::make_unique<ObjectIter>(std::move(c), raw, async_);
  }

  py::object get_object(const std::string& resource, const std::optional<std::string>& parent, const std::string& uid) {
    auto [fn, p] = route(resource, &Route::get, parent);
    const char* u = c_arg(uid, "uid contains a NUL character");
    return call<avala_object>(Result::object, [&, fn = fn, p = p](avala_object** o, avala_client* c, avala_error** e) {
      return fn(o, c, p, u, e);
    });
  }

  py::object create(const std::string& resource, const std::optional<std::string>& parent,
                    const std::string& fields_json) {
    auto [fn, p] = route(resource, &Route::create, parent);
    const char* f = c_arg(fields_json, "fields contain a NUL character");
    return call<avala_object>(Result::object, [&, fn = fn, p = p](avala_object** o, avala_client* c, avala_error** e) {
      return fn(o, c, p, f, e);
    });
  }

  py::object update(const std::string& resource, const std::optional<std::string>& parent, const std::string& uid,
                    const std::string& fields_json) {
    auto [fn, p] = route(resource, &Route::update, parent);
    const char* u = c_arg(uid, "uid contains a NUL character");
    const char* f = c_arg(fields_json, "fields contain a NUL character");
    return call<avala_object>(Result::object, [&, fn = fn, p = p](avala_object** o, avala_client* c, avala_error** e) {
      return fn(o, c, p, u, f, e);
    });
  }

  py::object remove(const std::string& resource, const std::optional<std::string>& parent, const std::string& uid) {
    auto [fn, p] = route(resource, &Route::remove, parent);
    const char* u = c_arg(uid, "uid contains a NUL character");
    return call<void>(Result::none, [&, fn = fn, p = p](void**, avala_client* c, avala_error** e) {
      return fn(c, p, u, e);
    });
  }

  py::object export_create(const std::optional<std::string>& project, const std::optional<std::string>& dataset) {
    const char* pr = c_arg(project, "project contains a NUL character");
    const char* ds = c_arg(dataset, "dataset contains a NUL character");
    return call<avala_object>(Result::object, [&](avala_object** o, avala_client* c, avala_error** e) {
      return avala_export_create(o, c, pr, ds, e);
    });
  }

  // Polls until the export is terminal. Blocking: the GIL is released while
  // waiting and taken back only inside wait_progress, after each poll.
  // Asynchronous: the polls run on the engine; `progress` is called by the
  // event loop with each report (Queue.poll_progress), never by the engine.
  py::object export_wait(const std::string& uid, int64_t interval_ms, int64_t timeout_ms, py::object progress) {
    const char* u = c_arg(uid, "uid contains a NUL character");
    avala_wait_options opts;
    avala_wait_options_init(&opts, AVALA_WAIT_OPTIONS_VERSION);
    opts.interval_ms = interval_ms;
    opts.timeout_ms = timeout_ms;
    if (async_) {
      std::unique_ptr<ProgressSink> sink;
      if (!progress.is_none()) {
        sink = std::make_unique<ProgressSink>(ProgressSink{async_->queue->channel(), async_->tag, std::move(progress)});
      }
      ProgressSink* payload = sink.get();
      return start<avala_object>(
          Result::object,
          [&](avala_object** o, avala_client* c, avala_error** e) {
            return avala_export_wait(o, c, u, &opts, payload ? &queue_progress : nullptr, payload, e);
          },
          std::move(sink));
    }
    ClientRef c = get();
    WaitState state{std::move(progress), py::none()};
    avala_object* out = nullptr;
    ErrorSlot slot;
    int rc;
    {
      py::gil_scoped_release nogil;
      rc = avala_export_wait(&out, c.get(), u, &opts, &wait_progress, &state, &slot.raw);
    }
    check(rc, slot, state.cause);
    return to_python(Result::object, out);
  }

  py::object agent_test(const std::string& uid) {
    const char* u = c_arg(uid, "uid contains a NUL character");
    return call<avala_object>(Result::object, [&](avala_object** o, avala_client* c, avala_error** e) {
      return avala_agent_test(o, c, u, e);
    });
  }

  // The evaluations (a bare array on the wire: a page without cursors).
  py::object quality_target_evaluate(const std::string& project) {
    const char* p = c_arg(project, "project uid contains a NUL character");
    return call<avala_page>(Result::items, [&](avala_page** o, avala_client* c, avala_error** e) {
      return avala_quality_target_evaluate(o, c, p, e);
    });
  }

 private:
  Client(ClientRef derived, AsyncBinding async) : client_(std::move(derived)), async_(std::move(async)) {}

  ClientRef get() const {
    if (!client_) throw std::runtime_error("the client is closed");
    return client_;
  }

  ClientRef derive_handle(const avala_call_options& co) const {
    if (!base_) throw std::runtime_error("the client is closed");
    avala_client* derived = nullptr;
    ErrorSlot slot;
    check(avala_client_derive(&derived, base_.get(), &co, &slot.raw), slot);
    return ClientRef(derived, avala_client_free);
  }

  // Runs one call: `fn(Out** out, client, err)`. Blocking: with the GIL
  // released, then raises or converts *out (to_python). On an asynchronous
  // client: starts it (see start). Arguments are converted by the caller
  // beforehand (conversion may raise).
  template <typename Out, typename F>
  py::object call(Result kind, F&& fn) {
    if (async_) return start<Out>(kind, std::forward<F>(fn));
    ClientRef c = get();
    Out* out = nullptr;
    ErrorSlot slot;
    int rc;
    {
      py::gil_scoped_release nogil;
      rc = fn(&out, c.get(), &slot.raw);
    }
    check(rc, slot);
    return to_python(kind, out);
  }

  // Starts a call on the asynchronous client: PENDING, and the queue knows
  // how to convert the result (Queue::expect); or — when libavala answered
  // at once (an argument refused) — the result or the error, as blocking.
  // Starting waits for nothing, so the GIL stays held.
  template <typename Out, typename F>
  py::object start(Result kind, F&& fn, std::unique_ptr<ProgressSink> sink = {}) {
    ClientRef c = get();
    Queue& q = *async_->queue;
    q.expect(async_->tag, kind, std::move(sink));
    Out* out = nullptr;
    ErrorSlot slot;
    const int rc = fn(&out, c.get(), &slot.raw);
    if (rc == AVALA_PENDING) return pending();
    q.forget(async_->tag);
    check(rc, slot);
    return to_python(kind, out);
  }

  ClientRef base_;    // no call options: what derived handles come from
  ClientRef client_;  // the handle calls use
  std::optional<AsyncBinding> async_;
};

}  // namespace

PYBIND11_MODULE(_avala, m) {
  g_main_thread = py::module_::import("threading").attr("main_thread")().attr("ident").cast<unsigned long>();
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
  m.attr("E_PROXY") = AVALA_E_PROXY;
  m.attr("E_DECODE") = AVALA_E_DECODE;
  m.attr("E_CROSS_ORIGIN") = AVALA_E_CROSS_ORIGIN;
  m.attr("E_NO_MEMORY") = AVALA_E_NO_MEMORY;
  m.attr("E_INTERNAL") = AVALA_E_INTERNAL;
  m.attr("E_CANCELLED") = AVALA_E_CANCELLED;

  m.attr("OBJECT_OTHER") = static_cast<int>(AVALA_OBJECT_OTHER);
  m.attr("OBJECT_TASK") = static_cast<int>(AVALA_OBJECT_TASK);
  m.attr("OBJECT_EXPORT") = static_cast<int>(AVALA_OBJECT_EXPORT);
  m.attr("OBJECT_AGENT") = static_cast<int>(AVALA_OBJECT_AGENT);
  m.attr("OBJECT_AGENT_EXECUTION") = static_cast<int>(AVALA_OBJECT_AGENT_EXECUTION);
  m.attr("OBJECT_QUALITY_TARGET") = static_cast<int>(AVALA_OBJECT_QUALITY_TARGET);
  m.attr("OBJECT_QUALITY_TARGET_EVALUATION") = static_cast<int>(AVALA_OBJECT_QUALITY_TARGET_EVALUATION);
  m.attr("OBJECT_DATASET") = static_cast<int>(AVALA_OBJECT_DATASET);


  def_item(m);
  def_model_paths(m);

  py::class_<ProjectIter>(m, "ProjectIter")
      .def("take", &ProjectIter::take, py::arg("n"), py::arg("model"))
      .def("take_ready", &ProjectIter::take_ready, py::arg("n"), py::arg("model"))
      .def_property_readonly("done", &ProjectIter::done);

  py::class_<ObjectIter>(m, "ObjectIter")
      .def("take", &ObjectIter::take, py::arg("n"), py::arg("model"))
      .def("take_ready", &ObjectIter::take_ready, py::arg("n"), py::arg("model"))
      .def_property_readonly("done", &ObjectIter::done);

  py::class_<Response>(m, "Response")
      .def_property_readonly("status", &Response::status)
      .def_property_readonly("body", &Response::body)
      .def("header", &Response::header, py::arg("name"));

  py::class_<Cancel>(m, "Cancel")
      .def(py::init<>())
      .def("fire", [](Cancel& c) { avala_cancel_fire(c.handle.get()); })
      .def("reset", [](Cancel& c) { avala_cancel_reset(c.handle.get()); })
      .def_property_readonly("fired", [](const Cancel& c) { return avala_cancel_fired(c.handle.get()) == 1; });

  py::class_<Pending>(m, "Pending", "The marker of an asynchronous call that started (its value comes from Queue.poll).")
      .def("__repr__", [](const Pending&) { return std::string("avala._avala.PENDING"); });
  py::object marker = py::cast(Pending{});
  g_pending = marker.inc_ref().ptr();
  m.attr("PENDING") = marker;

  py::class_<Queue, QueueRef>(m, "Queue", "A completion queue (avala_queue): one per event loop.")
      .def(py::init<>())
      .def("fd", &Queue::fd, "Readable while completions wait (watch it, then poll(n) until it gives fewer than n).")
      .def("progress_fd", &Queue::progress_fd, "Readable while export-wait progress reports wait (poll_progress).")
      .def("pending", &Queue::pending, "Calls started on the queue and not yet polled off it.")
      .def("poll", &Queue::poll, py::arg("max"), py::arg("timeout_ms") = 0,
           "Up to max completions as (tag, status, value): the call's result as the blocking call returns it, "
           "or the exception it raises, or None (ITER_END, a delete).")
      .def("poll_progress", &Queue::poll_progress,
           "Export-wait progress reports as (tag, progress callable, export item, elapsed seconds).");

  py::class_<Client>(m, "Client")
      .def(py::init<const std::optional<std::string>&, const std::optional<std::string>&, int64_t, int32_t,
                    const std::optional<std::string>&, const std::optional<std::string>&, bool,
                    const std::optional<std::string>&, const std::optional<std::string>&,
                    const std::optional<std::string>&, const std::optional<std::string>&,
                    const std::optional<std::string>&, const std::optional<std::string>&, bool, bool>(),
           py::arg("api_key"), py::arg("base_url"), py::arg("timeout_ms"), py::arg("max_retries"),
           py::arg("user_agent_suffix"), py::arg("ca_file"), py::arg("rate_limit"), py::arg("ca_dir") = py::none(),
           py::arg("client_cert") = py::none(), py::arg("client_key") = py::none(),
           py::arg("client_key_password") = py::none(), py::arg("proxy") = py::none(),
           py::arg("no_proxy") = py::none(), py::arg("trust_env") = true, py::arg("compression") = true)
      .def("derive", &Client::derive, py::arg("queue"), py::arg("tag"), py::arg("cancel"),
           "A client for one asynchronous call or iterator: its calls return PENDING and complete on queue "
           "with tag, carrying cancel.")
      .def("close", &Client::close)
      .def_property_readonly("closed", &Client::closed)
      .def_property_readonly("base_url", &Client::base_url)
      .def("rate_limit", &Client::rate_limit)
      .def("request", &Client::request, py::arg("method"), py::arg("path"), py::arg("body_json"))
      .def("project_get", &Client::project_get, py::arg("uid"))
      .def("project_list_page", &Client::project_list_page, py::arg("limit"), py::arg("cursor"))
      // Iterators keep the Python client object alive as well as the C one.
      .def("project_iter", &Client::project_iter, py::arg("limit"), py::arg("cursor"), py::keep_alive<0, 1>())
      .def("list_page", &Client::list_page, py::arg("resource"), py::arg("parent"), py::arg("limit"),
           py::arg("cursor"), py::arg("filters"))
      .def("list_iter", &Client::list_iter, py::arg("resource"), py::arg("parent"), py::arg("limit"),
           py::arg("cursor"), py::arg("filters"), py::keep_alive<0, 1>())
      .def("get", &Client::get_object, py::arg("resource"), py::arg("parent"), py::arg("uid"))
      .def("create", &Client::create, py::arg("resource"), py::arg("parent"), py::arg("fields_json"))
      .def("update", &Client::update, py::arg("resource"), py::arg("parent"), py::arg("uid"),
           py::arg("fields_json"))
      .def("delete", &Client::remove, py::arg("resource"), py::arg("parent"), py::arg("uid"))
      .def("export_create", &Client::export_create, py::arg("project"), py::arg("dataset"))
      .def("export_wait", &Client::export_wait, py::arg("uid"), py::arg("interval_ms"), py::arg("timeout_ms"),
           py::arg("progress"))
      .def("agent_test", &Client::agent_test, py::arg("uid"))
      .def("quality_target_evaluate", &Client::quality_target_evaluate, py::arg("project"));
}
