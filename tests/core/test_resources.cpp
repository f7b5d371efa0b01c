#include <doctest/doctest.h>

#include <boost/json.hpp>

#include "kind_of.hpp"

#include "avala/endpoint.hpp"
#include "avala/resources/catalog.hpp"
#include "avala/resources/exports.hpp"

using avala::Error;
using avala::ErrorKind;
using namespace std::chrono_literals;
namespace api = avala::api;

namespace {

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("a create body keeps exactly the given fields") {
  auto body = avala::checked_body(api::kAgentCreate, R"({"name":"qa-bot","events":["task.completed"],"is_active":false})",
                                  false);
  CHECK(body.size() == 3);
  CHECK(body.at("name").as_string() == "qa-bot");
  CHECK(body.at("is_active").as_bool() == false);
}

TEST_CASE("a create without a required field is refused, naming the field") {
  auto msg = message_of([] { avala::checked_body(api::kQualityTargetCreate, R"({"name":"n","metric":"m"})", false); });
  CHECK(msg.find("'threshold' is required") != std::string::npos);
  CHECK(kind_of([] { avala::checked_body(api::kAgentCreate, "{}", false); }) == ErrorKind::invalid_argument);
}

TEST_CASE("an update may carry any subset of the fields, even none") {
  CHECK(avala::checked_body(api::kAgentUpdate, R"({"description":"x"})", true).size() == 1);
  CHECK(avala::checked_body(api::kQualityTargetUpdate, "{}", true).empty());
}

TEST_CASE("unknown fields, wrong types and non-objects are refused before sending") {
  auto unknown = message_of([] { avala::checked_body(api::kAgentUpdate, R"({"callbackurl":"x"})", true); });
  CHECK(unknown.find("'callbackurl'") != std::string::npos);
  CHECK(unknown.find("callback_url") != std::string::npos);  // lists what it takes
  auto wrong = message_of([] { avala::checked_body(api::kAgentUpdate, R"({"events":"task.completed"})", true); });
  CHECK(wrong.find("list of strings") != std::string::npos);
  CHECK(kind_of([] { avala::checked_body(api::kAgentUpdate, R"({"events":[1]})", true); }) ==
        ErrorKind::invalid_argument);
  CHECK(kind_of([] { avala::checked_body(api::kQualityTargetUpdate, R"({"threshold":"0.9"})", true); }) ==
        ErrorKind::invalid_argument);
  CHECK(avala::checked_body(api::kQualityTargetUpdate, R"({"threshold":1})", true).size() == 1);
  for (const char* bad : {"[]", "\"x\"", "{", "", "null"}) {
    CAPTURE(bad);
    CHECK(kind_of([&] { avala::checked_body(api::kAgentCreate, bad, false); }) == ErrorKind::invalid_argument);
  }
}

TEST_CASE("lists take only their own filters") {
  CHECK_NOTHROW(avala::check_filters(api::kTaskList, {{"project", "p"}, {"status", "completed"}}));
  CHECK_NOTHROW(avala::check_filters(api::kDatasetList, {{"data_type", "image"}, {"visibility", "public"}}));
  auto msg = message_of([] { avala::check_filters(api::kTaskList, {{"data_type", "image"}}); });
  CHECK(msg.find("'data_type'") != std::string::npos);
  CHECK(msg.find("project, status") != std::string::npos);
  CHECK(kind_of([] { avala::check_filters(api::kAgentList, {{"project", "p"}}); }) == ErrorKind::invalid_argument);
}

TEST_CASE("every catalog path names its ids and every scoped path checks them") {
  auto base = avala::parse_base_url("https://api.avala.ai/api/v1", false);
  CHECK(avala::expand(base, api::kQualityTargetGet.route, {"p 1", "q?2"}) ==
        "/api/v1/projects/p%201/quality-targets/q%3F2/");
  // A bad second id is reported as the second id, not the first.
  auto msg = message_of([&] { avala::expand(base, api::kQualityTargetGet.route, {"p1", ".."}); });
  CHECK(msg.find("quality target uid") != std::string::npos);
  CHECK(kind_of([&] { avala::expand(base, api::kAgentExecutions.route, {"../admin"}); }) ==
        ErrorKind::invalid_argument);
}

TEST_CASE("objects must carry their schema's required fields; unknown fields survive") {
  auto agent = avala::Object::decode(api::kAgent, avala::decode_object(R"({"uid":"a1","name":"bot","future_field":{"x":1}})"));
  CHECK(agent.kind() == avala::ObjectKind::agent);
  CHECK(agent.string("name") == "bot");
  CHECK(agent.json().at("future_field").at("x") == 1);
  auto no_name = avala::decode_object(R"({"uid":"a1"})");
  CHECK(kind_of([&] { avala::Object::decode(api::kAgent, no_name); }) == ErrorKind::decode);
  CHECK_NOTHROW(avala::Object::decode(api::kAny, avala::decode_object("{}")));
  // A field named "" beside a schema's unused (empty) required key (UBSan
  // build: the comparison never hands memcmp a null pointer).
  auto odd = avala::Object::decode(api::kTask, avala::decode_object(R"({"uid":"t1","":"x"})"));
  CHECK(odd.string("") == "x");
  CHECK_NOTHROW(avala::Object::decode(api::kAny, avala::decode_object(R"({"":1})")));
}

TEST_CASE("wait options follow the contract: defaults, a 0.5 s floor, negatives refused") {
  auto d = avala::exports::make_wait_options(std::nullopt, std::nullopt);
  CHECK(d.interval == 2000ms);
  CHECK(d.timeout == 300000ms);
  CHECK(avala::exports::make_wait_options(100ms, std::nullopt).interval == 500ms);
  CHECK(avala::exports::make_wait_options(750ms, 0ms).interval == 750ms);
  CHECK(kind_of([] { avala::exports::make_wait_options(-1ms, std::nullopt); }) == ErrorKind::invalid_argument);
  CHECK(kind_of([] { avala::exports::make_wait_options(std::nullopt, -5ms); }) == ErrorKind::invalid_argument);
  CHECK(avala::exports::is_terminal("exported"));
  CHECK(avala::exports::is_terminal("failed"));
  CHECK_FALSE(avala::exports::is_terminal("exporting"));
}
