// The resource calls of avala.h (tasks, exports, agents, ...) as the CLI uses
// them: owned handles, failures as avala::Error, and every call reduced to
// the JSON text of the objects it returns (which is all the CLI shows).
// Calls are given uniform shapes so the command table can hold them as data:
// a call without a parent (a project for quality targets, an agent for
// executions) takes one anyway and ignores it (see `unscoped`).
#pragma once

#include <avala.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace avala_cli::abi {

// avala.hpp's handles and its one C-error-to-exception translation.
template <class T, void (*Free)(T*)>
using Owned = avala::detail::Owned<T, Free>;
using Object = Owned<avala_object, avala_object_free>;
using Page = Owned<avala_page, avala_page_free>;
using Iter = Owned<avala_iter, avala_iter_free>;

// Throws avala::Error for a negative code (taking ownership of err), else
// returns rc. err is read after the call: check(f(&err), err) is safe.
using avala::detail::check;

// Uniform call shapes; `parent` is the project or agent uid, or NULL.
using ListFn = int (*)(avala_iter**, avala_client*, const char* parent, const avala_list_options*, avala_error**);
using PageFn = int (*)(avala_page**, avala_client*, const char* parent, const avala_list_options*, avala_error**);
using GetFn = int (*)(avala_object**, avala_client*, const char* parent, const char* uid, avala_error**);
using CreateFn = int (*)(avala_object**, avala_client*, const char* parent, const char* fields_json, avala_error**);
using UpdateFn = int (*)(avala_object**, avala_client*, const char* parent, const char* uid,
                         const char* fields_json, avala_error**);
using DeleteFn = int (*)(avala_client*, const char* parent, const char* uid, avala_error**);

// F(out, client, rest...) or F(client, rest...) given the shape above: the
// parent argument is accepted and ignored. unscoped<avala_task_get>.
template <auto F>
struct Unscoped;
template <class Out, class... Rest, int (*F)(Out, avala_client*, Rest...)>
struct Unscoped<F> {
    static int call(Out out, avala_client* c, const char*, Rest... rest) { return F(out, c, rest...); }
};
template <class... Rest, int (*F)(avala_client*, Rest...)>
struct Unscoped<F> {
    static int call(avala_client* c, const char*, Rest... rest) { return F(c, rest...); }
};
template <auto F>
inline constexpr auto unscoped = &Unscoped<F>::call;

// What a list call is given: avala.hpp's list options plus the parent (a
// project or agent uid), or NULL.
struct ListArgs : avala::ListOptions {
    const char* parent = nullptr;
};

struct PageInfo {
    bool has_more = false;
    std::optional<std::string> next_cursor;
};

// Receives each item's JSON, borrowed for the call.
using ItemSink = std::function<void(std::string_view json)>;

// A list, reduced to JSON items: every item from the cursor on (lazily, one
// page in memory), or exactly one page. `all` is NULL for a call that
// answers one cursor-less page (quality-target evaluation).
struct ListSource {
    void (*all)(avala_client*, const ListArgs&, const ItemSink&);
    PageInfo (*page)(avala_client*, const ListArgs&, const ItemSink&);
};

// The avala_list_options of a ListArgs (which must outlive it).
using ListOptions = avala::detail::CListOptions;

// The object's JSON (every field the server sent), borrowed from it.
std::string_view json_of(const avala_object* obj);

void each_of_iter(avala_iter* it, const ItemSink& each);
PageInfo each_of_page(const avala_page* page, const ItemSink& each);

template <ListFn F>
void list_all(avala_client* client, const ListArgs& args, const ItemSink& each) {
    ListOptions opts(args);
    avala_iter* it = nullptr;
    avala_error* err = nullptr;
    check(F(&it, client, args.parent, opts.get(), &err), err);
    Iter owned(it);
    each_of_iter(owned.get(), each);
}

template <PageFn F>
PageInfo list_page(avala_client* client, const ListArgs& args, const ItemSink& each) {
    ListOptions opts(args);
    avala_page* page = nullptr;
    avala_error* err = nullptr;
    check(F(&page, client, args.parent, opts.get(), &err), err);
    Page owned(page);
    return each_of_page(owned.get(), each);
}

template <ListFn All, PageFn One>
inline constexpr ListSource objects{&list_all<All>, &list_page<One>};

// A call that answers one object, as that object's JSON.
using ObjectCall = std::string (*)(avala_client*, const char* parent, const char* uid);

template <GetFn F>
std::string get_json(avala_client* client, const char* parent, const char* uid) {
    avala_object* out = nullptr;
    avala_error* err = nullptr;
    check(F(&out, client, parent, uid, &err), err);
    Object owned(out);
    return std::string(json_of(owned.get()));
}

}  // namespace avala_cli::abi
