#include "json_lite.hpp"

#include <charconv>
#include <cstdint>
#include <system_error>

#include "output.hpp"

namespace avala_cli {
namespace {

class Reader {
public:
    explicit Reader(std::string_view s) : s_(s) {}

    void skip_ws() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n' || s_[i_] == '\r')) ++i_;
    }
    bool at_end() const { return i_ >= s_.size(); }
    bool consume(char c) {
        skip_ws();
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }

    // A string literal's extent, quotes included.
    std::optional<std::string_view> string_literal() {
        skip_ws();
        if (i_ >= s_.size() || s_[i_] != '"') return std::nullopt;
        std::size_t start = i_++;
        while (i_ < s_.size()) {
            char c = s_[i_++];
            if (c == '\\') {
                if (i_ >= s_.size()) return std::nullopt;
                ++i_;
            } else if (c == '"') {
                return s_.substr(start, i_ - start);
            } else if (static_cast<unsigned char>(c) < 0x20) {
                return std::nullopt;
            }
        }
        return std::nullopt;
    }

    // Any value's extent. Nesting is checked for balance, scalars only for shape.
    std::optional<std::string_view> value(int depth = 0) {
        if (depth > 512) return std::nullopt;
        skip_ws();
        if (i_ >= s_.size()) return std::nullopt;
        std::size_t start = i_;
        char c = s_[i_];
        if (c == '"') return string_literal();
        if (c == '{' || c == '[') {
            char close = c == '{' ? '}' : ']';
            ++i_;
            if (consume(close)) return s_.substr(start, i_ - start);
            do {
                if (c == '{') {
                    if (!string_literal() || !consume(':')) return std::nullopt;
                }
                if (!value(depth + 1)) return std::nullopt;
            } while (consume(','));
            if (!consume(close)) return std::nullopt;
            return s_.substr(start, i_ - start);
        }
        while (i_ < s_.size()) {
            char d = s_[i_];
            bool scalar = (d >= '0' && d <= '9') || (d >= 'a' && d <= 'z') || d == '-' || d == '+' || d == '.' ||
                          d == 'E';
            if (!scalar) break;
            ++i_;
        }
        if (i_ == start) return std::nullopt;
        return s_.substr(start, i_ - start);
    }

private:
    std::string_view s_;
    std::size_t i_ = 0;
};

void append_utf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

std::optional<std::uint32_t> hex4(std::string_view s, std::size_t at) {
    if (at + 4 > s.size()) return std::nullopt;
    std::uint32_t v = 0;
    for (std::size_t k = at; k < at + 4; ++k) {
        char c = s[k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= static_cast<std::uint32_t>(c - '0');
        else if (c >= 'a' && c <= 'f') v |= static_cast<std::uint32_t>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= static_cast<std::uint32_t>(c - 'A' + 10);
        else return std::nullopt;
    }
    return v;
}

}  // namespace

std::optional<std::string> json_decode_string(std::string_view lit) {
    if (lit.size() < 2 || lit.front() != '"' || lit.back() != '"') return std::nullopt;
    std::string_view s = lit.substr(1, lit.size() - 2);
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        char c = s[i];
        if (c != '\\') {
            out += c;
            continue;
        }
        if (++i >= s.size()) return std::nullopt;
        switch (s[i]) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                auto cp = hex4(s, i + 1);
                if (!cp) return std::nullopt;
                i += 4;
                if (*cp >= 0xd800 && *cp <= 0xdbff) {  // a high surrogate wants its low half
                    std::optional<std::uint32_t> lo;
                    if (i + 2 < s.size() && s[i + 1] == '\\' && s[i + 2] == 'u') lo = hex4(s, i + 3);
                    if (lo && *lo >= 0xdc00 && *lo <= 0xdfff) {
                        cp = 0x10000 + ((*cp - 0xd800) << 10) + (*lo - 0xdc00);
                        i += 6;
                    } else {
                        cp = 0xfffd;
                    }
                } else if (*cp >= 0xdc00 && *cp <= 0xdfff) {
                    cp = 0xfffd;
                }
                append_utf8(out, *cp);
                break;
            }
            default:
                return std::nullopt;
        }
    }
    return out;
}

