// The ceiling the SDK is measured against: one keep-alive HTTP/1.1
// connection driven by synchronous Boost.Beast calls, with no JSON decoding,
// no retries, no deadlines. Beast stays in raw_http.cpp; this header is all
// the benchmark programs see.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace bench {

class RawHttp {
 public:
  // Connects to host:port (a numeric address; no TLS) and sends `api_key`
  // in X-Avala-Api-Key with every request, plus the headers the SDK sends.
  RawHttp(const std::string& host, const std::string& port, const std::string& api_key);
  ~RawHttp();
  RawHttp(const RawHttp&) = delete;
  RawHttp& operator=(const RawHttp&) = delete;

  // GET `target` (path + query). Returns the body, valid until the next call;
  // throws std::runtime_error on any status but 200 or a closed connection.
  std::string_view get(std::string_view target);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The target of the next page, read from a list body without decoding it:
// the top-level "next" is the last one in the body (it follows "results").
// Empty when "next" is null. `origin` ("http://host:port") is stripped.
std::string next_target(std::string_view body, std::string_view origin);

}  // namespace bench
