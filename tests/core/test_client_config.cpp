#include <doctest/doctest.h>

#include "kind_of.hpp"

#include <map>

#include "avala/client.hpp"
#include "avala/error.hpp"

using avala::ErrorKind;

static avala::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](std::string_view name) -> std::optional<std::string> {
    auto it = vars.find(std::string(name));
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}


TEST_CASE("no API key anywhere is a configuration error that says what to do") {
  try {
    avala::Client c({}, env_of({}));
    FAIL("no error");
  } catch (const avala::Error& e) {
    CHECK(e.kind() == ErrorKind::config);
    CHECK(std::string(e.what()).find("No API key provided") == 0);
  }
}

TEST_CASE("options win over the environment, which wins over the default") {
  avala::Client from_env({}, env_of({{"AVALA_API_KEY", "k"}, {"AVALA_BASE_URL", "https://eu.avala.ai/api/v1/"}}));
  CHECK(from_env.base_url().url == "https://eu.avala.ai/api/v1");
  avala::ClientOptions o;
  o.base_url = "https://override.avala.ai/api/v1";
  avala::Client from_opts(o, env_of({{"AVALA_API_KEY", "k"}, {"AVALA_BASE_URL", "https://eu.avala.ai/api/v1"}}));
  CHECK(from_opts.base_url().url == "https://override.avala.ai/api/v1");
  avala::Client dflt({}, env_of({{"AVALA_API_KEY", "k"}}));
  CHECK(dflt.base_url().url == "https://api.avala.ai/api/v1");
}

TEST_CASE("insecure localhost needs the environment flag") {
  avala::ClientOptions o;
  o.api_key = "k";
  o.base_url = "http://127.0.0.1:1/api/v1";
  CHECK(kind_of([&] { avala::Client c(o, env_of({})); }) == ErrorKind::config);
  CHECK_NOTHROW(avala::Client(o, env_of({{"AVALA_ALLOW_INSECURE_BASE_URL", "yes"}})));
}

TEST_CASE("header injection through the key or user agent is refused before sending") {
  avala::ClientOptions o;
  o.api_key = "k\r\nX-Evil: 1";
  CHECK(kind_of([&] { avala::Client c(o, env_of({})); }) == ErrorKind::config);
  avala::ClientOptions u;
  u.api_key = "k";
  u.user_agent_suffix = "py\n";
  CHECK(kind_of([&] { avala::Client c(u, env_of({})); }) == ErrorKind::config);
}

TEST_CASE("a missing CA file is a configuration error") {
  avala::ClientOptions o;
  o.api_key = "k";
  o.ca_file = "/nonexistent/ca.pem";
  CHECK(kind_of([&] { avala::Client c(o, env_of({})); }) == ErrorKind::config);
}
