// Flags every tool shares (upload mode, kill switch, threads, stats) and small helpers.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "glyphstream/stats.h"
#include "glyphstream/status.h"
#include "glyphstream/text_system.h"

namespace glyphstream::tools {

struct CommonOptions {
  std::string upload_mode;  // empty: the library's default (environment, then async)
  bool sync_uploads = false;
  int threads = 0;
  std::string stats_json;
  std::string backend;  // "gl", "vulkan"; empty: GLYPHSTREAM_BACKEND, else gl
};

// What the environment asks for (GLYPHSTREAM_SYNC_UPLOADS, GLYPHSTREAM_THREADS,
// GLYPHSTREAM_BACKEND), read through
// `getenv` so that tests and fuzzers can pass their own; a value that is not understood is
// ignored and explained in `warnings` (the tools print them on stderr).
struct EnvironmentOptions {
  std::optional<bool> sync_uploads;
  std::optional<int> threads;
  std::optional<GpuApi> backend;
  std::vector<std::string> warnings;
};
using Getenv = std::function<const char*(const char*)>;
EnvironmentOptions read_environment(const Getenv& getenv);
// Prints each warning as "<tool>: warning: ..." on stderr and tells the library it was printed
// (each warning starts with its variable's name), so that no variable is warned about twice.
void print_environment_warnings(const char* tool, const std::vector<std::string>& warnings);

// Exit status of every tool: 0 on success and for --help, 1 for any error (argument errors
// included: CLI11's own codes 104..114 are not used).
constexpr int kExitOk = 0;
constexpr int kExitError = 1;
// Parses the command line; on a parse error (or --help) writes CLI11's message to out / err and
// returns the exit status, else nullopt (go on).
std::optional<int> parse_command_line(CLI::App& app, std::vector<std::string> args,
                                      std::ostream& out, std::ostream& err);

// CLI11's Range for option values, with a message that says what is wrong: "100.5 is not an
// integer", "abc is not a number", "99999 is not in 16..16352". Values are converted as CLI11
// converts the option itself, so what the check accepts is what the option holds.
CLI::Validator int_range(int64_t min, int64_t max);
CLI::Validator number_range(double min, double max);

// Adds --backend, --upload-mode, --sync-uploads, --threads and --stats-json.
void add_common_options(CLI::App& app, CommonOptions* options);
// Validates the options and applies them, then the environment where no option decides, to a
// TextSystemDesc (so the library never reads the environment behind the tool's back).
Status apply_common_options(const CommonOptions& options, const EnvironmentOptions& env,
                            TextSystemDesc* desc);

// Parses #rgb, #rrggbb, #rrggbbaa or a few names (black, white, ...).
Result<Color> parse_color(const std::string& text);

// Writes one JSON object per frame, one per line.
Status write_stats_jsonl(const std::string& path, const std::vector<FrameStats>& frames);

// Flushes standard output and reports a write error (a full disk, /dev/full) as kIoError.
Status flush_stdout();

// A short human profile of one frame.
void print_profile(std::FILE* out, const FrameStats& s, const std::string& renderer,
                   const std::string& async_path);

}  // namespace glyphstream::tools
