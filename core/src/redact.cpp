#include "avala/redact.hpp"

#include <boost/json.hpp>
#include <boost/regex.hpp>
#include <array>

namespace avala {

namespace json = boost::json;

namespace {

#define SECRET_NAMES                                                                  \
  "api[_-]?key|authorization|password|passwd|client[_-]?secret|secret|access[_-]?token|" \
  "refresh[_-]?token|token|private[_-]?key|aws[_-]?secret[_-]?access[_-]?key"

// One pattern per secret shape from the contract. Boost.Regex rather than
// std::regex: it is non-recursive, so a long body cannot overflow the stack.
struct Rule {
  boost::regex re;
  const char* replacement;
};

// Made once and never destroyed: a library thread (an engine's runner) may
// still report an error while the process exits, after static destructors ran.
const std::array<Rule, 13>& rules() {
  static const auto flags = boost::regex::perl;
  static const auto& r = *new const std::array<Rule, 13>{{
      // PEM private keys, also when the END line was cut off.
      {boost::regex(R"(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:.*?-----END [A-Z0-9 ]*PRIVATE KEY-----|.*\z))",
                    flags | boost::regex::mod_s),
       "[redacted]"},
      {boost::regex(R"(\beyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*)", flags), "[redacted]"},
      {boost::regex(R"(\b(?:AKIA|ASIA)[A-Z0-9]{16}\b)", flags), "[redacted]"},
      // STS session tokens start with these base64 prefixes.
      {boost::regex(R"((?:FwoGZXIvYXdz|IQoJb3JpZ2lu)[A-Za-z0-9/+=]{16,})", flags), "[redacted]"},
      {boost::regex(R"(\barn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:[0-9]*:[^\s"',;]+)", flags), "[redacted]"},
      {boost::regex(R"(\b(?:sk|pk|secret|token)_[A-Za-z0-9_-]{8,})", flags), "[redacted]"},
      {boost::regex(R"(\bsk-[A-Za-z0-9_-]{16,})", flags), "[redacted]"},
      {boost::regex(R"(\b[0-9a-fA-F]{40}\b)", flags), "[redacted]"},
      {boost::regex(R"(\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]+)", flags | boost::regex::icase),
       "$1 [redacted]"},
      {boost::regex(R"((X-Avala-Api-Key\s*[:=]\s*)[^\s,;"']+)", flags | boost::regex::icase), "$1[redacted]"},
      // key=value and "key": "value" with a secret-like key name, in free text.
      // (An unquoted "password: msg" is a field error message, left alone.)
      {boost::regex(R"(((?<![A-Za-z0-9])[A-Za-z0-9_-]*?(?:)" SECRET_NAMES R"()\s*=\s*"?)[^\s"&,;}]+)",
                    flags | boost::regex::icase),
       "$1[redacted]"},
      {boost::regex(R"((["'][A-Za-z0-9_-]*?(?:)" SECRET_NAMES R"()["']\s*:\s*["']?)[^\s"'&,;}]+)",
                    flags | boost::regex::icase),
       "$1[redacted]"},
      {boost::regex(R"((://[^/\s:@]+:)[^/\s@]+@)", flags), "$1[redacted]@"},
  }};
  return r;
}

void replace_all(std::string& s, std::string_view needle, std::string_view with) {
  if (needle.empty()) return;
  for (std::size_t pos = s.find(needle); pos != std::string::npos; pos = s.find(needle, pos + with.size())) {
    s.replace(pos, needle.size(), with);
  }
}

void redact_value(json::value& v, std::string_view secret) {
  switch (v.kind()) {
    case json::kind::string: {
      std::string_view sv = v.get_string();
      std::string red = redact_text(sv, secret);
      if (red != sv) v = red;
      break;
    }
    case json::kind::array:
      for (auto& item : v.get_array()) redact_value(item, secret);
      break;
    case json::kind::object: {
      json::object& obj = v.get_object();
      bool renamed = false;
      for (auto& [k, item] : obj) {
        if (is_secret_key(k) && !item.is_null()) {
          item = kRedacted;
        } else {
          redact_value(item, secret);
        }
        renamed = renamed || redact_text(k, secret) != std::string_view(k);
      }
      // A secret can hide in a key too (found by fuzz_redact): rebuild the
      // object with scrubbed keys, keeping the order.
      if (renamed) {
        json::object out(obj.storage());
        for (auto& [k, item] : obj) out[redact_text(k, secret)] = std::move(item);
        obj = std::move(out);
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace

bool is_secret_key(std::string_view key) noexcept {
  static constexpr std::array<std::string_view, 9> kNames{
      "apikey", "authorization", "password", "secret", "token",
      "privatekey", "clientsecret", "awssecretaccesskey", "xavalaapikey"};
  char buf[64];
  std::size_t n = 0;
  for (char ch : key) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) == 0) continue;
    if (n == sizeof buf) return false;
    buf[n++] = static_cast<char>(std::tolower(c));
  }
  std::string_view norm(buf, n);
  for (auto name : kNames) {
    if (norm.find(name) != std::string_view::npos) return true;
  }
  return false;
}

std::string redact_text(std::string_view text, std::string_view secret) {
  std::string out(text);
  // The configured key first, so a key of any shape is gone before patterns
  // run. A key under 4 characters would blank out ordinary words instead.
  if (secret.size() >= 4) replace_all(out, secret, kRedacted);
  try {
    for (const auto& rule : rules()) {
      out = boost::regex_replace(out, rule.re, rule.replacement);
    }
  } catch (const std::runtime_error&) {
    // Boost.Regex gave up on a pathological input: show nothing rather than
    // risk showing a secret.
    return std::string("[redacted: ") + std::to_string(text.size()) + " bytes]";
  }
  return out;
}

std::string redact_body(std::string_view body, std::string_view secret) {
  json::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !(v.is_object() || v.is_array())) return redact_text(body, secret);
  redact_value(v, secret);
  return json::serialize(v);
}

}  // namespace avala
