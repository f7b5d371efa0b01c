// The paginator's read-ahead: the next page's request goes out as soon as a
// page arrives. Its failures surface only when the caller reaches that page,
// a wrong guess is dropped, and dropping an iterator leaves the client usable.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <stdexcept>
#include <thread>

#include "avala/error.hpp"
#include "avala/resources/projects.hpp"
#include "emulator_process.hpp"
#include "kind_of.hpp"
#include "loopback_listener.hpp"

using avala::ErrorKind;
using namespace std::chrono_literals;

namespace {

constexpr const char* kKey = "read-ahead-key-0d9f";
constexpr const char* kListRoute = "GET /api/v1/users/me/projects/";

avala::EnvLookup env() {
  return [](std::string_view k) -> std::optional<std::string> {
    if (k == "AVALA_ALLOW_INSECURE_BASE_URL") return "1";
    return std::nullopt;
  };
}

avala::Client client_for(const std::string& url, int max_retries,
                         const std::function<void(avala::ClientOptions&)>& tweak = {}) {
  avala::ClientOptions o;
  o.api_key = kKey;
  o.base_url = url;
  o.max_retries = max_retries;
  if (tweak) tweak(o);
  return avala::Client(o, env());
}

// The items left in a walk, read to its end.
int count_rest(avala::Paginator<avala::Project>& pager) {
  int n = 0;
  while (pager.next()) ++n;
  return n;
}

// How many list requests the emulator has served; waits (up to 5 s) until
// at least `expected`, since a request read ahead may be counted a moment
// after next() returned.
std::int64_t list_requests(const avala::Client& control, std::int64_t expected) {
  auto deadline = std::chrono::steady_clock::now() + 5s;
  for (;;) {
    auto stats = boost::json::parse(control.send("GET", "/__emulator/stats").body);
    const auto* n = stats.at("paths").as_object().if_contains(kListRoute);
    std::int64_t seen = n ? n->as_int64() : 0;
    if (seen >= expected || std::chrono::steady_clock::now() > deadline) return seen;
    std::this_thread::sleep_for(10ms);
  }
}

void install_fault(const avala::Client& control, const std::string& rule) {
  control.send("DELETE", "/__emulator/faults");
  control.send("POST", "/__emulator/faults", rule);
}

using Listener = avala_test::LoopbackListener;

using Bodies = std::map<std::string, std::string>;  // target -> JSON body

// A loopback HTTP/1.1 server answering GETs from a table of canned bodies
// (made from its origin once it is bound), keep-alive, a thread per
// connection; counts the requests per target.
class CannedServer {
 public:
  explicit CannedServer(const std::function<Bodies(const std::string& origin)>& make) {
    bodies_ = make(origin());
    acceptor_ = std::thread([this] { accept_loop(); });
  }

  ~CannedServer() {
    shutdown(listener_.fd, SHUT_RDWR);
    acceptor_.join();
    std::lock_guard lock(mu_);
    for (int c : conns_) shutdown(c, SHUT_RDWR);
    for (auto& t : workers_) t.join();
    for (int c : conns_) close(c);
  }

  std::string origin() const { return "http://127.0.0.1:" + std::to_string(listener_.port); }

  int hits(const std::string& target) {
    std::lock_guard lock(mu_);
    return hits_[target];
  }
  // The same, waiting (up to 5 s) until there are at least `expected`: a
  // request read ahead and then dropped unread may reach the server a
  // moment after the client moved on.
  int hits_soon(const std::string& target, int expected) {
    auto deadline = std::chrono::steady_clock::now() + 5s;
    int seen = hits(target);
    while (seen < expected && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(5ms);
      seen = hits(target);
    }
    return seen;
  }

 private:
  void accept_loop() {
    for (;;) {
      int c = accept(listener_.fd, nullptr, nullptr);
      if (c < 0) return;
      std::lock_guard lock(mu_);
      conns_.push_back(c);
      workers_.emplace_back([this, c] { serve(c); });
    }
  }