std::optional<std::vector<JsonMember>> json_object_members(std::string_view json) {
    Reader r(json);
    std::vector<JsonMember> members;
    if (!r.consume('{')) return std::nullopt;
    if (!r.consume('}')) {
        do {
            auto key = r.string_literal();
            if (!key || !r.consume(':')) return std::nullopt;
            auto decoded = json_decode_string(*key);
            auto value = r.value();
            if (!decoded || !value) return std::nullopt;
            members.push_back({std::move(*decoded), *value});
        } while (r.consume(','));
        if (!r.consume('}')) return std::nullopt;
    }
    r.skip_ws();
    if (!r.at_end()) return std::nullopt;
    return members;
}

std::optional<std::vector<std::string_view>> json_array_items(std::string_view json) {
    Reader r(json);
    std::vector<std::string_view> items;
    if (!r.consume('[')) return std::nullopt;
    if (!r.consume(']')) {
        do {
            auto value = r.value();
            if (!value) return std::nullopt;
            items.push_back(*value);
        } while (r.consume(','));
        if (!r.consume(']')) return std::nullopt;
    }
    r.skip_ws();
    if (!r.at_end()) return std::nullopt;
    return items;
}

namespace {

// A non-integer number in its shortest round-trip form ("9E-1" -> "0.9");
// integers, which a double could round, stay as written.
std::optional<std::string> display_number(std::string_view raw) {
    if (raw.find_first_of(".eE") == std::string_view::npos) return std::nullopt;
    double v = 0;
    auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), v);
    if (ec != std::errc{} || end != raw.data() + raw.size()) return std::nullopt;
    char buf[64];
    auto [out, ec2] = std::to_chars(buf, buf + sizeof buf, v);
    if (ec2 != std::errc{}) return std::nullopt;
    return std::string(buf, out);
}

}  // namespace

std::string json_display_value(std::string_view raw) {
    if (raw == "null") return "-";
    if (!raw.empty() && (raw.front() == '-' || (raw.front() >= '0' && raw.front() <= '9')))
        if (auto n = display_number(raw)) return *n;
    if (!raw.empty() && raw.front() == '"')
        if (auto s = json_decode_string(raw)) return printable(*s);
    if (!raw.empty() && raw.front() == '[')
        if (auto items = json_array_items(raw)) {
            std::string joined;
            for (std::string_view item : *items) {
                auto s = item.starts_with('"') ? json_decode_string(item) : std::nullopt;
                if (!s) return printable(raw);  // not all strings: show the JSON
                joined += (joined.empty() ? "" : ", ") + printable(*s);
            }
            return joined.empty() ? "-" : joined;
        }
    return printable(raw);
}

std::string json_quote(std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            out += "\\u00";
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        } else {
            out += c;
        }
    }
    out += '"';
    return out;
}

std::optional<std::string> json_redact_members(std::string_view json, std::span<const std::string_view> fields) {
    auto members = json_object_members(json);
    if (!members) return std::nullopt;
    // Splice from the back so earlier offsets stay valid.
    std::string out(json);
    for (auto m = members->rbegin(); m != members->rend(); ++m) {
        bool secret = false;
        for (std::string_view f : fields) secret = secret || m->key == f;
        if (!secret || m->raw == "null") continue;
        auto at = static_cast<std::size_t>(m->raw.data() - json.data());
        out.replace(at, m->raw.size(), "\"[redacted]\"");
    }
    return out;
}

}  // namespace avala_cli

namespace avala_cli {

std::string json_compact(std::string_view json) {
    std::string out;
    out.reserve(json.size());
    bool in_string = false, escaped = false;
    for (char c : json) {
        if (in_string) {
            out += c;
            if (escaped) escaped = false;
            else if (c == '\\') escaped = true;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
            out += c;
        } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            out += c;
        }
    }
    return out;
}

}  // namespace avala_cli
