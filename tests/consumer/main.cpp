// Uses the installed libavala through avala.hpp, as a C++17 program would.
// usage: avala_consumer EXPECTED_COUNT   (env: AVALA_BASE_URL, AVALA_API_KEY,
// AVALA_ALLOW_INSECURE_BASE_URL=1). Prints "N passed, M failed".
#include <avala.hpp>

#include <algorithm>
#include <chrono>
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

        // Tasks, agents, quality targets, exports and datasets through the same wrapper.
        if (first) {
            std::string project(first.uid());
            avala::ListOptions by_project;
            by_project.limit = 3;  // several pages: the filter must survive them
            by_project.filters = {{"project", project}};
            std::size_t tasks = 0, foreign = 0;
            for (avala::Object& t : client.tasks(by_project)) {
                ++tasks;
                if (t.kind() != avala::ObjectKind::task || t.string("project") != project) ++foreign;
            }
            CHECK(tasks > 3);
            CHECK(foreign == 0);
            avala::ObjectPage tp = client.tasks_page(by_project);
            CHECK(tp.size() == 3 && tp.has_more());
            CHECK(client.task(tp[0].uid()).uid() == tp[0].uid());

            avala::Object agent = client.create_agent(R"({"name": "cpp-bot", "description": "keep"})");
            avala::Object renamed = client.update_agent(agent.uid(), R"({"name": "cpp-bot-2"})");
            CHECK(renamed.string("name") == "cpp-bot-2");
            CHECK(renamed.string("description") == "keep");  // PATCH sent only the name
            CHECK(client.test_agent(agent.uid()).boolean("success") == true);
            std::size_t executions = 0;
            for (avala::Object& e : client.agent_executions(agent.uid())) executions += e ? 1 : 0;
            CHECK(executions >= 1);
            std::string agent_uid(agent.uid());
            client.delete_agent(agent_uid);
            EXPECT_ERROR(AVALA_E_NOT_FOUND, 404, client.agent(agent_uid));
            EXPECT_ERROR(AVALA_E_INVALID_ARGUMENT, 0, client.create_agent(R"({"description": "no name"})"));

            avala::Object target = client.create_quality_target(
                project, R"({"name": "done", "metric": "completion_rate", "threshold": 0.5})");
            CHECK(target.number("threshold") == 0.5);
            avala::ObjectPage evaluations = client.evaluate_quality_targets(project);
            CHECK(!evaluations.empty() && !evaluations.has_more() && !evaluations.next_cursor());
            client.delete_quality_target(project, target.uid());

            avala::Object exp = client.create_export_for_project(project);
            int polls = 0;
            avala::Object done = client.wait_for_export(exp.uid(), std::chrono::milliseconds(500),
                                                        std::chrono::seconds(30), [&](avala::ObjectView, double) {
                                                            ++polls;
                                                            return true;
                                                        });
            CHECK(done.string("status") == "exported");
            CHECK(polls >= 2);
            avala::Object again = client.create_export_for_project(project);
            EXPECT_ERROR(AVALA_E_CANCELLED, 0,
                         client.wait_for_export(again.uid(), std::chrono::milliseconds(500), std::chrono::seconds(30),
                                                [](avala::ObjectView, double) { return false; }));

            std::size_t datasets = 0;
            for (avala::Object& d : client.datasets()) datasets += d.kind() == avala::ObjectKind::dataset;
            CHECK(datasets > 0);
            avala::ListOptions bad_filter;
            bad_filter.filters = {{"colour", "red"}};
            EXPECT_ERROR(AVALA_E_INVALID_ARGUMENT, 0, client.tasks(bad_filter));
        }

        // The generic call reaches the same endpoint.
        avala::Response r = client.request("GET", "/users/me/projects/?limit=2");
        CHECK(r.status() == 200);
        CHECK(!r.body().empty() && r.body().front() == '{');

        // The asynchronous form: calls complete on a queue, told apart by tag.
        {
            avala::Queue queue;
            avala::ProjectPage first = client.projects_page(3);
            std::vector<std::string> uids;
            for (std::size_t i = 0; i < first.size(); ++i) uids.emplace_back(first[i].uid());
            std::vector<avala::Client> calls;
            for (std::size_t i = 0; i < uids.size(); ++i) {
                calls.push_back(client.with_queue(queue, 100 + i));
                CHECK(!calls.back().project(uids[i]));  // returns at once, empty
            }
            avala::Client missing = client.with_queue(queue, 7);
            missing.project("00000000-0000-4000-8000-fffffffffffe");
            CHECK(queue.pending() == uids.size() + 1);
            std::size_t right = 0, got = 0;
            while (got < uids.size() + 1) {
                for (avala::Completion& c : queue.poll()) {
                    ++got;
                    if (c.tag() == 7) {
                        EXPECT_ERROR(AVALA_E_NOT_FOUND, 404, c.take<avala::Project>());
                    } else {
                        avala::Project p = c.take<avala::Project>();
                        right += p.uid() == uids[c.tag() - 100];
                    }
                }
            }
            CHECK(right == uids.size() && right > 0);
            client.with_queue(queue, 8).projects_page(2);  // a result never taken is freed with its Completion
            CHECK(queue.poll(1).size() == 1);
            CHECK(queue.pending() == 0);
        }

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