  void serve(int c) {
    std::string in;
    char buf[4096];
    for (;;) {
      auto end = in.find("\r\n\r\n");
      if (end == std::string::npos) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) return;
        in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      // "GET <target> HTTP/1.1"
      std::string line = in.substr(0, in.find("\r\n"));
      std::string target = line.substr(4, line.rfind(' ') - 4);
      in.erase(0, end + 4);
      std::string body;
      {
        std::lock_guard lock(mu_);
        ++hits_[target];
        auto it = bodies_.find(target);
        body = it == bodies_.end() ? R"({"detail":"Not found."})" : it->second;
      }
      std::string status = bodies_.count(target) ? "200 OK" : "404 Not Found";
      std::string out = "HTTP/1.1 " + status + "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + body;
      if (send(c, out.data(), out.size(), MSG_NOSIGNAL) < 0) return;
    }
  }

  Listener listener_;
  Bodies bodies_;  // not changed once serving
  std::mutex mu_;
  std::map<std::string, int> hits_;
  std::vector<int> conns_;
  std::vector<std::thread> workers_;
  std::thread acceptor_;
};

}  // namespace

TEST_CASE("read-ahead: the next page is asked for while the caller is on this one, each page once") {
  avala_test::EmulatorProcess emu({"--api-key", kKey, "--generate", "projects=50"});
  auto control = client_for(emu.url(), 0);
  auto c = client_for(emu.url(), 0);
  std::int64_t base = list_requests(control, 0);

  auto pager = avala::projects::iterate(c, {10, {}, {}});
  CHECK(list_requests(control, base) == base);  // creating it sent nothing
  REQUIRE(pager.next());
  CHECK(list_requests(control, base + 2) == base + 2);  // page 1, and page 2 already asked for
  for (int i = 1; i < 10; ++i) REQUIRE(pager.next());
  std::this_thread::sleep_for(50ms);
  CHECK(list_requests(control, base + 2) == base + 2);  // nothing more while page 1 lasts
  CHECK(count_rest(pager) == 40);
  CHECK(list_requests(control, base + 5) == base + 5);  // five pages, each asked for once
}

TEST_CASE("read-ahead: a failure of the page read ahead surfaces when the caller reaches it") {
  avala_test::EmulatorProcess emu({"--api-key", kKey, "--generate", "projects=50"});
  auto control = client_for(emu.url(), 0);
  // The second list request (page 2, sent ahead) fails once.
  const std::string rule = std::string(R"({"method":"GET","path":"/api/v1/users/me/projects/","nth":2,"count":1,)") +
                           R"("fault":"status","status":500})";

  SUBCASE("without retries: page 1 whole, then the error, then next() fetches page 2 again") {
    install_fault(control, rule);
    auto c = client_for(emu.url(), 0);
    auto pager = avala::projects::iterate(c, {10, {}, {}});
    for (int i = 0; i < 10; ++i) REQUIRE(pager.next());
    CHECK(kind_of([&] { pager.next(); }) == ErrorKind::server);
    CHECK(count_rest(pager) == 40);
  }
  SUBCASE("an answer read ahead that breaks mid-body is fetched again on a fresh connection, retries or not") {
    install_fault(control, R"({"method":"GET","path":"/api/v1/users/me/projects/","nth":2,"count":1,)"
                           R"("fault":"truncated_body"})");
    auto c = client_for(emu.url(), 0);
    auto pager = avala::projects::iterate(c, {10, {}, {}});
    CHECK(count_rest(pager) == 50);
    CHECK(c.connections_opened() == 2);
  }
  SUBCASE("with retries: the walk never sees it") {
    install_fault(control, rule);
    auto c = client_for(emu.url(), 2);
    auto pager = avala::projects::iterate(c, {10, {}, {}});
    CHECK(count_rest(pager) == 50);
  }
}

