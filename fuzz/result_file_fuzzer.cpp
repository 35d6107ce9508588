// Fuzzes glyphstream-bench's result-file reader (--replot input, untrusted) and the gnuplot
// script built from what it accepts. Checks: no crash, no uncaught exception, and the script
// cannot carry a command: each line is one of the statements the writer emits, and every
// label sits in one quoted string on its line (no newline, no unpaired quote).
// The parse bounds (nesting depth, values, arrays and objects) are checked with small bounds,
// which inputs of fuzzing size reach: what they accept is nested no deeper and holds no more
// than they allow (counted here independently), and the default bounds accept it too.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "plot.h"
#include "result_file.h"

using glyphstream::fuzz::check;
namespace bench = glyphstream::bench;

namespace {

bool quotes_balanced(const std::string& line) {
  size_t quotes = 0;
  for (char c : line) quotes += c == '\'';
  return quotes % 2 == 0;
}

// The deepest nesting of arrays and objects outside strings, and their number.
struct Shape {
  size_t depth = 0, containers = 0;
};
Shape shape_of(std::string_view text) {
  Shape s;
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      ++s.containers;
      s.depth = std::max(s.depth, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  bench::ResultFileLimits small;
  small.max_depth = 4;
  small.max_values = 64;
  small.max_containers = 8;
  auto file = bench::parse_result_file(text, "fuzz input");
  auto bounded = bench::parse_result_file(text, "fuzz input", small);
  if (bounded.ok()) {
    const Shape shape = shape_of(text);
    check(file.ok(), "what small bounds accept, the default bounds accept");
    check(shape.depth <= small.max_depth, "accepted nesting within the depth bound");
    check(shape.containers <= small.max_containers, "accepted containers within the bound");
    size_t values = 1;  // the top-level array, then each row's series and its frames at least
    for (const auto& row : bounded.value().series) values += 1 + row.frame_cpu_ms.size();
    check(values <= small.max_values, "accepted values within the bound");
  }
  if (!file.ok()) return 0;
  std::vector<bench::NamedSeries> series;
  std::vector<std::string> paths;
  for (const auto& row : file.value().series) {
    check(!row.workload.empty() && row.workload.size() <= 32, "workload name bounded");
    for (char c : row.workload) check(c != '/' && c != '.' && c != '\'', "workload name safe");
    series.emplace_back(row.name, row.frame_cpu_ms);
    paths.push_back("/tmp/series-" + std::to_string(paths.size()) + ".dat");
  }
  auto script = bench::frame_time_plot_script("out.png", "glyphstream on " + file.value().machine,
                                              series, paths);
  check(script.ok(), "a safe output path is accepted");
  std::istringstream lines(script.value());
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    ++count;
    check(line.rfind("set ", 0) == 0 || line.rfind("plot ", 0) == 0, "only set/plot lines");
    check(quotes_balanced(line), "quotes balanced on every line");
    check(line.find('!') == std::string::npos, "no '!' (gnuplot's shell escape) anywhere");
  }
  check(count == 9, "the script has its 9 statements");
  return 0;
}
