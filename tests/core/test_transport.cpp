// The transport against servers played by hand: interim answers, a pooled
// connection closed while idle, a server that never reads or never answers,
// cancellation (from another thread, during backoff, by an interrupt hook),
// the rate limiter's bounds, clamped timeouts and a next link that repeats.
// Events tell the test what the server saw; the only clock bounds are far
// below the timeouts they guard (a call that hung would take those).
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <chrono>
#include <vector>
#include <ctime>
#include <string>
#include <thread>

#include "avala/client.hpp"
#include "avala/error.hpp"
#include "avala/resources/catalog.hpp"
#include "avala/resources/projects.hpp"
#include "scripted_server.hpp"

using avala::ErrorKind;
using avala_test::Conn;
using avala_test::json_answer;
using avala_test::ScriptedServer;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

std::string project(const std::string& uid) {
  std::string s = R"({"uid":")";
  s += uid;
  s += R"(","name":"n-)";
  s += uid;
  s += R"("})";
  return s;
}

avala::Client client_for(const ScriptedServer& s, std::chrono::milliseconds timeout = 10s, int retries = 2,
                         bool rate_limit = false) {
  avala::ClientOptions o;
  o.api_key = "transport-test-key";
  o.base_url = s.url();
  o.timeout = timeout;
  o.max_retries = retries;
  o.rate_limit = rate_limit;
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "AVALA_ALLOW_INSECURE_BASE_URL") return "1";
    return std::nullopt;
  };
  return avala::Client(o, env);
}

ErrorKind kind_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const avala::Error& e) {
    return e.kind();
  }
  FAIL("no error");
  return ErrorKind::internal;
}

}  // namespace