TEST_CASE("take_page: the rest of the page at once, then each next page; an error or a failed take loses nothing") {
  avala_test::EmulatorProcess emu({"--api-key", kKey, "--generate", "projects=50"});
  auto control = client_for(emu.url(), 0);
  // The second list request (page 2, sent ahead) fails once.
  install_fault(control, R"({"method":"GET","path":"/api/v1/users/me/projects/","nth":2,"count":1,)"
                         R"("fault":"status","status":500})");
  auto c = client_for(emu.url(), 0);
  auto pager = avala::projects::iterate(c, {10, {}, {}});
  std::vector<std::string> uids;
  auto take = [&](std::span<avala::Project> page) {
    for (auto& p : page) uids.emplace_back(avala::Project(std::move(p)).uid());
  };
  for (int i = 0; i < 3; ++i) uids.emplace_back(pager.next()->uid());
  REQUIRE(pager.take_page(take));
  CHECK(uids.size() == 10);  // the 7 of page 1 not yet taken
  CHECK(kind_of([&] { pager.take_page(take); }) == ErrorKind::server);
  CHECK(uids.size() == 10);
  CHECK_THROWS_AS(pager.take_page([](std::span<avala::Project>) { throw std::runtime_error("no room"); }),
                  std::runtime_error);
  while (pager.take_page(take)) {
  }
  CHECK_FALSE(pager.next());
  REQUIRE(uids.size() == 50);  // page 2 was not lost to either failure
  CHECK(std::set<std::string>(uids.begin(), uids.end()).size() == 50);
}

TEST_CASE("read-ahead: dropping an iterator with a request ahead leaves the client usable") {
  avala_test::EmulatorProcess emu({"--api-key", kKey, "--generate", "projects=50"});
  auto c = client_for(emu.url(), 0);
  {
    auto pager = avala::projects::iterate(c, {10, {}, {}});
    REQUIRE(pager.next());
    // Page 2's request went out on the connection page 1 came back on.
    CHECK(c.connections_opened() == 1);
  }
  // That connection, with an answer nobody will read, was closed; the next
  // requests open one new connection and keep it.
  for (int i = 0; i < 3; ++i) CHECK(avala::projects::list(c, {10, {}, {}}).items.size() == 10);
  CHECK(c.connections_opened() == 2);
}

TEST_CASE("read-ahead: an item's own \"next\" field is never followed, whatever the body's order") {
  const std::string list = "/api/v1/users/me/projects/";
  CannedServer server([&](const std::string& origin) {
    std::string evil = R"("next":")" + origin + "/api/v1/evil/" + R"(")";
    return Bodies{
        // The contract's order: the page's `next` after the results.
        {list + "?limit=1", R"({"results":[{"uid":"a","name":"A",)" + evil + R"(}],"next":")" + origin + list +
                                R"(?cursor=p2","previous":null})"},
        {list + "?cursor=p2", R"({"results":[{"uid":"b","name":"B"}],"next":null,"previous":null})"},
        // Another order: `next` first (nothing is read ahead then).
        {list + "?limit=2", R"({"next":")" + origin + list + R"(?cursor=q2","previous":null,"results":[)" +
                                R"({"uid":"c","name":"C",)" + evil + R"(}]})"},
        {list + "?cursor=q2", R"({"next":null,"previous":null,"results":[{"uid":"d","name":"D"}]})"},
        // A page whose link could be read ahead but whose items do not decode.
        {list + "?limit=3", R"({"results":[{"uid":1}],"next":")" + origin + list + R"(?cursor=r2","previous":null})"},
        {list + "?cursor=r2", R"({"results":[],"next":null,"previous":null})"},
    };
  });
  auto c = client_for(server.origin() + "/api/v1", 0);
  auto walk = [&](int limit) {
    auto pager = avala::projects::iterate(c, {limit, {}, {}});
    std::vector<std::string> uids;
    while (auto p = pager.next()) uids.emplace_back(p->uid());
    return uids;
  };
  CHECK(walk(1) == std::vector<std::string>{"a", "b"});
  CHECK(walk(2) == std::vector<std::string>{"c", "d"});
  CHECK(server.hits("/api/v1/evil/") == 0);
  CHECK(server.hits(list + "?cursor=p2") == 1);
  CHECK(server.hits(list + "?cursor=q2") == 1);

  // The page read ahead is dropped with the page that failed to decode.
  auto pager = avala::projects::iterate(c, {3, {}, {}});
  CHECK(kind_of([&] { pager.next(); }) == ErrorKind::decode);
  CHECK(server.hits_soon(list + "?cursor=r2", 1) == 1);
  CHECK(avala::projects::list(c, {1, {}, {}}).items.size() == 1);  // the client is still usable
}

