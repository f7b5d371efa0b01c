#include <doctest/doctest.h>

#include "kind_of.hpp"

#include "avala/error.hpp"
#include "avala/pagination.hpp"
#include "avala/resources/projects.hpp"

#include <stdexcept>
#include <thread>
#include <vector>

using avala::Error;
using avala::ErrorKind;

TEST_CASE("a page decodes into items, cursors and has_more") {
  auto page = avala::make_page<avala::Project>(avala::decode_page(
      R"({"results":[{"uid":"p1","name":"One","status":"active","owner_name":"acme"},{"uid":"p2","name":"Two","status":null}],
          "next":"https://api.avala.ai/api/v1/users/me/projects/?cursor=c2&limit=2","previous":null})"));
  REQUIRE(page.items.size() == 2);
  CHECK(page.items[0].uid() == "p1");
  CHECK(page.items[0].status_kind() == avala::ProjectStatus::active);
  CHECK(page.items[1].status() == std::nullopt);
  CHECK(page.has_more());
  CHECK(page.next_cursor == "c2");
  CHECK_FALSE(page.previous_cursor.has_value());
  CHECK(page.items[0].json().at("owner_name").as_string() == "acme");
}

TEST_CASE("the last page has no next and an empty page is valid") {
  auto page = avala::make_page<avala::Project>(avala::decode_page(R"({"results":[],"next":null,"previous":null})"));
  CHECK(page.items.empty());
  CHECK_FALSE(page.has_more());
  auto bare = avala::make_page<avala::Project>(avala::decode_page(R"({"results":[]})"));
  CHECK_FALSE(bare.has_more());
}

