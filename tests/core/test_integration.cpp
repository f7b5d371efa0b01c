// The core against a running avala-emulator (AVALA_BASE_URL/AVALA_API_KEY
// from the CTest fixture, which serves --generate projects=1000).
#include <doctest/doctest.h>

#include "kind_of.hpp"
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>
#include <string>
#include <thread>

#include "avala/error.hpp"
#include "avala/resources/projects.hpp"
#include "emulator_process.hpp"
#include "loopback_listener.hpp"

using avala::ErrorKind;
using namespace std::chrono_literals;

namespace {

avala::Client client(std::optional<std::string> key = std::nullopt) {
  avala::ClientOptions o;
  o.api_key = std::move(key);
  o.max_retries = 0;
  return avala::Client(o);
}


// A loopback listener that accepts connections and never answers.
using SilentServer = avala_test::LoopbackListener;

}  // namespace

TEST_CASE("list all 1000 projects exactly once across pages of 37") {
  auto c = client();
  auto pager = avala::projects::iterate(c, {37, {}, {}});
  std::set<std::string> uids;
  std::size_t n = 0;
  while (auto p = pager.next()) {
    ++n;
    uids.emplace(p->uid());
    CHECK_FALSE(p->name().empty());
  }
  CHECK(n == 1000);
  CHECK(uids.size() == 1000);
  CHECK_FALSE(pager.next().has_value());  // stays finished
}

TEST_CASE("a page carries cursors that continue where it stopped") {
  auto c = client();
  auto first = avala::projects::list(c, {10, {}, {}});
  REQUIRE(first.items.size() == 10);
  CHECK(first.has_more());
  REQUIRE(first.next_cursor.has_value());
  CHECK_FALSE(first.previous_cursor.has_value());
  auto second = avala::projects::list(c, {10, first.next_cursor, {}});
  REQUIRE(second.items.size() == 10);
  CHECK(second.items[0].uid() != first.items[0].uid());
  REQUIRE(second.previous_cursor.has_value());
  auto back = avala::projects::list(c, {10, second.previous_cursor, {}});
  CHECK(back.items[0].uid() == first.items[0].uid());
}

TEST_CASE("get returns the project with every field the server sent") {
  auto c = client();
  auto first = avala::projects::list(c, {1, {}, {}});
  REQUIRE(first.items.size() == 1);
  auto p = avala::projects::get(c, first.items[0].uid());
  CHECK(p.uid() == first.items[0].uid());
  CHECK(p.json() == first.items[0].json());
}

TEST_CASE("a second request on the same client reuses the connection") {
  auto c = client();
  auto r1 = c.send("GET", c.base_url().path + "/users/me/projects/?limit=1");
  auto r2 = c.send("GET", c.base_url().path + "/users/me/projects/?limit=1");
  auto r3 = c.send("GET", c.base_url().path + "/users/me/projects/?limit=1");
  CHECK(c.connections_opened() == 1);
  CHECK_FALSE(r1.header("X-Emulator-Connection").empty());
  CHECK(r1.header("X-Emulator-Connection") == r2.header("X-Emulator-Connection"));
  CHECK(r2.header("X-Emulator-Connection") == r3.header("X-Emulator-Connection"));
}

TEST_CASE("rate-limit headers are recorded from the last response") {
  auto c = client();
  CHECK_FALSE(c.rate_limit().limit.has_value());
  avala::projects::list(c, {1, {}, {}});
  auto rl = c.rate_limit();
  REQUIRE(rl.limit.has_value());
  CHECK(*rl.limit > 0);
  CHECK(rl.remaining.has_value());
  CHECK(rl.reset.has_value());
}

TEST_CASE("a wrong key is an authentication error that never shows the key") {
  auto c = client("wrong-key-5ecret");
  try {
    avala::projects::list(c);
    FAIL("no error");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::authentication);
    CHECK(e.http_status() == 401);
    CHECK(e.attempts() == 1);
    CHECK(std::string(e.what()).find("wrong-key-5ecret") == std::string::npos);
    CHECK(e.body().find("wrong-key-5ecret") == std::string::npos);
  }
}

