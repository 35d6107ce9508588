// Fuzzes glyphstream-render's command line and environment parsing (the function the tool's
// main calls, nothing run): input = lines; line 1 is GLYPHSTREAM_SYNC_UPLOADS, line 2
// GLYPHSTREAM_THREADS, line 3 GLYPHSTREAM_BACKEND (a lone "-" = unset; any other variable is
// unset), every further line one argument.
// Checks: no crash or sanitizer report, exit status only 0 or 1, a parse that goes on has a
// wrap width inside the range --help states, warnings only for values not understood, no
// accepted job whose output is its input or another output (paths spelled alike).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_check.h"
#include "render_options.h"

using glyphstream::fuzz::check;
namespace tools = glyphstream::tools;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;
  std::vector<std::string> lines(1);
  for (size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      lines.emplace_back();
    } else {
      lines.back() += char(data[i]);
    }
  }
  while (lines.size() < 3) lines.emplace_back("-");
  const std::string sync = lines[0], threads = lines[1], backend = lines[2];
  const std::vector<std::string> args(lines.begin() + 3, lines.end());
  auto getenv = [&](const char* name) -> const char* {
    const std::string n = name;
    const std::string* v = n == "GLYPHSTREAM_SYNC_UPLOADS" ? &sync
                           : n == "GLYPHSTREAM_THREADS"    ? &threads
                           : n == "GLYPHSTREAM_BACKEND"    ? &backend
                                                           : nullptr;
    return v == nullptr || *v == "-" ? nullptr : v->c_str();
  };
  tools::RenderCommandLine cl = tools::parse_render_command_line(args, getenv);
  if (cl.exit_code) {
    check(*cl.exit_code == tools::kExitOk || *cl.exit_code == tools::kExitError,
          "exit status is 0 or 1");
    check(*cl.exit_code == tools::kExitOk || !cl.err.empty(), "an error says why");
    return 0;
  }
  const int width = cl.job.options.width;
  check(width >= tools::kMinWrapWidth && width <= tools::kMaxWrapWidth,
        "a width --help accepts is one the tool accepts");
  check(cl.job.desc.threads >= 1 && cl.job.desc.threads <= 256, "thread count 1..256");
  check(cl.job.warnings.size() <= 3, "at most one warning per variable");
  const tools::RenderOptions& o = cl.job.options;
  if (tools::validate_render_job(&cl.job).ok()) {
    check(o.out.empty() || o.out != o.common.stats_json, "an output named twice is refused");
    check(o.file.empty() || o.file == "-" || o.file != o.out, "the input is never the output");
  }
  return 0;
}
