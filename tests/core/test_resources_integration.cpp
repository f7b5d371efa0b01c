// The catalog's resources against the emulator fixture (projects, tasks and
// datasets generated; exports, agents and quality targets made by the tests).
#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <set>

#include "kind_of.hpp"

#include "avala/endpoint.hpp"
#include "avala/error.hpp"
#include "avala/resources/catalog.hpp"
#include "avala/resources/exports.hpp"
#include "avala/resources/projects.hpp"

using avala::ErrorKind;
using namespace std::chrono_literals;
namespace api = avala::api;

namespace {

avala::Client client() {
  avala::ClientOptions o;
  o.max_retries = 0;
  return avala::Client(o);
}

std::string first_project(const avala::Client& c) { return std::string(avala::projects::list(c, {1, {}, {}}).items.at(0).uid()); }

avala::Object create(const avala::Client& c, const avala::Endpoint& ep, avala::Ids ids, std::string_view fields) {
  return avala::call_object(c, ep, ids, avala::checked_body(ep, fields, false));
}

}  // namespace

TEST_CASE("a project's tasks: the filter survives every page, and a status filter narrows it") {
  auto c = client();
  std::string project = first_project(c);
  avala::ListParams params{3, {}, {{"project", project}}};
  auto all = avala::list_all(c, api::kTaskList, {}, params);
  std::set<std::string> uids, statuses;
  while (auto t = all.next()) {
    CHECK(t->kind() == avala::ObjectKind::task);
    CHECK(t->string("project") == project);
    uids.emplace(*t->string("uid"));
    statuses.emplace(t->string("status").value_or(""));
  }
  REQUIRE(uids.size() > 3);  // more than one page
  std::string status = *statuses.begin();
  auto narrowed = avala::list_all(c, api::kTaskList, {}, {2, {}, {{"project", project}, {"status", status}}});
  std::size_t n = 0;
  while (auto t = narrowed.next()) {
    CHECK(t->string("status") == status);
    CHECK(t->string("project") == project);
    ++n;
  }
  CHECK(n > 0);
  CHECK(n <= uids.size());
  auto one = avala::call_object(c, api::kTaskGet, {*uids.begin()});
  CHECK(one.string("uid") == *uids.begin());
}

TEST_CASE("an export advances to exported and wait reports every poll") {
  auto c = client();
  std::string project = first_project(c);
  auto e = avala::call_object(c, api::kExportCreate, {}, boost::json::object{{"project", project}});
  REQUIRE(e.string("uid"));
  std::vector<std::string> seen;
  auto done = avala::exports::wait(c, *e.string("uid"), avala::exports::make_wait_options(1ms, 10s),
                                   [&](const avala::Object& x, double) {
                                     seen.emplace_back(x.string("status").value_or("?"));
                                     return true;
                                   });
  CHECK(done.string("status") == "exported");
  CHECK(done.string("download_url"));
  CHECK(seen.size() >= 2);
  CHECK(seen.back() == "exported");
}

TEST_CASE("a progress callback that says stop cancels the wait") {
  auto c = client();
  auto e = avala::call_object(c, api::kExportCreate, {}, boost::json::object{{"project", first_project(c)}});
  CHECK(kind_of([&] {
          avala::exports::wait(c, *e.string("uid"), {}, [](const avala::Object&, double) { return false; });
        }) == ErrorKind::cancelled);
}

TEST_CASE("agents: create, update only what is given, test records an execution, delete answers nothing") {
  auto c = client();
  auto a = create(c, api::kAgentCreate, {}, R"({"name":"it-bot","description":"keep me","events":["task.completed"]})");
  std::string uid(*a.string("uid"));
  auto u = avala::call_object(c, api::kAgentUpdate, {uid}, avala::checked_body(api::kAgentUpdate, R"({"name":"it-bot-2"})", true));
  CHECK(u.string("name") == "it-bot-2");
  CHECK(u.string("description") == "keep me");
  auto result = avala::call_object(c, api::kAgentTest, {uid});
  CHECK(result.kind() == avala::ObjectKind::other);
  auto execs = avala::list_page(c, api::kAgentExecutions, {uid}, {});
  CHECK(!execs.items.empty());
  avala::call_empty(c, api::kAgentDelete, {uid});
  CHECK(kind_of([&] { avala::call_object(c, api::kAgentGet, {uid}); }) == ErrorKind::not_found);
}

TEST_CASE("the server's field errors come back as a validation error naming the field") {
  auto c = client();
  // Sent raw: the SDK itself would refuse the missing name before sending.
  try {
    c.send("POST", c.base_url().path + "/agents/", std::string("{}"));
    FAIL("no error");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::validation);
    CHECK(e.http_status() == 400);
    CHECK(std::string(e.what()).find("name") != std::string::npos);
  }
}

TEST_CASE("quality targets: create, evaluate as a bare array, delete") {
  auto c = client();
  std::string project = first_project(c);
  auto q = create(c, api::kQualityTargetCreate, {project},
                  R"({"name":"done","metric":"completion_rate","threshold":0.5,"operator":"gte"})");
  std::string uid(*q.string("uid"));
  auto evals = avala::call_array(c, api::kQualityTargetEvaluate, {project});
  REQUIRE(!evals.empty());
  bool found = false;
  for (const auto& ev : evals) {
    CHECK(ev.kind() == avala::ObjectKind::quality_target_evaluation);
    if (ev.string("uid") == uid) found = ev.json().contains("current_value");
  }
  CHECK(found);
  avala::call_empty(c, api::kQualityTargetDelete, {project, uid});
  CHECK(kind_of([&] { avala::call_object(c, api::kQualityTargetGet, {project, uid}); }) == ErrorKind::not_found);
}

TEST_CASE("datasets filter by data type") {
  auto c = client();
  auto page = avala::list_page(c, api::kDatasetList, {}, {100, {}, {}});
  REQUIRE(!page.items.empty());
  std::string type(page.items[0].string("data_type").value_or(""));
  auto only = avala::list_page(c, api::kDatasetList, {}, {100, {}, {{"data_type", type}}});
  REQUIRE(!only.items.empty());
  for (const auto& d : only.items) CHECK(d.string("data_type") == type);
  CHECK(avala::call_object(c, api::kDatasetGet, {*only.items[0].string("uid")}).string("uid") == only.items[0].string("uid"));
}
