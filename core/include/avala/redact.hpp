// Redaction: the one place secrets are scrubbed from text shown to callers.
#pragma once

#include <string>
#include <string_view>

namespace avala {

inline constexpr std::string_view kRedacted = "[redacted]";

// Scrubs known secret shapes (JWTs, AWS ids and ARNs, STS tokens, PEM private
// keys, sk_/pk_/secret_/token_ and sk- keys, 40-hex Avala keys, Bearer and
// X-Avala-Api-Key values, key=value pairs with secret-like names) and every
// occurrence of `secret` (the configured API key, when 4+ characters long).
std::string redact_text(std::string_view text, std::string_view secret = {});

// Like redact_text, but when `body` is JSON the values under secret-like keys
// (api_key, authorization, password, secret, token, private_key, …) become
// "[redacted]" and every string is scrubbed; the result is JSON again.
std::string redact_body(std::string_view body, std::string_view secret = {});

// True when a JSON object key names a secret (lower-cased, non-alphanumerics
// removed, then compared with the contract's list).
bool is_secret_key(std::string_view key) noexcept;

}  // namespace avala