TEST_CASE("an unknown uid is not_found; an unsafe one is refused with nothing sent") {
  auto c = client();
  CHECK(kind_of([&] { avala::projects::get(c, "no-such-project"); }) == ErrorKind::not_found);
  auto fresh = client();
  CHECK(kind_of([&] { avala::projects::get(fresh, "../admin"); }) == ErrorKind::invalid_argument);
  CHECK(kind_of([&] { avala::projects::get(fresh, "a/b"); }) == ErrorKind::invalid_argument);
  CHECK(fresh.connections_opened() == 0);
}

TEST_CASE("a next link to another origin stops iteration with an error after the first page") {
  const char* key = std::getenv("AVALA_API_KEY");
  REQUIRE(key != nullptr);
  avala_test::EmulatorProcess emu({"--api-key", key, "--generate", "projects=30", "--public-url",
                                   "http://127.0.0.2:9/api/v1"});
  avala::ClientOptions o;
  o.base_url = emu.url();
  avala::Client c(o);
  auto pager = avala::projects::iterate(c, {10, {}, {}});
  int n = 0;
  try {
    while (pager.next()) ++n;
    FAIL("no error");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::cross_origin);
    CHECK(std::string(e.what()).find("127.0.0.2") != std::string::npos);
  }
  CHECK(n == 10);  // the first page was delivered whole
}

TEST_CASE("a server that accepts and never answers hits the deadline") {
  SilentServer silent;
  avala::ClientOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(silent.port) + "/api/v1";
  o.timeout = 300ms;
  o.max_retries = 0;
  avala::Client c(o);
  auto t0 = std::chrono::steady_clock::now();
  CHECK(kind_of([&] { avala::projects::list(c); }) == ErrorKind::timeout);
  auto took = std::chrono::steady_clock::now() - t0;
  CHECK(took >= 250ms);
  CHECK(took < 3s);
}

TEST_CASE("a bodyless answer is taken as bodyless whatever its Content-Length says") {
  // A 204, and the answer to a HEAD: the client must neither reserve room
  // for the length claimed (it did reserve it, to spare the decoder a copy)
  // nor wait for a body (a HEAD waited until the deadline). The server keeps
  // the connection open until the client is done.
  struct Case {
    const char* method;
    const char* answer;
    int status;
  };
  for (Case k : {Case{"DELETE", "HTTP/1.1 204 No Content\r\nContent-Length: 100000000000\r\n\r\n", 204},
                 Case{"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 100000000000\r\n\r\n", 200},
                 Case{"HEAD", "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", 200}}) {
    std::string answer_text = k.answer;
    CAPTURE(answer_text);
    SilentServer server;
    std::atomic<bool> done{false};
    std::thread answer([&] {
      int c = accept(server.fd, nullptr, nullptr);
      if (c < 0) return;
      std::string in;
      char buf[4096];
      while (in.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = recv(c, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
      }
      std::string out = k.answer;
      send(c, out.data(), out.size(), MSG_NOSIGNAL);
      while (!done.load()) std::this_thread::sleep_for(5ms);
      close(c);
    });
    avala::ClientOptions o;
    o.api_key = "test-key";
    o.base_url = "http://127.0.0.1:" + std::to_string(server.port) + "/api/v1";
    o.max_retries = 0;
    o.timeout = 3s;
    std::optional<avala::HttpResponse> resp;
    std::string error;
    auto t0 = std::chrono::steady_clock::now();
    try {
      avala::Client c(o);
      resp = c.send(k.method, "/api/v1/projects/p1/");
    } catch (const std::exception& e) {
      error = e.what();
    }
    auto took = std::chrono::steady_clock::now() - t0;
    done = true;
    shutdown(server.fd, SHUT_RDWR);  // unblocks accept() if no request came
    answer.join();
    REQUIRE_MESSAGE(resp.has_value(), error);
    CHECK(resp->status == k.status);
    CHECK(resp->body.empty());
    CHECK(took < 2s);
  }
}

TEST_CASE("a closed port is a network error") {
  int port;
  {
    SilentServer s;
    port = s.port;
  }
  avala::ClientOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port) + "/api/v1";
  o.max_retries = 0;
  avala::Client c(o);
  CHECK(kind_of([&] { avala::projects::list(c); }) == ErrorKind::network);

  // A refused connection provably sent nothing, so even a POST is retried.
  o.max_retries = 2;
  avala::Client retrying(o);
  try {
    retrying.send("POST", "/api/v1/agents/", std::string(R"({"name":"x"})"));
    FAIL("no error");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::network);
    CHECK(e.attempts() == 3);
  }
}

