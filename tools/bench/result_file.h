// Reading glyphstream-bench --json results back (--replot), as untrusted input: every field the
// plots use is type-checked, names are limited to a safe character set, sizes are bounded.
// Nothing read here reaches a command language unchecked (plot.h passes data through files).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::bench {

constexpr size_t kMaxResultFileBytes = size_t{64} << 20;  // 64 MiB
constexpr size_t kMaxSeriesLength = 1'000'000;            // frames per series

struct PlotSeries {
  std::string workload;  // [A-Za-z0-9_-], 1..32 characters (it becomes part of a file name)
  std::string name;      // "<upload_mode> x<threads>"
  std::vector<double> frame_cpu_ms;  // finite, >= 0
};

struct ResultFile {
  std::string machine = "the measuring machine";  // the last row's "machine", if any
  std::vector<PlotSeries> series;                 // rows with a frame_cpu_ms_series
};

// Parses and validates a result file's text. Errors (kInvalidArgument) name the row and field:
// "row 3: \"machine\" must be a string, not a number". `what` names the file in messages.
Result<ResultFile> parse_result_file(std::string_view json, const std::string& what);
// Reads `path` (at most kMaxResultFileBytes) and parses it. kIoError when unreadable.
Result<ResultFile> read_result_file(const std::string& path);

// Keeps printable ASCII letters, digits and " .,:;()+-_x/@#" and replaces anything else with
// '?', at most `max_len` characters: what may appear in a plot title.
std::string sanitize_label(std::string_view text, size_t max_len = 120);

}  // namespace glyphstream::bench
