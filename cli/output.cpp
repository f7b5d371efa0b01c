#include "output.hpp"

#include <algorithm>
#include <cerrno>
#include <system_error>
#include <utility>

namespace avala_cli {

void Output::fail(int err) {
    if (err == EPIPE) throw BrokenPipe{};
    throw std::system_error(err, std::generic_category(), "cannot write to standard output");
}

void Output::write(std::string_view s) {
    if (s.empty()) return;
    errno = 0;
    if (std::fwrite(s.data(), 1, s.size(), f_) != s.size()) fail(errno ? errno : EIO);
}

void Output::flush() {
    errno = 0;
    if (std::fflush(f_) != 0) fail(errno ? errno : EIO);
}

std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7f) {
            out += '?';
        } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
            out += '?';  // U+0080..U+009F, the C1 controls
            ++i;
        } else {
            out += s[i];
        }
    }
    return out;
}

namespace {
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xc0) == 0x80; }
}  // namespace

std::size_t display_width(std::string_view s) {
    return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return !is_continuation(c); }));
}

std::string truncate_to(std::string_view s, std::size_t width) {
    if (width == 0 || display_width(s) <= width) return std::string(s);
    // Keep width - 1 code points, then the ellipsis.
    std::size_t kept = 0, i = 0;
    for (; i < s.size(); ++i) {
        if (!is_continuation(s[i])) {
            if (kept == width - 1) break;
            ++kept;
        }
    }
    return std::string(s.substr(0, i)) + "\xE2\x80\xA6";  // U+2026 "…"
}

Table::Table(Output& out, std::vector<Column> columns, std::size_t sample_rows)
    : out_(out), columns_(std::move(columns)), sample_rows_(std::max<std::size_t>(sample_rows, 1)) {}

void Table::add(std::vector<std::string> cells) {
    cells.resize(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c)
        if (columns_[c].max_width) cells[c] = truncate_to(cells[c], columns_[c].max_width);
    if (frozen_) {
        write_row(cells);
        return;
    }
    pending_.push_back(std::move(cells));
    if (pending_.size() >= sample_rows_) freeze();
}

void Table::finish() {
    if (!frozen_) freeze();
}

void Table::freeze() {
    frozen_ = true;
    widths_.assign(columns_.size(), 0);
    std::vector<std::string> header;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        header.emplace_back(columns_[c].title);
        widths_[c] = display_width(columns_[c].title);
        for (const auto& row : pending_) widths_[c] = std::max(widths_[c], display_width(row[c]));
    }
    write_row(header);
    for (const auto& row : pending_) write_row(row);
    pending_.clear();
    pending_.shrink_to_fit();
}

void Table::write_row(const std::vector<std::string>& cells) {
    std::string line;
    for (std::size_t c = 0; c < cells.size(); ++c) {
        line += cells[c];
        if (c + 1 < cells.size()) {
            std::size_t w = display_width(cells[c]);
            line.append((w < widths_[c] ? widths_[c] - w : 0) + 2, ' ');
        }
    }
    line += '\n';
    out_.write(line);
}

void JsonArrayWriter::add(std::string_view json) {
    out_.write(first_ ? "[\n" : ",\n");
    out_.write(json);
    first_ = false;
}

void JsonArrayWriter::finish() { out_.write(first_ ? "[]\n" : "\n]\n"); }

}  // namespace avala_cli