TEST_CASE("one client serves many threads at once") {
  auto c = client();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        try {
          auto page = avala::projects::list(c, {5, {}, {}});
          if (page.items.size() == 5) ++ok;
        } catch (const avala::Error&) {
          // counted as not ok below
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  CHECK(ok == 100);
  CHECK(c.connections_opened() <= 4);
}

// TLS against `openssl s_server` with a certificate made for this test run.
TEST_CASE("TLS: verification fails for an unknown CA and a wrong host name, and succeeds with ca_file") {
  char tmpl[] = "/tmp/avala-tls-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  std::string script = std::string(AVALA_TESTS_SUPPORT_DIR) + "/make_test_certs.sh " + dir;
  REQUIRE(std::system(script.c_str()) == 0);

  // -www answers every request with an HTML status page; -naccept bounds it.
  avala_test::ChildProcess server({"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert",
                                   dir + "/server.pem", "-key", dir + "/server.key", "-www", "-naccept", "8"});
  std::string line = server.read_line();
  while (!line.empty() && line.rfind("ACCEPT", 0) != 0) line = server.read_line();
  REQUIRE(line.rfind("ACCEPT 127.0.0.1:", 0) == 0);
  std::string port = line.substr(line.rfind(':') + 1);

  auto try_list = [&](std::string host, std::optional<std::string> ca) {
    avala::ClientOptions o;
    o.api_key = "tls-test-key";
    o.base_url = "https://" + host + ":" + port + "/api/v1";
    o.ca_file = std::move(ca);
    o.max_retries = 0;
    o.timeout = 5s;
    avala::Client c(o);
    try {
      avala::projects::list(c);
      return std::pair<ErrorKind, std::string>{ErrorKind::internal, "no error"};
    } catch (const avala::Error& e) {
      return std::pair<ErrorKind, std::string>{e.kind(), e.what()};
    }
  };

  auto unknown_ca = try_list("127.0.0.1", std::nullopt);
  CHECK(unknown_ca.first == ErrorKind::tls);
  CHECK(unknown_ca.second.find("certificate verification failed") != std::string::npos);

  auto wrong_host = try_list("localhost", dir + "/ca.pem");
  CHECK(wrong_host.first == ErrorKind::tls);
  CHECK(wrong_host.second.find("mismatch") != std::string::npos);

  // The handshake succeeds; s_server's HTML page is then (rightly) not a page of projects.
  auto trusted = try_list("127.0.0.1", dir + "/ca.pem");
  CHECK(trusted.first == ErrorKind::decode);
  std::system(("rm -rf " + dir).c_str());
}

// The same three cases against `avala-emulator --tls-cert/--tls-key`, where a
// trusted handshake is followed by a real page of projects.
TEST_CASE("TLS emulator: unknown CA and wrong host refused, the CA file trusted end to end") {
  char tmpl[] = "/tmp/avala-tls-emu-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  REQUIRE(std::system((std::string(AVALA_TESTS_SUPPORT_DIR) + "/make_test_certs.sh " + dir).c_str()) == 0);
  const char* key = "tls-emulator-key-41c9";
  avala_test::EmulatorProcess emu(
      {"--api-key", key, "--generate", "projects=25", "--tls-cert", dir + "/server.pem", "--tls-key", dir + "/server.key"});
  REQUIRE(emu.url().rfind("https://127.0.0.1:", 0) == 0);
  std::string port = emu.url().substr(std::string("https://127.0.0.1:").size());
  port = port.substr(0, port.find('/'));

  auto list = [&](const std::string& host, std::optional<std::string> ca) {
    avala::ClientOptions o;
    o.api_key = key;
    o.base_url = "https://" + host + ":" + port + "/api/v1";
    o.ca_file = std::move(ca);
    o.max_retries = 0;
    o.timeout = 5s;
    return avala::projects::list(avala::Client(o), {25, {}, {}});
  };
  try {
    list("127.0.0.1", std::nullopt);
    FAIL("an unknown CA was trusted");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::tls);
    CHECK(std::string(e.what()).find(key) == std::string::npos);
  }
  CHECK(kind_of([&] { list("localhost", dir + "/ca.pem"); }) == ErrorKind::tls);
  auto page = list("127.0.0.1", dir + "/ca.pem");
  CHECK(page.items.size() == 25);
  CHECK_FALSE(page.has_more());
  std::system(("rm -rf " + dir).c_str());
}

