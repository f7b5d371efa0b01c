// The fault matrix: one row per network/server fault the emulator injects
// (POST /__emulator/faults), each ending in a correct result after retries or
// in a clear error of the expected kind — within a bounded time (no hang),
// with the attempts counted, and never with the API key in the message. Run
// under ASan+UBSan in CI, which also makes it a leak check.
#include <doctest/doctest.h>

#include <chrono>
#include <set>
#include <string>

#include "avala/error.hpp"
#include "avala/resources/catalog.hpp"
#include "avala/resources/projects.hpp"
#include "emulator_process.hpp"

using avala::ErrorKind;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

constexpr const char* kKey = "fault-matrix-key-5e1b7d9c";
constexpr const char* kProjects = "/api/v1/users/me/projects/";
constexpr const char* kAgents = "/api/v1/agents/";

struct Row {
  const char* name;
  const char* method;  // what the SDK calls: GET = projects list, POST = agent create
  std::string rule;    // the fault rule's JSON, without method/path
  int max_retries;
  std::chrono::milliseconds timeout;
  std::set<ErrorKind> expect;  // empty: success
  int attempts;                // expected attempts (success or error); 0: don't check
  std::chrono::milliseconds max_elapsed;
};

struct Outcome {
  bool ok = false;
  ErrorKind kind = ErrorKind::internal;
  std::string message;
  int attempts = 0;
  std::chrono::milliseconds elapsed{};
};

class Matrix {
 public:
  Matrix() : emu_({"--api-key", kKey, "--generate", "projects=50"}) {}

  void install(const Row& row) {
    std::string path = row.method[0] == 'G' ? kProjects : kAgents;
    std::string rule = R"({"method":")" + std::string(row.method) + R"(","path":")" + path + R"(",)" + row.rule + "}";
    control().send("DELETE", "/__emulator/faults");
    control().send("POST", "/__emulator/faults", rule);
  }

  Outcome run(const Row& row) {
    avala::ClientOptions o;
    o.api_key = kKey;
    o.base_url = emu_.url();
    o.max_retries = row.max_retries;
    o.timeout = row.timeout;
    avala::Client c(o, env());
    Outcome out;
    auto start = Clock::now();
    try {
      if (row.method[0] == 'G') {
        auto page = avala::projects::list(c, {10, {}, {}});
        out.ok = page.items.size() == 10;
        out.message = out.ok ? "" : "wrong page";
      } else {
        auto body = avala::checked_body(avala::api::kAgentCreate, R"({"name":"fault-bot"})", false);
        auto agent = avala::call_object(c, avala::api::kAgentCreate, {}, body);
        out.ok = agent.string("name") == "fault-bot";
      }
    } catch (const avala::Error& e) {
      out.kind = e.kind();
      out.message = e.what();
      out.attempts = e.attempts();
    }
    out.elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    return out;
  }

 private:
  static avala::EnvLookup env() {
    return [](std::string_view k) -> std::optional<std::string> {
      if (k == "AVALA_ALLOW_INSECURE_BASE_URL") return "1";
      return std::nullopt;
    };
  }
  avala::Client& control() {
    if (!control_) {
      avala::ClientOptions o;
      o.api_key = kKey;
      o.base_url = emu_.url();
      o.max_retries = 0;
      control_.emplace(o, env());
    }
    return *control_;
  }

  avala_test::EmulatorProcess emu_;
  std::optional<avala::Client> control_;
};

