#include <doctest/doctest.h>

#include <string>

#include "avala/redact.hpp"

using avala::redact_body;
using avala::redact_text;

static bool contains(const std::string& s, std::string_view needle) { return s.find(needle) != std::string::npos; }

TEST_CASE("redaction removes every secret shape the contract lists") {
  struct Case {
    const char* secret;
  } cases[] = {
      {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"},
      {"AKIAIOSFODNN7EXAMPLE"},
      {"ASIAY34FZKBOKMUTVV7A"},
      {"FwoGZXIvYXdzEJr//////////wEaDOPXZpZ6TWVNYWxsZXIiK2abcd"},
      {"sk_live_4eC39HqLyjWDarjtT1zdp7dc"},
      {"pk_test_TYooMQauvdEDq54NiTphI7jx"},
      {"secret_0123456789abcdef"},
      {"token_abcdefghijklmnop"},
      {"sk-proj-abcdefghijklmnopqrstuvwx"},
      {"0123456789abcdef0123456789abcdef01234567"},
      {"arn:aws:iam::123456789012:role/avala-export"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.secret);
    std::string out = redact_text(std::string("failed for ") + c.secret + " today");
    CHECK_FALSE(contains(out, c.secret));
    CHECK(contains(out, "[redacted]"));
    CHECK(contains(out, "failed for "));
  }
}

TEST_CASE("bearer tokens and api-key headers keep their label but lose the value") {
  auto out = redact_text("Authorization: Bearer abc.def-123 and X-Avala-Api-Key: k3y-value-here");
  CHECK(contains(out, "Bearer [redacted]"));
  CHECK(contains(out, "X-Avala-Api-Key: [redacted]"));
  CHECK_FALSE(contains(out, "abc.def-123"));
  CHECK_FALSE(contains(out, "k3y-value-here"));
}

TEST_CASE("PEM private keys are removed, even when cut off mid-block") {
  std::string full = "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAAA\n-----END RSA PRIVATE KEY----- end";
  auto out = redact_text(full);
  CHECK_FALSE(contains(out, "MIIEow"));
  CHECK(contains(out, " end"));
  auto cut = redact_text("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
  CHECK_FALSE(contains(cut, "MIIEvQ"));
}

TEST_CASE("the configured key is removed whatever its shape") {
  auto out = redact_text("Invalid API key: my-plain-key-1 was rejected", "my-plain-key-1");
  CHECK_FALSE(contains(out, "my-plain-key-1"));
  CHECK(contains(out, "was rejected"));
}

TEST_CASE("key=value pairs with secret-like names are redacted in free text") {
  auto out = redact_text("url?api_key=hunter2&x=1 password=swordfish \"client_secret\": \"abc123\"");
  CHECK_FALSE(contains(out, "hunter2"));
  CHECK_FALSE(contains(out, "swordfish"));
  CHECK_FALSE(contains(out, "abc123"));
  CHECK(contains(out, "x=1"));
}

TEST_CASE("field error messages that merely name a secret field stay readable") {
  CHECK(redact_text("password: This field may not be blank.") == "password: This field may not be blank.");
}

TEST_CASE("JSON bodies: values under secret-like keys become [redacted], structure is kept") {
  std::string body =
      R"({"detail":"bad","api_key":"abc","nested":{"Authorization":"Basic xyz","x-api-key":"q","list":[{"password":"p1"}]},"AWS_SECRET_ACCESS_KEY":"wJalr","ok":"fine","token_count":null})";
  auto out = redact_body(body);
  for (auto leaked : {"\"abc\"", "xyz", "\"q\"", "p1", "wJalr"}) {
    CAPTURE(leaked);
    CHECK_FALSE(contains(out, leaked));
  }
  CHECK(contains(out, R"("ok":"fine")"));
  CHECK(contains(out, R"("detail":"bad")"));
  CHECK(contains(out, R"("token_count":null)"));
}

TEST_CASE("JSON bodies: secrets inside ordinary strings are scrubbed too") {
  auto out = redact_body(R"({"detail":"key AKIAIOSFODNN7EXAMPLE echoed and my-key-123"})", "my-key-123");
  CHECK_FALSE(contains(out, "AKIAIOSFODNN7EXAMPLE"));
  CHECK_FALSE(contains(out, "my-key-123"));
}

TEST_CASE("non-JSON bodies are redacted as text") {
  auto out = redact_body("<html>Bearer abcdef</html>");
  CHECK(out == "<html>Bearer [redacted]</html>");
}

TEST_CASE("a large hostile body is handled without crashing") {
  std::string big(2'000'000, 'a');
  big += " api_key=zzz ";
  std::string many;
  for (int i = 0; i < 100000; ++i) many += "eyJ.";
  auto out = redact_text(big);
  CHECK_FALSE(contains(out, "zzz"));
  CHECK_NOTHROW(redact_text(many));
  CHECK_NOTHROW(redact_body(std::string(100000, '[')));
}

TEST_CASE("secret key names are recognised after normalisation") {
  CHECK(avala::is_secret_key("api_key"));
  CHECK(avala::is_secret_key("X-Api-Key"));
  CHECK(avala::is_secret_key("Private-Key"));
  CHECK(avala::is_secret_key("aws_secret_access_key"));
  CHECK(avala::is_secret_key("refresh_token"));
  CHECK_FALSE(avala::is_secret_key("name"));
  CHECK_FALSE(avala::is_secret_key("status"));
}

TEST_CASE("a secret used as a JSON object key is scrubbed too") {
  std::string key = "k3y-Fuzz-5ecret-Value";
  std::string body = avala::redact_body(R"({"nested":{")" + key + R"(pass":["x"]}})", key);
  CHECK(body.find(key) == std::string::npos);
  CHECK(body.find("[redacted]pass") != std::string::npos);
}
