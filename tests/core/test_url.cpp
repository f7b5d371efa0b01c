#include <doctest/doctest.h>

#include "kind_of.hpp"

#include "avala/error.hpp"
#include "avala/route.hpp"
#include "avala/url.hpp"

using avala::Error;
using avala::ErrorKind;


TEST_CASE("https base URLs are accepted and normalised") {
  auto b = avala::parse_base_url("https://api.avala.ai/api/v1/", false);
  CHECK(b.url == "https://api.avala.ai/api/v1");
  CHECK(b.tls);
  CHECK(b.host == "api.avala.ai");
  CHECK(b.port == "443");
  CHECK(b.path == "/api/v1");
  CHECK(b.host_header == "api.avala.ai");
  auto p = avala::parse_base_url("https://EXAMPLE.com:8443", false);
  CHECK(p.port == "8443");
  CHECK(p.host == "example.com");
  CHECK(p.path.empty());
}

TEST_CASE("http is refused unless the insecure flag is set and the host is loopback") {
  CHECK(kind_of([] { avala::parse_base_url("http://127.0.0.1:8000/api/v1", false); }) == ErrorKind::config);
  CHECK(kind_of([] { avala::parse_base_url("http://example.com/api/v1", true); }) == ErrorKind::config);
  CHECK(kind_of([] { avala::parse_base_url("http://10.0.0.1/api/v1", true); }) == ErrorKind::config);
  CHECK(avala::parse_base_url("http://127.0.0.1:8000/api/v1", true).port == "8000");
  CHECK(avala::parse_base_url("http://localhost/api/v1", true).port == "80");
  auto v6 = avala::parse_base_url("http://[::1]:9000/api/v1", true);
  CHECK(v6.host == "::1");
  CHECK(v6.host_header == "[::1]:9000");
}

TEST_CASE("malformed or dangerous base URLs are configuration errors") {
  for (const char* u : {"ftp://api.avala.ai", "api.avala.ai/api/v1", "", "https://user:pw@api.avala.ai",
                        "https://api.avala.ai/api/v1?x=1", "https://api.avala.ai/\r\nX: y", "https://"}) {
    CAPTURE(u);
    CHECK(kind_of([&] { avala::parse_base_url(u, true); }) == ErrorKind::config);
  }
}

TEST_CASE("truthy values follow the contract") {
  for (const char* t : {"1", "true", "TRUE", "Yes", "on"}) CHECK(avala::is_truthy(t));
  for (const char* f : {"", "0", "false", "no", "off", "2"}) CHECK_FALSE(avala::is_truthy(f));
}

TEST_CASE("unsafe path segments are refused before anything is sent") {
  for (const char* s : {"", ".", "..", "../admin", "a/b", "a\\b", "%2e%2e", "%2E", "x%2fy", "x%5Cy", "a\r\nb",
                        "tab\there", "nul%00"}) {
    CAPTURE(s);
    CHECK(kind_of([&] { avala::check_path_segment(s, "project uid"); }) == ErrorKind::invalid_argument);
  }
  CHECK_NOTHROW(avala::check_path_segment("0b7c3d2e-1f00-4a6b-9c1d-2e3f4a5b6c7d", "uid"));
  CHECK_NOTHROW(avala::check_path_segment("name with space", "uid"));
}

TEST_CASE("the error for an unsafe id names what it was") {
  try {
    avala::check_path_segment("../admin", "project uid");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(std::string(e.what()).find("project uid") != std::string::npos);
  }
}

TEST_CASE("route expansion encodes ids and appends the query") {
  auto base = avala::parse_base_url("https://api.avala.ai/api/v1", false);
  avala::Route get{"GET", "/users/me/projects/{}/", {"project uid"}};
  CHECK(avala::expand(base, get, {"abc"}) == "/api/v1/users/me/projects/abc/");
  CHECK(avala::expand(base, get, {"a b?c#d"}) == "/api/v1/users/me/projects/a%20b%3Fc%23d/");
  avala::Route list{"GET", "/users/me/projects/", {"project uid"}};
  CHECK(avala::expand(base, list, {}, {{"limit", "5"}, {"cursor", "a=b&c"}}) ==
        "/api/v1/users/me/projects/?limit=5&cursor=a=b%26c");
  CHECK(kind_of([&] { avala::expand(base, get, {"../admin"}); }) == ErrorKind::invalid_argument);
}

TEST_CASE("pagination links are followed only on the same origin") {
  auto base = avala::parse_base_url("https://api.avala.ai/api/v1", false);
  CHECK(avala::same_origin_target(base, "https://api.avala.ai/api/v1/tasks/?cursor=abc&project=p1") ==
        "/api/v1/tasks/?cursor=abc&project=p1");
  CHECK(avala::same_origin_target(base, "https://API.avala.ai:443/api/v1/x/?cursor=1") == "/api/v1/x/?cursor=1");
  CHECK(avala::same_origin_target(base, "/api/v1/x/?cursor=2") == "/api/v1/x/?cursor=2");
  for (const char* bad : {"https://evil.example/api/v1/?cursor=1", "http://api.avala.ai/api/v1/?cursor=1",
                          "https://api.avala.ai:8443/api/v1/?cursor=1", "https://api.avala.ai.evil.example/"}) {
    CAPTURE(bad);
    CHECK(kind_of([&] { avala::same_origin_target(base, bad); }) == ErrorKind::cross_origin);
  }
}

TEST_CASE("cursors are read from the link's query, falling back to page") {
  CHECK(avala::cursor_from_link("https://x/api/v1/p/?cursor=abc%3D&limit=5") == "abc=");
  CHECK(avala::cursor_from_link("https://x/api/v1/p/?page=3") == "3");
  CHECK_FALSE(avala::cursor_from_link("https://x/api/v1/p/?limit=5").has_value());
  CHECK_FALSE(avala::cursor_from_link("::not a url::").has_value());
}

TEST_CASE("generic request paths must stay relative and inside the API") {
  CHECK_NOTHROW(avala::check_relative_target("/users/me/projects/?limit=5"));
  for (const char* bad : {"users/me", "//evil.example/x", "/a/../admin", "/a/./b", "/a%2e%2e/x", "/x\r\n",
                          "https://evil.example/", "/a\\b"}) {
    CAPTURE(bad);
    CHECK(kind_of([&] { avala::check_relative_target(bad); }) == ErrorKind::invalid_argument);
  }
}

TEST_CASE("a link whose port runs into its path is refused, not sent as a bogus target") {
  auto base = avala::parse_base_url("http://127.0.0.1:8080/api/v1", true);
  CHECK(kind_of([&] { avala::same_origin_target(base, "http://127.0.0.1:8080mit=10"); }) == ErrorKind::decode);
  CHECK(avala::same_origin_target(base, "http://127.0.0.1:8080?cursor=a") == "/?cursor=a");
}

TEST_CASE("a link with an empty query has no cursor (and is read safely)") {
  CHECK_FALSE(avala::cursor_from_link("http://127.0.0.1:8080/api/v1/tasks/?#cursor=a"));
  CHECK_FALSE(avala::cursor_from_link("http://127.0.0.1:8080/api/v1/tasks/?"));
  CHECK(avala::cursor_from_link("/api/v1/tasks/?cursor=a%3Db") == "a=b");
}