TEST_CASE("read-ahead: never waits for the client's rate limiter") {
  // 3 requests per 10 s window: pages 1-3 spend it, so reading page 4 ahead
  // would have to wait for the next window.
  avala_test::EmulatorProcess emu({"--api-key", kKey, "--generate", "projects=50", "--rate-limit", "3/10s"});
  auto control = client_for(emu.url(), 0);
  auto c = client_for(emu.url(), 0, [](avala::ClientOptions& o) { o.rate_limit = true; });
  auto pager = avala::projects::iterate(c, {10, {}, {}});
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 21; ++i) REQUIRE(pager.next());  // into page 3
  CHECK(std::chrono::steady_clock::now() - t0 < 2s);
  CHECK(c.rate_limit().remaining == 0);
  // Page 4 was not asked for: the limiter would have had to wait.
  std::this_thread::sleep_for(100ms);
  auto stats = boost::json::parse(control.send("GET", "/__emulator/stats").body);
  CHECK(stats.at("paths").at(kListRoute).as_int64() == 3);
}

TEST_CASE("one deadline covers a whole attempt: writing the request, then waiting for the answer") {
  // A server that reads nothing for 0.6 s (so a 32 MiB request body cannot
  // all be written before then), then reads it, then answers 0.6 s later:
  // ~1.2 s in all, past a 1 s timeout, though each half fits in it.
  Listener listener;
  std::thread server([fd = listener.fd] {
    int c = accept(fd, nullptr, nullptr);
    if (c < 0) return;
    std::this_thread::sleep_for(600ms);
    std::vector<char> buf(1 << 20);
    std::size_t got = 0;
    while (got < (32u << 20)) {
      ssize_t n = recv(c, buf.data(), buf.size(), 0);
      if (n <= 0) break;
      got += static_cast<std::size_t>(n);
    }
    std::this_thread::sleep_for(600ms);
    std::string out = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
    send(c, out.data(), out.size(), MSG_NOSIGNAL);
    std::this_thread::sleep_for(300ms);
    close(c);
  });
  auto c = client_for("http://127.0.0.1:" + std::to_string(listener.port) + "/api/v1", 0,
                      [](avala::ClientOptions& o) { o.timeout = 1000ms; });
  auto t0 = std::chrono::steady_clock::now();
  CHECK(kind_of([&] { c.send("POST", "/api/v1/agents/", std::string(32u << 20, 'x')); }) == ErrorKind::timeout);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 900ms);
  CHECK(took < 1150ms);
  server.join();
}

TEST_CASE("read-ahead: its wait counts from when the caller reaches the page") {
  // The caller spends longer than the timeout on page 1; page 2's answer,
  // read ahead long ago, is still taken.
  avala_test::EmulatorProcess emu({"--api-key", kKey, "--generate", "projects=50"});
  auto c = client_for(emu.url(), 0, [](avala::ClientOptions& o) { o.timeout = 300ms; });
  auto pager = avala::projects::iterate(c, {10, {}, {}});
  REQUIRE(pager.next());
  std::this_thread::sleep_for(600ms);
  CHECK(count_rest(pager) == 49);
}

TEST_CASE("read-ahead: only on an idle pooled connection, never a new one") {
  avala_test::EmulatorProcess emu({"--api-key", kKey, "--generate", "projects=5"});
  auto c = client_for(emu.url(), 0);
  const std::string target = "/api/v1/users/me/projects/?limit=1";
  CHECK_FALSE(c.try_start_get(target).has_value());  // nothing pooled yet
  CHECK(c.connections_opened() == 0);
  c.send("GET", target);
  auto ahead = c.try_start_get(target);
  REQUIRE(ahead.has_value());
  CHECK(c.connections_opened() == 1);
  CHECK(c.finish(std::move(*ahead)).status == 200);
}