TEST_CASE("interim 1xx answers are skipped, and the next call on the connection gets its own answer") {
  ScriptedServer server([](Conn& c, int) {
    for (int i = 0; !c.read_request().empty(); ++i) {
      std::string uid = std::string("p") + std::to_string(i);
      // 103 and 100 before the answer, the whole lot in one write.
      c.write(std::string("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                          "HTTP/1.1 100 Continue\r\n\r\n") +
              json_answer(project(uid)));
    }
  });
  auto client = client_for(server);
  CHECK(avala::projects::get(client, "a").uid() == "p0");
  CHECK(avala::projects::get(client, "b").uid() == "p1");
  CHECK(avala::projects::get(client, "c").uid() == "p2");
  CHECK(server.connections() == 1);
}

TEST_CASE("a 101 answer is an error that closes the connection; the next call is unaffected") {
  ScriptedServer server([](Conn& c, int index) {
    if (c.read_request().empty()) return;
    if (index == 0) {
      c.write(std::string("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n") +
              json_answer(project("stale")));
      c.wait_closed(5000);
      return;
    }
    c.write(json_answer(project("fresh")));
    c.read_request();
  });
  auto client = client_for(server, 10s, 0);
  CHECK(kind_of([&] { avala::projects::get(client, "a"); }) == ErrorKind::decode);
  CHECK(avala::projects::get(client, "b").uid() == "fresh");
  CHECK(server.connections() == 2);
}

TEST_CASE("a POST after the server closed the pooled connection goes out once, on a fresh connection") {
  std::atomic<int> posts{0};
  ScriptedServer server([&](Conn& c, int index) {
    std::string req = c.read_request();
    if (req.rfind("POST", 0) == 0) ++posts;
    if (index == 0) {
      c.write(json_answer(project("first")));  // keep-alive, then closes while idle
      return;
    }
    c.write(json_answer(R"({"uid":"e1","status":"pending"})"));
    c.read_request();
  });
  auto client = client_for(server, 10s, 0);  // no retries: only the transport's own resend may help
  CHECK(avala::projects::get(client, "a").uid() == "first");
  // The server has closed its end (the first script returned); let the FIN land.
  for (int i = 0; i < 200 && server.connections() < 1; ++i) std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(50ms);
  auto resp = client.send("POST", "/api/v1/exports/", std::string(R"({"project":"p"})"));
  CHECK(resp.status == 200);
  CHECK(resp.body.find("e1") != std::string::npos);
  CHECK(posts.load() == 1);
  CHECK(server.connections() == 2);
}

TEST_CASE("a request body to a server that never reads ends at the deadline") {
  std::atomic<bool> over{false};
  ScriptedServer server([&](Conn&, int) {
    // Reads nothing, so the client's send buffer fills.
    for (int i = 0; i < 2000 && !over; ++i) std::this_thread::sleep_for(10ms);
  });
  auto client = client_for(server, 800ms, 0);
  std::string big(32 << 20, 'x');
  auto t0 = Clock::now();
  CHECK(kind_of([&] { client.send("POST", "/api/v1/exports/", "{\"x\":\"" + big + "\"}"); }) == ErrorKind::timeout);
  CHECK(Clock::now() - t0 < 800ms + 1s);
  over = true;
}

TEST_CASE("cancellation from another thread stops a call to a silent server at once") {
  ScriptedServer server([&](Conn& c, int) {
    if (c.read_request().empty()) return;
    server.raise();        // the request has arrived
    c.wait_closed(20000);  // never answers
  });
  auto ctx = std::make_shared<avala::CallContext>();
  ctx->cancel = std::make_shared<avala::CancelToken>();
  auto client = client_for(server, 30s).with_context(ctx);
  Clock::time_point fired;
  std::thread canceller([&] {
    REQUIRE(server.await(1));
    fired = Clock::now();
    ctx->cancel->fire();
  });
  CHECK(kind_of([&] { avala::projects::get(client, "a"); }) == ErrorKind::cancelled);
  auto stopped = Clock::now();
  canceller.join();
  CHECK(stopped - fired < 200ms);
  // The connection was closed, not pooled: the server sees it go.
  CHECK(server.connections() == 1);
}

TEST_CASE("a fired token stops a call sleeping between retries, and a reset token lets calls run again") {
  ScriptedServer server([&](Conn& c, int) {
    while (!c.read_request().empty()) {
      server.raise();
      c.write("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nContent-Length: 2\r\n\r\n{}");
    }
  });
  auto ctx = std::make_shared<avala::CallContext>();
  ctx->cancel = std::make_shared<avala::CancelToken>();
  auto client = client_for(server, 30s, 2).with_context(ctx);
  std::thread canceller([&] {
    REQUIRE(server.await(1));  // the first answer came: the client now sleeps 30 s
    std::this_thread::sleep_for(20ms);
    ctx->cancel->fire();
  });
  auto t0 = Clock::now();
  CHECK(kind_of([&] { avala::projects::get(client, "a"); }) == ErrorKind::cancelled);
  CHECK(Clock::now() - t0 < 5s);
  canceller.join();
  // Fired stays fired.
  CHECK(kind_of([&] { avala::projects::get(client, "a"); }) == ErrorKind::cancelled);
  ctx->cancel->reset();
  auto once = client_for(server, 10s, 0).with_context(ctx);
  CHECK(kind_of([&] { avala::projects::get(once, "a"); }) == ErrorKind::server);
}

TEST_CASE("an interrupt hook that says stop ends the wait on the calling thread") {
  ScriptedServer server([&](Conn& c, int) {
    if (c.read_request().empty()) return;
    c.wait_closed(20000);
  });
  auto ctx = std::make_shared<avala::CallContext>();
  int asked = 0;
  std::thread::id caller = std::this_thread::get_id();
  bool same_thread = true;
  ctx->interrupt = [&] {
    same_thread = same_thread && std::this_thread::get_id() == caller;
    return ++asked < 3;
  };
  ctx->interrupt_every = 10ms;
  auto client = client_for(server, 30s).with_context(ctx);
  CHECK(kind_of([&] { avala::projects::get(client, "a"); }) == ErrorKind::cancelled);
  CHECK(asked == 3);
  CHECK(same_thread);
}

TEST_CASE("the rate limiter fails at once when the window ends after the deadline, and ignores an implausible reset") {
  std::atomic<long long> reset_ahead{1800};
  ScriptedServer server([&](Conn& c, int) {
    while (!c.read_request().empty()) {
      long long reset = static_cast<long long>(std::time(nullptr)) + reset_ahead.load();
      std::string headers = "X-RateLimit-Limit: 100\r\nX-RateLimit-Remaining: 0\r\nX-RateLimit-Reset: ";
      headers += std::to_string(reset);
      headers += "\r\n";
      c.write(json_answer(project("p"), headers));
    }
  });
  {
    auto client = client_for(server, 2s, 0, true);
    avala::projects::get(client, "a");  // spends the window: reset 30 min ahead
    auto t0 = Clock::now();
    CHECK(kind_of([&] { avala::projects::get(client, "b"); }) == ErrorKind::rate_limited);
    CHECK(Clock::now() - t0 < 1s);
  }
  reset_ahead = 2 * 3600;  // beyond an hour: not a per-minute window
  auto client = client_for(server, 2s, 0, true);
  avala::projects::get(client, "a");
  CHECK(avala::projects::get(client, "b").uid() == "p");
}

TEST_CASE("a timeout too large to represent is clamped, not an instant timeout") {
  ScriptedServer server([](Conn& c, int) {
    while (!c.read_request().empty()) c.write(json_answer(project("p")));
  });
  auto client = client_for(server, std::chrono::milliseconds(std::chrono::hours(24 * 365 * 400)));
  CHECK(avala::projects::get(client, "a").uid() == "p");
}

TEST_CASE("a next link that repeats an earlier page is a decode error, not an endless walk") {
  std::string base;
  ScriptedServer server([&](Conn& c, int) {
    while (!c.read_request().empty()) {
      // Every page links to the same next page.
      std::string page = R"({"results":[)";
      page += project("p");
      page += R"(],"next":")";
      page += base;
      page += R"(/users/me/projects/?cursor=loop","previous":null})";
      c.write(json_answer(page));
    }
  });
  base = server.url().substr(0, server.url().find("/api/v1")) + "/api/v1";
  auto client = client_for(server);
  auto it = avala::projects::iterate(client, {});
  int items = 0;
  ErrorKind k = kind_of([&] {
    while (it.next()) ++items;
  });
  CHECK(k == ErrorKind::decode);
  CHECK(items == 2);  // the first page and the one it links to, then the repeat
}

