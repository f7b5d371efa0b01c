// The core's inflater against the emulator's compression, two independent
// zlib users checking each other, fed from a socket as the transport will
// feed it: piece by piece as bytes arrive.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include "avala/error.hpp"
#include "emulator_process.hpp"
#include "inflate.hpp"

namespace {

constexpr const char* kKey = "inflate-test-key";
constexpr std::size_t kLimit = 64u << 20;

// One HTTP/1.1 exchange on a fresh connection (Connection: close): the body
// is handed to `on_body(head, piece)` piece by piece as it arrives (head: the
// status line and headers); returns the head. `on_body` returns false to
// stop reading.
template <class F>
std::string exchange(int port, const std::string& request, F on_body) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size()));
  std::string head;
  char buf[16384];
  bool in_body = false;
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    std::string_view piece(buf, static_cast<std::size_t>(n));
    if (!in_body) {
      head.append(piece);
      auto end = head.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      std::string rest = head.substr(end + 4);
      head.resize(end + 2);
      in_body = true;
      if (!rest.empty() && !on_body(head, std::string_view(rest))) break;
      continue;
    }
    if (!on_body(head, piece)) break;
  }
  close(fd);
  return head;
}

std::string header(const std::string& head, const std::string& name) {
  auto at = head.find("\r\n" + name + ": ");
  if (at == std::string::npos) return {};
  at += name.size() + 4;
  return head.substr(at, head.find("\r\n", at) - at);
}

struct Emulator {
  avala_test::EmulatorProcess process{{"--api-key", kKey}};
  int port = std::stoi(process.url().substr(process.url().rfind(':') + 1));

  std::string get(const std::string& path, const std::string& accept_encoding, std::string& body) {
    std::string req = "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Avala-Api-Key: " +
                      kKey + "\r\n" + (accept_encoding.empty() ? "" : "Accept-Encoding: " + accept_encoding + "\r\n") +
                      "\r\n";
    return exchange(port, req, [&](const std::string&, std::string_view piece) {
      body.append(piece);
      return true;
    });
  }
  void install(const std::string& rule) {
    std::string req = "POST /__emulator/faults HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                      "Content-Type: application/json\r\nContent-Length: " +
                      std::to_string(rule.size()) + "\r\n\r\n" + rule;
    auto head = exchange(port, req, [](const std::string&, std::string_view) { return true; });
    REQUIRE(head.starts_with("HTTP/1.1 200"));
  }
};

const std::string kPage = "/api/v1/users/me/projects/?limit=50";

}  // namespace

TEST_CASE("the emulator's gzip and deflate answers inflate, piece by piece, to its plain answer") {
  Emulator emu;
  std::string plain;
  auto plain_head = emu.get(kPage, "", plain);
  REQUIRE(plain_head.starts_with("HTTP/1.1 200"));
  CHECK(header(plain_head, "Content-Encoding").empty());
  for (const char* coding : {"gzip", "deflate"}) {
    CAPTURE(coding);
    std::string wire;
    // What the client will send picks gzip; deflate is asked for alone.
    auto head = emu.get(kPage, std::string(coding) == "gzip" ? std::string(avala::kAcceptEncoding) : coding, wire);
    REQUIRE(header(head, "Content-Encoding") == coding);
    CHECK(wire.size() < plain.size() / 3);
    avala::Inflater inflater(header(head, "Content-Encoding"), kLimit);
    std::string decoded;
    for (std::size_t i = 0; i < wire.size(); i += 1000) inflater.feed(std::string_view(wire).substr(i, 1000), decoded);
    inflater.finish();
    CHECK(decoded == plain);
  }
}

TEST_CASE("the emulator's 10 GiB compression bomb stops at the limit, having read a sliver of it") {
  Emulator emu;
  for (const char* coding : {"gzip", "deflate"}) {
    CAPTURE(coding);
    emu.install(R"({"path":"/api/v1/users/me/projects/","fault":"compression_bomb","bytes":10737418240,"encoding":")" +
                std::string(coding) + "\"}");
    std::optional<avala::Inflater> inflater;
    std::string decoded, error;
    std::size_t wire = 0;
    std::string req = "GET " + kPage + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nX-Avala-Api-Key: " +
                      kKey + "\r\n\r\n";
    std::string head = exchange(emu.port, req, [&](const std::string& h, std::string_view piece) {
      wire += piece.size();
      try {
        if (!inflater) inflater.emplace(header(h, "Content-Encoding"), kLimit);
        inflater->feed(piece, decoded);
        return true;
      } catch (const avala::Error& e) {
        CHECK(e.kind() == avala::ErrorKind::decode);
        error = e.what();
        return false;
      }
    });
    CHECK(header(head, "Content-Encoding") == coding);
    CHECK(error == "decoded response body exceeds the 67108864-byte limit");
    CHECK(decoded.size() <= kLimit);
    CHECK(wire < (1u << 20));  // of the ~10 MiB the emulator would send
  }
}

TEST_CASE("the emulator's bogus Content-Encoding is refused by name") {
  Emulator emu;
  emu.install(R"({"path":"/api/v1/users/me/projects/","fault":"bogus_encoding"})");
  std::string body;
  auto head = emu.get(kPage, std::string(avala::kAcceptEncoding), body);
  try {
    avala::Inflater inflater(header(head, "Content-Encoding"), kLimit);
    FAIL("no error");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == avala::ErrorKind::decode);
    CHECK(std::string(e.what()) == "unsupported Content-Encoding 'br'");
  }
}
