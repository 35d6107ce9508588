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

// Bounds on the parse itself, checked while parsing (SAX), so that 64 MiB of tiny or nested
// arrays is refused after a few MB and milliseconds, not after 2.5 GB and 20 s. A bench result
// is 3 levels deep (array, row, series), a few hundred rows, up to a few million numbers.
struct ResultFileLimits {
  size_t max_depth = 16;            // nested arrays and objects
  size_t max_values = 4'000'000;    // every value (numbers, strings, arrays, objects ...)
  size_t max_containers = 100'000;  // arrays and objects
};

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
// "row 3: \"machine\" must be a string, not a number". `what` names the file in messages. A
// series without frames is refused; a file without any series is not (a run of the raster
// and packing workloads has none): --replot refuses that itself.
Result<ResultFile> parse_result_file(std::string_view json, const std::string& what,
                                     const ResultFileLimits& limits = {});
// Reads `path` (at most kMaxResultFileBytes) and parses it. kIoError when unreadable.
Result<ResultFile> read_result_file(const std::string& path);

// Keeps printable ASCII letters, digits and " .,:;()+-_x/@#" and replaces anything else with
// '?', at most `max_len` characters: what may appear in a plot title.
std::string sanitize_label(std::string_view text, size_t max_len = 120);

}  // namespace glyphstream::bench
