// Proxy values: the settings a caller gives (ClientOptions can hold them) and
// the proxy chosen (the transport can hold it). Apart from proxy.hpp, which
// chooses and includes client.hpp for EnvLookup, so that client.hpp and
// transport.hpp can include this without an include cycle.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace avala {

inline constexpr std::string_view kDefaultProxyPort = "1080";

struct ProxyConfig {
  std::string host;  // for connecting: IPv6 without brackets, lower case
  std::string port;  // explicit, else kDefaultProxyPort
  std::optional<std::string> user;      // percent-decoded
  std::optional<std::string> password;  // percent-decoded; never print it

  // "http://user:[redacted]@host:port" — for messages and logs.
  std::string redacted() const;
  // "Basic base64(user:password)" when the URL had a user, else nullopt.
  std::optional<std::string> authorization() const;
};

struct ProxySettings {
  std::optional<std::string> proxy;     // explicit proxy URL; "" = never use one
  std::optional<std::string> no_proxy;  // explicit NO_PROXY list; wins over the env's
  bool use_env = true;                  // false: ignore every *_proxy variable
};

}  // namespace avala
