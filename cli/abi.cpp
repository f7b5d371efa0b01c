#include "abi.hpp"

namespace avala_cli::abi {

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
