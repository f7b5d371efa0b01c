// Uses the installed libavala through avala.hpp, as a C++17 program would.
// usage: avala_consumer EXPECTED_COUNT   (env: AVALA_BASE_URL, AVALA_API_KEY,
// AVALA_ALLOW_INSECURE_BASE_URL=1). Prints "N passed, M failed".
#include <avala.hpp>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace {

int passed = 0;
int failed = 0;

bool check(bool ok, const char* what, int line) {
    if (ok) {
        ++passed;
    } else {
        ++failed;
        std::cerr << "main.cpp:" << line << ": check failed: " << what << "\n";
    }
    return ok;
}
#define CHECK(cond) check(static_cast<bool>(cond), #cond, __LINE__)

// Runs f, expecting it to throw avala::Error with `code`.
template <class F>
void expect_error(int code, int http_status, F&& f, const char* what, int line) {
    try {
        f();
        check(false, what, line);
    } catch (const avala::Error& e) {
        bool ok = e.code() == code && e.http_status() == http_status && *e.what() != '\0';
        if (!ok)
            std::cerr << "  got " << e.code_name() << " (HTTP " << e.http_status() << "): " << e.what() << "\n";
        check(ok, what, line);
    }
}
#define EXPECT_ERROR(code, status, expr) expect_error(code, status, [&] { (void)(expr); }, #expr, __LINE__)

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: " << argv[0] << " EXPECTED_COUNT\n";
        return 2;
    }
    const std::size_t expected = std::strtoul(argv[1], nullptr, 10);

    try {
        CHECK(avala::version() == AVALA_VERSION_STRING);
        avala::Client client;  // everything from the environment

        // Every project, across pages, in a plain range-for.
        std::set<std::string> uids;
        std::size_t count = 0;
        avala::Project first;
        for (avala::Project& p : client.projects(64)) {
            ++count;
            uids.emplace(p.uid());
            if (!first) first = std::move(p);  // items are owned: keeping one is fine
        }
        std::cout << "listed " << count << " projects\n";
        CHECK(count == expected);
        CHECK(uids.size() == expected);
        CHECK(!uids.count(""));

        if (CHECK(first)) {
            avala::Project again = client.project(first.uid());
            CHECK(again.uid() == first.uid());
            CHECK(again.name() == first.name());
            CHECK(!again.json().empty() && again.json().front() == '{');
            CHECK(again.field_json("uid").has_value());
            CHECK(!again.field_json("no_such_field_anywhere").has_value());
            avala::Project copy = again.clone();
            CHECK(copy.json() == again.json());
        }

        // One page, then the next by its cursor.
        avala::ProjectPage page = client.projects_page(10);
        CHECK(page.size() == std::min<std::size_t>(expected, 10));
        CHECK(page.has_more() == (expected > 10));
        if (expected > 10 && CHECK(page.next_cursor())) {
            avala::ProjectPage next = client.projects_page(10, page.next_cursor());
            CHECK(!next.empty());
            for (avala::ProjectView p : next) CHECK(uids.count(std::string(p.uid())) == 1);
            CHECK(next[0].uid() != page[0].uid());
        }

        // The generic call reaches the same endpoint.
        avala::Response r = client.request("GET", "/users/me/projects/?limit=2");
        CHECK(r.status() == 200);
        CHECK(!r.body().empty() && r.body().front() == '{');

        // Errors arrive as avala::Error with the C code.
        EXPECT_ERROR(AVALA_E_INVALID_ARGUMENT, 0, client.project("../admin"));
        EXPECT_ERROR(AVALA_E_NOT_FOUND, 404, client.project("00000000-0000-4000-8000-fffffffffffe"));
        avala::ClientOptions bad_options;
        bad_options.api_key = "wrong-key-cpp-3c2b1a";
        avala::Client bad(bad_options);
        EXPECT_ERROR(AVALA_E_AUTHENTICATION, 401, bad.projects_page(1));
        EXPECT_ERROR(AVALA_E_AUTHENTICATION, 401, bad.projects().begin());  // a range throws from begin()
    } catch (const avala::Error& e) {
        std::cerr << "unexpected avala::Error " << e.code_name() << " (HTTP " << e.http_status()
                  << "): " << e.what() << "\n";
        ++failed;
    }

    std::cout << passed << " passed, " << failed << " failed\n";
    return failed == 0 ? 0 : 1;
}
