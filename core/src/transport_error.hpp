// A transport failure, with what the retry logic needs to know about it.
#pragma once

#include "avala/error.hpp"

namespace avala {

class TransportError : public Error {
 public:
  TransportError(ErrorKind kind, std::string message, bool may_have_reached_server,
                 bool got_response_bytes, int http_status = 0)
      : Error(kind, std::move(message), http_status),
        may_have_reached_server_(may_have_reached_server),
        got_response_bytes_(got_response_bytes) {}

  // False only when the request provably never left (resolve/connect/TLS).
  bool may_have_reached_server() const noexcept { return may_have_reached_server_; }
  bool got_response_bytes() const noexcept { return got_response_bytes_; }

 private:
  bool may_have_reached_server_;
  bool got_response_bytes_;
};

}  // namespace avala
