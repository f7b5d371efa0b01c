// One API call as data: its request and how its answer becomes the result.
// A blocking call runs it (run), an asynchronous one starts it (start): the
// same call either way, so the two never drift apart.
#pragma once

#include <exception>
#include <functional>
#include <optional>
#include <type_traits>
#include <string>
#include <utility>
#include <variant>

#include "avala/client.hpp"
#include "avala/error.hpp"

namespace avala {

// Runs f (which decodes resp); a decode error it throws reports the
// attempts that fetched resp, like every other error.
template <class F>
auto decoding(const HttpResponse& resp, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (Error& e) {
    if (e.attempts() == 0) e.set_attempts(resp.attempts);
    throw;
  }
}

// The result of a call with none (a delete).
using Nothing = std::monostate;

template <class T>
struct Call {
  std::string method;
  std::string target;  // checked, on the base URL's origin
  std::optional<std::string> body;
  std::function<T(HttpResponse&)> decode;
};

// Called once with the result, or with the error (then the optional is empty).
template <class T>
using Done = std::function<void(std::exception_ptr, std::optional<T>)>;

template <class T>
T run(const Client& client, Call<T> call) {
  HttpResponse resp = client.send(call.method, std::move(call.target), std::move(call.body));
  return decoding(resp, [&] { return call.decode(resp); });
}

// Starts the call; `done` runs on the engine (Client::send_async), decoding included.
template <class T>
void start(const Client& client, Call<T> call, std::type_identity_t<Done<T>> done) {
  client.send_async(call.method, std::move(call.target), std::move(call.body),
                    [decode = std::move(call.decode), done = std::move(done)](std::exception_ptr e, HttpResponse resp) {
                      if (e) return done(std::move(e), std::nullopt);
                      std::optional<T> result;
                      try {
                        result.emplace(decoding(resp, [&] { return decode(resp); }));
                      } catch (...) {
                        return done(std::current_exception(), std::nullopt);
                      }
                      done(nullptr, std::move(result));
                    });
}

}  // namespace avala
