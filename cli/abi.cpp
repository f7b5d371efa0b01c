#include "abi.hpp"

namespace avala_cli::abi {

int check(int rc, avala_error* const& err) {
    Owned<avala_error, avala_error_free> owned(err);  // freed on every path
    if (rc >= 0) return rc;
    if (!owned) throw avala::Error(rc, std::string("libavala: ") + avala_status_name(rc));
    double retry = avala_error_retry_after(owned.get());
    const char* body = avala_error_body(owned.get());
    const char* message = avala_error_message(owned.get());
    throw avala::Error(avala_error_code(owned.get()), message ? message : "", avala_error_http_status(owned.get()),
                       body ? body : "", retry >= 0 ? std::optional<double>(retry) : std::nullopt,
                       avala_error_attempts(owned.get()));
}

ListOptions::ListOptions(const ListArgs& args) {
    opts_.limit = args.limit > 0 ? args.limit : 0;
    if (args.cursor) opts_.cursor = args.cursor->c_str();
    if (!args.filters.empty()) {
        for (const std::string& s : args.filters) filters_.push_back(s.c_str());
        filters_.push_back(nullptr);
        opts_.filters = filters_.data();
    }
}

std::string_view json_of(const avala_object* obj) {
    const char* json = avala_object_json(obj);
    return json ? json : "{}";
}

void each_of_iter(avala_iter* it, const ItemSink& each) {
    for (;;) {
        avala_object* obj = nullptr;
        avala_error* err = nullptr;
        if (check(avala_iter_next(&obj, it, &err), err) == AVALA_ITER_END) return;
        Object owned(obj);
        each(json_of(owned.get()));
    }
}

PageInfo each_of_page(const avala_page* page, const ItemSink& each) {
    std::size_t n = avala_page_count(page);
    for (std::size_t i = 0; i < n; ++i) each(json_of(avala_page_item(page, i)));
    PageInfo info;
    info.has_more = avala_page_has_more(page) != 0;
    if (const char* next = avala_page_next_cursor(page)) info.next_cursor = next;
    return info;
}

}  // namespace avala_cli::abi
