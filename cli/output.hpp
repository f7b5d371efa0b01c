// Writing results: stdout with broken-pipe detection, terminal-safe text,
// aligned tables and streamed JSON arrays.
#pragma once

#include <cstddef>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace avala_cli {

// Thrown when the reader of stdout went away (`avala ... | head`): main
// stops quietly with status 0. SIGPIPE is ignored so this is how we learn it.
struct BrokenPipe {};

class Output {
public:
    explicit Output(std::FILE* f) : f_(f) {}
    // Throws BrokenPipe on EPIPE, std::system_error on any other write error.
    void write(std::string_view s);
    void flush();

private:
    [[noreturn]] void fail(int err);
    std::FILE* f_;
};

// Text from the server made safe for a terminal: control characters (C0, DEL,
// C1), which could move the cursor or forge lines, become '?'.
std::string printable(std::string_view s);
// Width in columns, counted as UTF-8 code points.
std::size_t display_width(std::string_view s);
// At most `width` columns; a cut string ends with "…".
std::string truncate_to(std::string_view s, std::size_t width);

// An aligned text table. Column widths come from the header and the first
// `sample_rows` rows, which are held back until then; later rows are
// written at once, so a table of any length streams in bounded memory.
class Table {
public:
    struct Column {
        std::string_view title;
        std::size_t max_width = 0;  // 0: no limit; longer cells are cut with "…"
    };

    Table(Output& out, std::vector<Column> columns,
          std::size_t sample_rows = std::numeric_limits<std::size_t>::max());
    // Cells are printed as given (make them printable() first).
    void add(std::vector<std::string> cells);
    // Writes what is held back (at least the header).
    void finish();

private:
    void freeze();
    void write_row(const std::vector<std::string>& cells);

    Output& out_;
    std::vector<Column> columns_;
    std::size_t sample_rows_;
    std::vector<std::vector<std::string>> pending_;
    std::vector<std::size_t> widths_;
    bool frozen_ = false;
};

// A JSON array written item by item: "[\n" item ",\n" item "\n]\n", or "[]\n".
class JsonArrayWriter {
public:
    explicit JsonArrayWriter(Output& out) : out_(out) {}
    void add(std::string_view json);
    void finish();

private:
    Output& out_;
    bool first_ = true;
};

}  // namespace avala_cli
