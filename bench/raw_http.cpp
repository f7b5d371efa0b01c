// The only benchmark translation unit that includes Beast (it is heavy to compile).
#include "raw_http.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <stdexcept>

namespace bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct RawHttp::Impl {
  asio::io_context ioc;
  tcp::socket socket{ioc};
  boost::beast::flat_buffer buffer;
  http::request<http::empty_body> req;
  http::response<http::string_body> res;
};

RawHttp::RawHttp(const std::string& host, const std::string& port, const std::string& api_key)
    : impl_(std::make_unique<Impl>()) {
  tcp::resolver resolver(impl_->ioc);
  asio::connect(impl_->socket, resolver.resolve(host, port));
  impl_->socket.set_option(tcp::no_delay(true));
  // Reads take up to 64 KiB at a time, as the core's do.
  impl_->buffer.reserve(64 * 1024);
  auto& req = impl_->req;
  req.method(http::verb::get);
  req.version(11);
  // The same headers the SDK sends, so both sides move the same bytes.
  req.set(http::field::host, host + ":" + port);
  req.set("X-Avala-Api-Key", api_key);
  req.set(http::field::accept, "application/json");
  req.set(http::field::user_agent, "avala-bench-raw");
}

RawHttp::~RawHttp() = default;

std::string_view RawHttp::get(std::string_view target) {
  auto& s = *impl_;
  s.req.target(target);
  http::write(s.socket, s.req);
  s.res = {};
  http::read(s.socket, s.buffer, s.res);
  if (s.res.result() != http::status::ok) {
    throw std::runtime_error("GET " + std::string(target) + ": HTTP " + std::to_string(s.res.result_int()));
  }
  if (!s.res.keep_alive()) throw std::runtime_error("the server closed the keep-alive connection");
  return s.res.body();
}

std::string next_target(std::string_view body, std::string_view origin) {
  constexpr std::string_view key = "\"next\":";
  auto at = body.rfind(key);
  if (at == std::string_view::npos) throw std::runtime_error("a list body without \"next\"");
  auto rest = body.substr(at + key.size());
  if (rest.starts_with("null")) return {};
  auto end = rest.find('"', 1);
  if (!rest.starts_with('"') || end == std::string_view::npos) throw std::runtime_error("a malformed \"next\"");
  auto link = rest.substr(1, end - 1);
  // Links the emulator sends carry no JSON escapes; refuse rather than misread one.
  if (link.find('\\') != std::string_view::npos || !link.starts_with(origin)) {
    throw std::runtime_error("unexpected \"next\" link: " + std::string(link));
  }
  return std::string(link.substr(origin.size()));
}

}  // namespace bench
