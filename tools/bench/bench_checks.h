// glyphstream-bench's option checks that CLI11 does not make: contradictions the render tool
// refuses too, options --replot would ignore, and outputs that would overwrite the input or
// each other. Each runs before anything is measured or written.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "glyphstream/status.h"

namespace glyphstream::bench {

// --sync-uploads (= --upload-mode sync) with --upload-mode async or whole-page: kInvalidArgument,
// as in the render tool (the bench used to run sync).
Status check_upload_modes(bool sync_uploads, const std::vector<std::string>& modes);

// --replot draws plots and runs nothing: every option but --replot and --plot would be ignored
// (--json, --workload, ...), so any of them given is kInvalidArgument naming it.
Status check_replot_alone(const CLI::App& app);

struct BenchPaths {
  std::string json, stats_json, plot, replot;
};
// No output is the --replot input or another output, and no plot (--plot PATH writes
// PATH's stem "-<workload>" PATH's extension beside it) replaces one of them.
Status check_bench_paths(const BenchPaths& paths);

}  // namespace glyphstream::bench