namespace {

// [::1]:port where no connect ever completes: a listen backlog of one, filled
// by a connection nobody accepts, so further SYNs are dropped (a black hole
// on loopback, as a broken IPv6 route looks to a client).
struct Ipv6BlackHole {
  explicit Ipv6BlackHole(int port) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    a.sin6_port = htons(static_cast<std::uint16_t>(port));
    listener = ::socket(AF_INET6, SOCK_STREAM, 0);
    ok = listener >= 0 && ::bind(listener, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 && ::listen(listener, 0) == 0;
    filler = ::socket(AF_INET6, SOCK_STREAM, 0);
    ok = ok && ::connect(filler, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  ~Ipv6BlackHole() {
    ::close(filler);
    ::close(listener);
  }
  int listener = -1, filler = -1;
  bool ok = false;
};

int port_of(const std::string& url) {
  auto colon = url.rfind(':');
  return std::atoi(url.c_str() + colon + 1);
}

}  // namespace

TEST_CASE("happy eyeballs: an address family that never connects does not hold up the other") {
  ScriptedServer server([](Conn& c, int) {
    while (!c.read_request().empty()) c.write(json_answer(project("p1")));
  });
  const int port = port_of(server.url());
  Ipv6BlackHole hole(port);
  REQUIRE(hole.ok);
  auto make = [&](std::vector<std::string> addresses, std::chrono::milliseconds timeout) {
    avala::ClientOptions o;
    o.api_key = "transport-test-key";
    o.base_url = "http://localhost:" + std::to_string(port) + "/api/v1";
    o.timeout = timeout;
    o.max_retries = 0;
    o.resolve = std::move(addresses);
    auto env = [](std::string_view name) -> std::optional<std::string> {
      if (name == "AVALA_ALLOW_INSECURE_BASE_URL") return "1";
      return std::nullopt;
    };
    return avala::Client(o, env);
  };
  // The black hole alone: the connect never completes (so the race below is a real one).
  CHECK(kind_of([&] { avala::projects::get(make({"::1"}, 700ms), "p1"); }) == ErrorKind::timeout);
  // IPv6 first, as a resolver would order it: the IPv4 attempt starts 250 ms
  // later and wins, well inside the deadline.
  avala::Client c = make({"::1", "127.0.0.1"}, 10s);
  CHECK(avala::projects::get(c, "p1").uid() == "p1");
  CHECK(server.connections() == 1);
  CHECK(c.connections_opened() == 1);
  // An address that refuses at once: the next one is tried at once.
  CHECK(avala::projects::get(make({"127.0.0.2", "127.0.0.1"}, 10s), "p1").uid() == "p1");
}