// fork() over TLS: the pool (TLS sessions included) was warmed in the parent;
// parent and child then each get only their own answers, and the child
// exits normally — it never writes to the parent's TLS sessions (no
// shutdown, no alert). Then asynchronous gets over TLS, many in flight.
TEST_CASE("TLS emulator: fork with a warm TLS pool, and asynchronous gets over TLS") {
  char tmpl[] = "/tmp/avala-tls-fork-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  REQUIRE(std::system((std::string(AVALA_TESTS_SUPPORT_DIR) + "/make_test_certs.sh " + dir).c_str()) == 0);
  const char* key = "tls-fork-key-5e21";
  avala_test::EmulatorProcess emu(
      {"--api-key", key, "--generate", "projects=40", "--tls-cert", dir + "/server.pem", "--tls-key", dir + "/server.key"});
  avala::ClientOptions o;
  o.api_key = key;
  o.base_url = emu.url();
  o.ca_file = dir + "/ca.pem";
  o.timeout = 10s;
  avala::Client c(o);
  auto page = avala::projects::list(c, {40, {}, {}});
  REQUIRE(page.items.size() == 40);
  std::vector<std::string> uids;
  for (const auto& p : page.items) uids.emplace_back(p.uid());
  auto wrong_answers = [&](int salt) {
    int bad = 0;
    for (int i = 0; i < 60; ++i) {
      const std::string& want = uids[static_cast<std::size_t>(i * 7 + salt) % uids.size()];
      try {
        if (avala::projects::get(c, want).uid() != want) ++bad;
      } catch (const avala::Error&) {
        ++bad;
      }
    }
    return bad;
  };
  REQUIRE(wrong_answers(0) == 0);  // several TLS connections pooled
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) _exit(wrong_answers(3) == 0 ? 0 : 1);
  CHECK(wrong_answers(5) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);

  // 32 asynchronous gets over TLS in flight at once from this thread.
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, right = 0;
  for (int i = 0; i < 32; ++i) {
    const std::string want = uids[static_cast<std::size_t>(i) % uids.size()];
    avala::start(c, avala::projects::get_call(c, want), [&, want](std::exception_ptr e, std::optional<avala::Project> p) {
      std::lock_guard lock(mu);
      right += !e && p && p->uid() == want;
      ++done;
      cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  CHECK(cv.wait_for(lock, 60s, [&] { return done == 32; }));
  CHECK(right == 32);
  lock.unlock();
  std::system(("rm -rf " + dir).c_str());
}

// Mutual TLS against `openssl s_server -Verify 1` (a client certificate is
// required): without one the call fails once with a TLS error that says so
// (TLS 1.3 sends the alert after the handshake; it is not retried as if the
// network broke); with one (plain or encrypted key) the handshake succeeds; a
// wrong passphrase is a config error that never shows the passphrase.
TEST_CASE("mutual TLS: a required client certificate, missing, given, and with a wrong passphrase") {
  char tmpl[] = "/tmp/avala-mtls-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  std::string support = AVALA_TESTS_SUPPORT_DIR;
  REQUIRE(std::system((support + "/make_test_certs.sh " + dir).c_str()) == 0);
  REQUIRE(std::system((support + "/make_client_cert.sh " + dir).c_str()) == 0);
  avala_test::ChildProcess server({"openssl", "s_server", "-accept", "127.0.0.1:0", "-cert", dir + "/server.pem",
                                   "-key", dir + "/server.key", "-CAfile", dir + "/ca.pem", "-Verify", "1", "-www",
                                   "-naccept", "8"});
  std::string line = server.read_line();
  while (!line.empty() && line.rfind("ACCEPT", 0) != 0) line = server.read_line();
  REQUIRE(line.rfind("ACCEPT 127.0.0.1:", 0) == 0);
  std::string port = line.substr(line.rfind(':') + 1);

  auto options = [&] {
    avala::ClientOptions o;
    o.api_key = "mtls-test-key";
    o.base_url = "https://127.0.0.1:" + port + "/api/v1";
    o.ca_file = dir + "/ca.pem";
    o.max_retries = 2;
    o.timeout = 5s;
    return o;
  };
  try {
    avala::projects::list(avala::Client(options()));
    FAIL("no error without a client certificate");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::tls);
    CHECK(std::string(e.what()).find("client certificate") != std::string::npos);
    CHECK(e.attempts() == 1);  // not retried
  }
  auto with_cert = options();
  with_cert.client_cert = dir + "/client.pem";
  with_cert.client_key = dir + "/client.key";
  // The handshake succeeds; s_server's HTML page is then (rightly) not a page of projects.
  CHECK(kind_of([&] { avala::projects::list(avala::Client(with_cert)); }) == ErrorKind::decode);
  auto encrypted = with_cert;
  encrypted.client_key = dir + "/client-enc.key";
  encrypted.client_key_password = "client-pass-7f3a";
  CHECK(kind_of([&] { avala::projects::list(avala::Client(encrypted)); }) == ErrorKind::decode);
  encrypted.client_key_password = "wrong-pass-91c2";
  try {
    avala::Client bad(encrypted);
    FAIL("a wrong passphrase was accepted");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    CHECK(std::string(e.what()).find("client-enc.key") != std::string::npos);
    CHECK(std::string(e.what()).find("wrong-pass-91c2") == std::string::npos);
  }
  std::system(("rm -rf " + dir).c_str());
}

// An IPv6 literal base URL ([::1]) against an emulator listening on ::1 only.
TEST_CASE("an [::1] base URL reaches an emulator on IPv6 loopback") {
  avala_test::EmulatorProcess emu({"--host", "::1", "--api-key", "v6-key", "--generate", "projects=3"});
  REQUIRE(emu.url().rfind("http://[::1]:", 0) == 0);
  avala::ClientOptions o;
  o.api_key = "v6-key";
  o.base_url = emu.url();
  auto env = [](std::string_view name) -> std::optional<std::string> {
    if (name == "AVALA_ALLOW_INSECURE_BASE_URL") return "1";
    return std::nullopt;
  };
  avala::Client c(o, env);
  CHECK(avala::projects::list(c, {10, {}, {}}).items.size() == 3);
}

// Compression against the emulator (which compresses on its own, with its
// own zlib): asked for and decoded by default; off on request; a bomb and an
// undecodable coding are decode errors that say so.
TEST_CASE("gzip answers are asked for and decoded; a bomb and an unknown coding are clear decode errors") {
  const char* key = "gzip-key-77a1";
  avala_test::EmulatorProcess emu({"--api-key", key, "--generate", "projects=120"});
  auto make = [&](bool compression) {
    avala::ClientOptions o;
    o.api_key = key;
    o.base_url = emu.url();
    o.compression = compression;
    o.max_retries = 0;
    auto env = [](std::string_view name) -> std::optional<std::string> {
      if (name == "AVALA_ALLOW_INSECURE_BASE_URL") return "1";
      return std::nullopt;
    };
    return avala::Client(o, env);
  };
  avala::Client c = make(true);
  auto resp = c.send("GET", "/api/v1/users/me/projects/?limit=100");
  CHECK(resp.header("Content-Encoding") == "gzip");
  CHECK(resp.body.front() == '{');  // decoded
  CHECK(avala::projects::list(c, {100, {}, {}}).items.size() == 100);
  CHECK(make(false).send("GET", "/api/v1/users/me/projects/?limit=100").header("Content-Encoding").empty());

  auto fault = [&](const std::string& rule) {
    c.send("DELETE", "/__emulator/faults");
    c.send("POST", "/__emulator/faults", R"({"method":"GET","path":"/api/v1/users/me/projects/","count":0,)" + rule + "}");
  };
  auto message = [&] {
    try {
      avala::projects::list(c, {10, {}, {}});
    } catch (const avala::Error& e) {
      CHECK(e.kind() == ErrorKind::decode);
      return std::string(e.what());
    }
    return std::string("no error");
  };
  fault(R"("fault":"compression_bomb","bytes":4294967296)");
  CHECK(message().find("exceeds the 67108864-byte limit") != std::string::npos);
  fault(R"("fault":"bogus_encoding")");
  CHECK(message().find("'br'") != std::string::npos);
  c.send("DELETE", "/__emulator/faults");
}

namespace {

// key=value pairs of a fixture script's one line (tests/support/*_fixture.sh).
std::map<std::string, std::string> fixture_info(avala_test::ChildProcess& p) {
  std::map<std::string, std::string> info;
  std::string line = p.read_line();
  std::size_t at = 0;
  while (at < line.size()) {
    std::size_t end = line.find(' ', at);
    if (end == std::string::npos) end = line.size();
    std::string pair = line.substr(at, end - at);
    auto eq = pair.find('=');
    if (eq != std::string::npos) info[pair.substr(0, eq)] = pair.substr(eq + 1);
    at = end + 1;
  }
  return info;
}

}  // namespace

// Through real tinyproxy to real nginx (TLS, in front of the emulator): the
// origin's name resolves only in the proxy's own /etc/hosts, so reaching it
// proves the CONNECT tunnel carried the name and TLS checked it inside; a
// refusal by the proxy that wants credentials is ErrorKind::proxy.
TEST_CASE("https through tinyproxy to nginx, to a name only the proxy resolves") {
  if (geteuid() != 0 || std::system("unshare -m true 2>/dev/null") != 0) {
    MESSAGE("skipped: a proxy with hosts of its own needs root (a mount namespace)");
    return;
  }
  char tmpl[] = "/tmp/avala-proxy-XXXXXX";
  REQUIRE(mkdtemp(tmpl) != nullptr);
  std::string dir = tmpl;
  std::string support = AVALA_TESTS_SUPPORT_DIR;
  REQUIRE(std::system(("printf '127.0.0.1 localhost\\n127.0.0.1 api.avala.test\\n' > " + dir + "/hosts").c_str()) == 0);
  const char* key = "proxy-key-2b8e";
  avala_test::EmulatorProcess emu({"--api-key", key, "--generate", "projects=9"});
  std::string upstream = emu.url().substr(0, emu.url().find("/api/v1"));
  avala_test::ChildProcess web({"bash", support + "/nginx_fixture.sh", dir + "/web", "--upstream", upstream});
  auto w = fixture_info(web);
  avala_test::ChildProcess proxy({"bash", support + "/tinyproxy_fixture.sh", dir + "/proxy", "--hosts", dir + "/hosts"});
  auto p = fixture_info(proxy);
  avala_test::ChildProcess auth({"bash", support + "/tinyproxy_fixture.sh", dir + "/auth", "--auth", "alice:s3cret",
                                 "--hosts", dir + "/hosts"});
  auto a = fixture_info(auth);
  REQUIRE(!w["https"].empty());
  REQUIRE(!p["url"].empty());
  REQUIRE(!a["port"].empty());

  auto make = [&](std::optional<std::string> proxy_url) {
    avala::ClientOptions o;
    o.api_key = key;
    o.base_url = "https://api.avala.test:" + w["https"] + "/api/v1";
    o.ca_file = w["ca"];
    o.max_retries = 0;
    o.proxy.proxy = std::move(proxy_url);
    o.proxy.use_env = false;
    return avala::Client(o);
  };
  CHECK(kind_of([&] { avala::projects::list(make(std::nullopt)); }) == ErrorKind::network);  // cannot resolve
  CHECK(avala::projects::list(make(p["url"]), {9, {}, {}}).items.size() == 9);
  try {
    avala::projects::list(make("http://127.0.0.1:" + a["port"]));
    FAIL("the proxy wanting credentials let the tunnel through");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::proxy);
    CHECK(e.http_status() == 407);
  }
  CHECK(avala::projects::list(make("http://alice:s3cret@127.0.0.1:" + a["port"]), {9, {}, {}}).items.size() == 9);
  std::system(("rm -rf " + dir).c_str());
}