std::vector<Row> rows() {
  const auto T = 1500ms;  // per-attempt deadline for the rows that must hit it
  return {
      {"reset before headers, once: retried", "GET", R"("fault":"reset_before_headers","count":1)", 2, 5s, {}, 0, 4s},
      {"reset before headers, always: network after 3 attempts", "GET", R"("fault":"reset_before_headers","count":0)",
       2, 5s, {ErrorKind::network}, 3, 8s},
      {"reset after headers, always", "GET", R"("fault":"reset_after_headers","count":0)", 1, 5s,
       {ErrorKind::network}, 2, 6s},
      {"truncated body, once: retried", "GET", R"("fault":"truncated_body","count":1)", 2, 5s, {}, 0, 4s},
      {"truncated body, always", "GET", R"("fault":"truncated_body","count":0)", 0, 5s, {ErrorKind::network}, 1, 3s},
      {"Content-Length larger than the body", "GET", R"("fault":"wrong_content_length","count":0)", 0, T,
       {ErrorKind::timeout, ErrorKind::network}, 1, 4s},
      {"Content-Length shorter than the JSON", "GET", R"("fault":"short_content_length","count":0)", 0, 5s,
       {ErrorKind::decode}, 1, 3s},
      {"broken chunked encoding", "GET", R"("fault":"bad_chunked","count":0)", 0, 5s,
       {ErrorKind::decode, ErrorKind::network}, 1, 3s},
      {"malformed JSON", "GET", R"("fault":"malformed_json","count":0)", 2, 5s, {ErrorKind::decode}, 1, 3s},
      {"invalid UTF-8", "GET", R"("fault":"invalid_utf8","count":0)", 0, 5s, {ErrorKind::decode}, 1, 3s},
      // Compression: the client asks for gzip and decodes; a 10 GiB bomb stops
      // at the 64 MiB decoded limit (a decode error, not retried); a coding it
      // cannot decode is a decode error naming it.
      {"a gzip bomb (10 GiB decoded)", "GET", R"("fault":"compression_bomb","bytes":10737418240,"count":0)", 2, 30s,
       {ErrorKind::decode}, 1, 25s},
      {"a deflate bomb (1 GiB decoded)", "GET",
       R"("fault":"compression_bomb","bytes":1073741824,"encoding":"deflate","count":0)", 2, 30s, {ErrorKind::decode},
       1, 25s},
      {"Content-Encoding: br (not decodable)", "GET", R"("fault":"bogus_encoding","count":0)", 2, 5s,
       {ErrorKind::decode}, 1, 3s},
      {"body over the 64 MiB limit", "GET", R"("fault":"oversize_body","bytes":70000000,"count":0)", 0, 20s,
       {ErrorKind::decode}, 1, 20s},
      {"short delay within the deadline", "GET", R"("fault":"delay","ms":200,"count":1)", 0, 5s, {}, 0, 3s},
      {"delay past the deadline", "GET", R"("fault":"delay","ms":3000,"count":0)", 0, 500ms, {ErrorKind::timeout}, 1,
       2s},
      {"503 twice, then fine", "GET", R"("fault":"status","status":503,"count":2)", 2, 5s, {}, 0, 6s},
      {"503 with Retry-After: 1, then fine", "GET", R"("fault":"status","status":503,"retry_after":"1","count":1)", 2,
       5s, {}, 0, 4s},
      {"429 always: rate_limited after retries", "GET", R"("fault":"status","status":429,"retry_after":"0","count":0)",
       1, 5s, {ErrorKind::rate_limited}, 2, 4s},
      {"501 is not retried", "GET", R"("fault":"status","status":501,"count":0)", 2, 5s, {ErrorKind::server}, 1, 2s},
      {"500 on POST is not retried", "POST", R"("fault":"status","status":500,"count":0)", 2, 5s, {ErrorKind::server},
       1, 2s},
      {"reset on POST after it was sent is not retried", "POST", R"("fault":"reset_before_headers","count":0)", 2, 5s,
       {ErrorKind::network}, 1, 3s},
      {"redirect to another host is refused", "GET",
       R"("fault":"redirect","location":"http://127.0.0.2:9/steal","count":0)", 2, 5s, {ErrorKind::redirect}, 1, 2s},
      {"accepts and never answers", "GET", R"("fault":"silent","count":0)", 0, T, {ErrorKind::timeout}, 1, 4s},
      {"trickles a byte a second", "GET", R"("fault":"trickle","interval_ms":1000,"count":0)", 0, T,
       {ErrorKind::timeout}, 1, 4s},
      {"stalls mid-body", "GET", R"("fault":"stall_mid_body","count":0)", 0, T, {ErrorKind::timeout}, 1, 4s},
  };
}

}  // namespace

TEST_CASE("fault matrix: every fault ends in a result or a clear error, bounded, without the key") {
  Matrix m;
  for (const Row& row : rows()) {
    std::string row_name = row.name;
    CAPTURE(row_name);
    m.install(row);
    Outcome out = m.run(row);
    CAPTURE(out.message);
    if (row.expect.empty()) {
      CHECK(out.ok);
    } else {
      CHECK_FALSE(out.ok);
      CHECK(row.expect.count(out.kind) == 1);
      CHECK(!out.message.empty());
      if (row.attempts > 0) CHECK(out.attempts == row.attempts);
    }
    CHECK(out.message.find(kKey) == std::string::npos);
    CHECK(out.elapsed <= row.max_elapsed);
    MESSAGE(row.name << ": " << (out.ok ? "ok" : std::string(avala::to_string(out.kind))) << " after "
                     << out.elapsed.count() << " ms" << (out.attempts ? ", attempts " + std::to_string(out.attempts) : ""));
  }
}
