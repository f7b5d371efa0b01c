#include <doctest/doctest.h>

#include "avala/error.hpp"

using avala::ErrorKind;

TEST_CASE("HTTP statuses map to the contract's error kinds") {
  CHECK(avala::kind_for_status(400) == ErrorKind::validation);
  CHECK(avala::kind_for_status(422) == ErrorKind::validation);
  CHECK(avala::kind_for_status(401) == ErrorKind::authentication);
  CHECK(avala::kind_for_status(403) == ErrorKind::forbidden);
  CHECK(avala::kind_for_status(404) == ErrorKind::not_found);
  CHECK(avala::kind_for_status(429) == ErrorKind::rate_limited);
  CHECK(avala::kind_for_status(500) == ErrorKind::server);
  CHECK(avala::kind_for_status(503) == ErrorKind::server);
  CHECK(avala::kind_for_status(409) == ErrorKind::api);
  CHECK(avala::kind_for_status(302) == ErrorKind::redirect);
}

TEST_CASE("the message comes from detail, then error.message, then field errors, then the status") {
  CHECK(avala::message_from_body(404, R"({"detail":"Not found."})") == "Not found.");
  CHECK(avala::message_from_body(400, R"({"error":{"code":"bad","message":"Bad thing","details":{}}})") ==
        "Bad thing");
  CHECK(avala::message_from_body(400, R"({"name":["This field is required."],"threshold":["Too big.","Not a number."]})") ==
        "name: This field is required.; threshold: Too big., Not a number.");
  CHECK(avala::message_from_body(502, "<html>Bad gateway</html>") == "HTTP 502");
  CHECK(avala::message_from_body(500, "") == "HTTP 500");
  CHECK(avala::message_from_body(500, "{}") == "HTTP 500");
}

TEST_CASE("a structured detail is shown as JSON rather than dropped") {
  auto m = avala::message_from_body(400, R"({"detail":{"code":"quota","limit":5}})");
  CHECK(m.find("quota") != std::string::npos);
}

TEST_CASE("Retry-After is read as seconds or as an HTTP date") {
  CHECK(avala::parse_retry_after("7", 0) == doctest::Approx(7.0));
  CHECK(avala::parse_retry_after(" 1.5 ", 0) == doctest::Approx(1.5));
  CHECK_FALSE(avala::parse_retry_after("", 0).has_value());
  CHECK_FALSE(avala::parse_retry_after("soon", 0).has_value());
  CHECK_FALSE(avala::parse_retry_after("-3", 0).has_value());
  // Wed, 21 Oct 2015 07:28:00 GMT == 1445412480
  CHECK(*avala::parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", 1445412470.0) == doctest::Approx(10.0));
}

TEST_CASE("error_from_response redacts the key echoed by the server in message and body") {
  auto e = avala::error_from_response(401, R"({"detail":"Invalid API key: secret-key-42","api_key":"secret-key-42"})",
                                      "", "", "secret-key-42");
  CHECK(e.kind() == ErrorKind::authentication);
  CHECK(e.http_status() == 401);
  CHECK(std::string(e.what()).find("secret-key-42") == std::string::npos);
  CHECK(e.body().find("secret-key-42") == std::string::npos);
  CHECK(std::string(e.what()).find("Invalid API key") != std::string::npos);
}

TEST_CASE("429 carries retry_after; other statuses do not invent one") {
  auto e = avala::error_from_response(429, R"({"detail":"Slow down"})", "12", "", "k");
  CHECK(e.kind() == ErrorKind::rate_limited);
  REQUIRE(e.retry_after().has_value());
  CHECK(*e.retry_after() == doctest::Approx(12.0));
  auto e2 = avala::error_from_response(429, "", "", "", "k");
  CHECK_FALSE(e2.retry_after().has_value());
  auto e3 = avala::error_from_response(400, "{}", "12", "", "k");
  CHECK_FALSE(e3.retry_after().has_value());
}

TEST_CASE("a redirect is refused with a message naming the status") {
  auto e = avala::error_from_response(302, "", "", "https://evil.example/steal?api_key=abc", "k");
  CHECK(e.kind() == ErrorKind::redirect);
  std::string m = e.what();
  CHECK(m.find("302") != std::string::npos);
  CHECK(m.find("abc") == std::string::npos);
}