TEST_CASE("malformed pages are decode errors, never crashes") {
  for (const char* body : {"", "not json", "[]", "{}", R"({"results":{}})", R"({"results":[],"next":5})",
                           R"({"results":[1,2]})", R"({"results":[{"uid":1,"name":"x"}]})",
                           R"({"results":[{"uid":"x"}]})", "{\"results\":[{\"uid\":\"a\",\"name\":\"\xff\"}]",
                           R"({"results":[{"uid":"a","name":"b"}],"next":"https://x/?cursor=1")"}) {
    CAPTURE(body);
    CHECK(kind_of([&] { avala::make_page<avala::Project>(avala::decode_page(body)); }) == ErrorKind::decode);
  }
}

TEST_CASE("project status: known values map to the enum, unknown ones pass through raw") {
  auto p = avala::Project::from_json(avala::decode_object(R"({"uid":"u","name":"n","status":"frozen-solid"})"));
  CHECK(p.status_kind() == avala::ProjectStatus::unknown);
  CHECK(p.status() == "frozen-solid");
  CHECK(avala::parse_project_status("pending-approval") == avala::ProjectStatus::pending_approval);
  CHECK(avala::parse_project_status("canceled") == avala::ProjectStatus::canceled);
}

TEST_CASE("unknown fields survive a project round trip") {
  auto p = avala::Project::from_json(
      avala::decode_object(R"({"uid":"u","name":"n","future_field":{"a":[1,2]},"created_at":"2024-01-01T00:00:00Z"})"));
  CHECK(p.json().at("future_field").at("a").as_array().size() == 2);
  CHECK(p.created_at() == "2024-01-01T00:00:00Z");
  CHECK_FALSE(p.updated_at().has_value());
}

TEST_CASE("list queries put filters first and refuse a non-positive limit") {
  avala::ListParams params{5, std::string("abc"), {{"project", "p1"}}};
  auto q = avala::list_query(params);
  REQUIRE(q.size() == 3);
  CHECK(q[0].first == "project");
  CHECK(q[1] == std::pair<std::string, std::string>{"limit", "5"});
  CHECK(q[2] == std::pair<std::string, std::string>{"cursor", "abc"});
  CHECK(kind_of([] { avala::list_query(avala::ListParams{0, {}, {}}); }) == ErrorKind::invalid_argument);
}

TEST_CASE("the next-link guess: the body's own trailing \"next\" string, or nothing") {
  using avala::next_link_hint;
  CHECK(next_link_hint(R"({"results":[],"next":"https://h/p/?cursor=x","previous":null})") == "https://h/p/?cursor=x");
  CHECK(next_link_hint("{\"results\" : [] ,\n \"next\" :\n \"https://h/?c=1\" }\n") == "https://h/?c=1");
  CHECK(next_link_hint(R"({"results":[],"next":"https://h/1","count":3,"x":"y","ok":true,"f":-1.5e3})") ==
        "https://h/1");
  // An item's own "next" is never taken for the page's.
  CHECK(next_link_hint(R"({"results":[{"next":"https://h/evil"}],"next":"https://h/2","previous":null})") ==
        "https://h/2");
  CHECK(next_link_hint(R"({"next":"https://h/2","previous":null,"results":[{"next":"https://h/evil"}]})") ==
        std::nullopt);
  CHECK(next_link_hint(R"({"next":"https://h/2","results":[]})") == std::nullopt);  // another order: no guess
  CHECK(next_link_hint(R"({"results":[],"next":"https://h/2","meta":{"a":1}})") == std::nullopt);
  CHECK(next_link_hint(R"({"results":[],"next":"https://h/2"} trailing)") == std::nullopt);
  CHECK(next_link_hint(R"({"results":[],"next":null})") == std::nullopt);
  CHECK(next_link_hint(R"({"next":"https:\/\/h\/"})") == std::nullopt);  // an escape: no guess
  CHECK(next_link_hint(R"({"results":[],"x":"a\"next\":\"https://h/\"}"})") == std::nullopt);
  CHECK(next_link_hint(R"({"next":""})") == std::nullopt);
  CHECK(next_link_hint(R"({"next":"https://h/)") == std::nullopt);  // unterminated
  CHECK(next_link_hint(R"({"results":[]})") == std::nullopt);
  CHECK(next_link_hint(R"("next":"https://h/"})") == std::nullopt);
  CHECK(next_link_hint("") == std::nullopt);
}

TEST_CASE("a project needs string uid and name: the error names the field; the last duplicate counts") {
  auto project = [](const char* body) { return avala::Project::from_json(avala::decode_object(body)); };
  CHECK(project(R"({"name":"x","uid":"u1","name":"y","":"z"})").name() == "y");
  for (auto c : {std::pair{R"({"name":"x"})", "'uid'"}, std::pair{R"({"uid":"u","name":7})", "'name'"},
                 std::pair{R"({"uid":"u","name":"x","name":null})", "'name'"},
                 std::pair{R"({"uid":null,"name":7})", "'uid'"}}) {
    // Plain variables, not a structured binding: CAPTURE's lambda cannot capture one before clang 16.
    const char* body = c.first;
    const char* field = c.second;
    CAPTURE(body);
    try {
      project(body);
      FAIL("decoded");
    } catch (const avala::Error& e) {
      CHECK(e.kind() == ErrorKind::decode);
      CHECK(std::string(e.what()).find("project in the response has no string field " + std::string(field)) !=
            std::string::npos);
    }
  }
}

TEST_CASE("record references count their body: shared, taken once, moved, and given back when a take fails") {
  // Every reference is counted on the body, which goes with the last one
  // (leaks and double frees: the ASan build).
  auto page = avala::decode_page(R"({"results":[{"uid":"a","name":"1"},{"uid":"b","name":"2"},{"uid":"c","name":"3"}]})");
  avala::RecordRef kept;
  {
    avala::Records records = std::move(page.items);
    CHECK(page.items.empty());
    avala::RecordRef first = records.share(0);
    std::vector<avala::RecordRef> taken;
    auto take = [&](avala::RecordRef r) { taken.push_back(std::move(r)); };
    CHECK_THROWS_AS(records.take_each([&](avala::RecordRef r) {
      if (!taken.empty()) throw std::runtime_error("full");
      take(std::move(r));
    }),
                    std::runtime_error);
    REQUIRE(taken.size() == 1);
    records.take_each(take);  // a second time: counted as share counts
    REQUIRE(taken.size() == 4);
    kept = taken[2];
    auto& alias = kept;
    kept = alias;
    avala::RecordRef moved = std::move(taken[3]);
    CHECK_FALSE(taken[3]);
    CHECK(moved->string("uid") == "c");
    CHECK(first->string("uid") == "a");
  }
  CHECK(kept->string("name") == "2");
  CHECK(avala::Records().empty());
}

TEST_CASE("items share their page's document and outlive the page") {
  std::vector<avala::Project> kept;
  {
    auto page = avala::make_page<avala::Project>(
        avala::decode_page(R"({"results":[{"uid":"u1","name":"one"},{"uid":"u2","name":"two"}],"next":null})"));
    kept.push_back(page.items[1]);
    avala::Project copy = page.items[0];
    kept.push_back(std::move(copy));
  }
  CHECK(kept[0].name() == "two");
  CHECK(kept[1].uid() == "u1");
  CHECK(&kept[0].json() != &kept[1].json());
}

TEST_CASE("records: strings as sent (escapes decoded), the last duplicate wins, nested values kept, json() whole") {
  auto page = avala::decode_page(
      R"({"count":2,"meta":{"results":[9],"next":"x","deep":[{"a":"b"}]},"results":[)"
      R"({"uid":"a\"1","name":"caf\u00e9 \ud83d\ude00","n":-3,"big":18446744073709551615,"f":0.5,"ok":true,)"
      R"("none":null,"tags":["x",{"k":[1,2]}],"obj":{"s":"t\n","e":{}},"dup":"first","dup":"second","empty":""},)"
      R"({"uid":"b","name":"plain","dup":"only","dup":7}],"next":null,"previous":"https://h/?cursor=p"})");
  REQUIRE(page.items.size() == 2);  // the "results" inside "meta" is not the page's
  CHECK_FALSE(page.next.has_value());
  CHECK(page.previous == "https://h/?cursor=p");
  const avala::Record& a = page.items[0];
  CHECK(a.string("uid") == "a\"1");
  CHECK(a.string("name") == "caf\xc3\xa9 \xf0\x9f\x98\x80");
  CHECK(a.string("dup") == "second");
  CHECK(a.string("empty") == "");
  CHECK(a.string("n") == std::nullopt);  // not a string
  CHECK(a.string("none") == std::nullopt);
  CHECK(a.string("missing") == std::nullopt);
  // Every string value is also a C string (the C ABI hands them out as such),
  // whitespace around it or not.
  auto spaced = avala::decode_object(" { \"uid\" : \"x\" ,\n\"name\":\"y z\"\t, \"e\" : \"\" } ");
  for (const avala::Record* r : {&page.items[0], &page.items[1], spaced.get()}) {
    for (const auto& f : r->fields()) {
      if (f.is_string()) CHECK(f.text().data()[f.text().size()] == '\0');
    }
  }
  CHECK(spaced->string("name") == "y z");
  CHECK(spaced->json().at("e").as_string() == "");
  const auto& j = a.json();
  CHECK(j.at("n").as_int64() == -3);
  CHECK(j.at("big").as_uint64() == 18446744073709551615ull);
  CHECK(j.at("f").as_double() == 0.5);
  CHECK(j.at("ok").as_bool());
  CHECK(j.at("none").is_null());
  CHECK(j.at("tags").as_array()[1].at("k").as_array()[1].as_int64() == 2);
  CHECK(j.at("obj").at("s").as_string() == "t\n");
  CHECK(j.at("obj").at("e").as_object().empty());
  CHECK(j.at("dup").as_string() == "second");
  CHECK(j.size() == 11);  // dup once
  CHECK(&a.json() == &j);  // built once
  // A later duplicate that is not a string hides the earlier string, as in json().
  CHECK(page.items[1].string("dup") == std::nullopt);
  CHECK(page.items[1].json().at("dup").as_int64() == 7);
}

TEST_CASE("records: the body must have the shape asked for") {
  CHECK(avala::decode_object(R"({"uid":"u"})")->string("uid") == "u");
  CHECK(avala::decode_array(R"([{"uid":"a"},{"uid":"b"}])").size() == 2);
  CHECK(avala::decode_array("[]").empty());
  for (const char* body : {"[]", "3", "\"s\"", "null", "{} {}", "{", "{\"a\":}", R"({"a":"x":"y"}})", R"({"a":"x"}})",
                           R"({"a":1:2})", R"({"a":"x","b"})", R"({"a" "x"})", R"({"a":tru})", R"({"a":nul})",
                           R"({"a":[1,]})", R"({"a":01})", "{\"a\":\"\x01\"}", "{\"a\":\"\xff\"}", R"({"a":"\x"})"}) {
    CAPTURE(body);
    CHECK(kind_of([&] { avala::decode_object(body); }) == ErrorKind::decode);
  }
  for (const char* body : {"{}", "[1]", "[[]]", "[{}, 2]", "[{}"}) {
    CAPTURE(body);
    CHECK(kind_of([&] { avala::decode_array(body); }) == ErrorKind::decode);
  }
  // A truncated body is not valid JSON, whatever shape it began with.
  auto why = [](auto decode) {
    try {
      decode();
    } catch (const avala::Error& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  CHECK(why([] { avala::decode_page(R"({"results":[{"uid":"a"}])"); }).find("not valid JSON") != std::string::npos);
  CHECK(why([] { avala::decode_array(R"([{"a":1})"); }).find("not valid JSON") != std::string::npos);
  CHECK(why([] { avala::decode_object(R"({"uid":"u")"); }).find("not valid JSON") != std::string::npos);
  CHECK(why([] { avala::decode_object("[]"); }) == "response is not a JSON object");
  // Of duplicate keys the last wins, a null included.
  CHECK_FALSE(avala::decode_page(R"({"results":[],"next":"https://h/?c=2","next":null})").next.has_value());
  CHECK(avala::decode_page(R"({"results":[],"previous":null,"previous":"https://h/?c=1"})").previous ==
        "https://h/?c=1");
  for (const char* body : {R"({"results":[],"results":[]})", R"({"results":null})", R"({"results":[],"next":{}})",
                           R"({"results":[],"previous":[]})", R"({"results":[],"next":true})"}) {
    CAPTURE(body);
    CHECK(kind_of([&] { avala::decode_page(body); }) == ErrorKind::decode);
  }
}

TEST_CASE("records: nesting is limited as Boost.JSON limits it (32), in every body shape") {
  auto nested = [](int depth) {  // an array `depth` deep, as a value
    return std::string(static_cast<std::size_t>(depth), '[') + std::string(static_cast<std::size_t>(depth), ']');
  };
  auto accepted = [](auto decode) {
    try {
      decode();
      return true;
    } catch (const avala::Error& e) {
      CHECK(e.kind() == ErrorKind::decode);
      return false;
    }
  };
  // The whole body counts: the object (1) plus the value; a page adds its list and item.
  CHECK(accepted([&] { avala::decode_object(R"({"a":)" + nested(31) + "}"); }));
  CHECK_FALSE(accepted([&] { avala::decode_object(R"({"a":)" + nested(32) + "}"); }));
  CHECK(accepted([&] { avala::decode_page(R"({"results":[{"a":)" + nested(29) + "}]}"); }));
  CHECK_FALSE(accepted([&] { avala::decode_page(R"({"results":[{"a":)" + nested(30) + "}]}"); }));
  CHECK_FALSE(accepted([&] { avala::decode_page(R"({"results":[],"meta":)" + nested(32) + "}"); }));
}

TEST_CASE("a large body is decoded like a small one (it gets a parser of its own)") {
  std::string body = R"({"results":[)";
  const std::string name(200, 'n');
  for (int i = 0; i < 3000; ++i) {
    // Appended piece by piece: `const char* + std::string&&` trips GCC 12's -Wrestrict false positive at -O3.
    if (i) body += ',';
    body += R"({"uid":"u)";
    body += std::to_string(i);
    body += R"(","name":")";
    body += name;
    body += R"("})";
  }
  body += R"(],"next":null})";
  REQUIRE(body.size() > (512u << 10));
  for (int pass = 0; pass < 2; ++pass) {  // and again, with a small body in between
    auto page = avala::decode_page(body);
    REQUIRE(page.items.size() == 3000);
    CHECK(page.items[2999].string("uid") == "u2999");
    CHECK(page.items[0].string("name")->size() == 200);
    CHECK(avala::decode_object(R"({"uid":"small"})")->string("uid") == "small");
  }
}

TEST_CASE("records are shared across threads: json() is built once, safely") {
  auto rec = avala::decode_object(R"({"uid":"u","n":1,"nested":{"a":[1,2,3]}})");
  std::vector<std::thread> threads;
  std::vector<const boost::json::object*> seen(8);
  for (int t = 0; t < 8; ++t) threads.emplace_back([&, t] { seen[t] = &rec->json(); });
  for (auto& t : threads) t.join();
  for (auto* p : seen) CHECK(p == seen[0]);
  CHECK(rec->json().at("nested").at("a").as_array().size() == 3);
}
