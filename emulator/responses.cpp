#include "responses.hpp"

namespace emu {

void append_json_quoted(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out.push_back('"');
    for (unsigned char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (c < 0x20) {
                    out += "\\u00";
                    out.push_back(kHex[c >> 4]);
                    out.push_back(kHex[c & 15]);
                } else {
                    out.push_back(static_cast<char>(c));  // UTF-8 passes through
                }
        }
    }
    out.push_back('"');
}

std::string json_quote(std::string_view s) {
    std::string out;
    append_json_quoted(out, s);
    return out;
}

Response detail_response(unsigned status, std::string_view detail) {
    Response r;
    r.status = status;
    r.body = "{\"detail\":" + json_quote(detail) + "}";
    return r;
}

Response field_error(std::string_view field, std::string_view message) {
    Response r;
    r.status = 400;
    // Built by appends: GCC 12 -O3 warns (-Wrestrict, falsely) on the chained + form.
    r.body.reserve(field.size() + message.size() + 16);
    r.body += '{';
    r.body += json_quote(field);
    r.body += ":[";
    r.body += json_quote(message);
    r.body += "]}";
    return r;
}

}  // namespace emu
