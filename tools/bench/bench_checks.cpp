#include "bench_checks.h"

#include <filesystem>

#include "output_paths.h"

namespace glyphstream::bench {

Status check_upload_modes(bool sync_uploads, const std::vector<std::string>& modes) {
  if (!sync_uploads) return {};
  for (const std::string& mode : modes) {
    if (mode != "sync") {
      return {ErrorCode::kInvalidArgument, "--sync-uploads contradicts --upload-mode " + mode};
    }
  }
  return {};
}

Status check_replot_alone(const CLI::App& app) {
  if (app.count("--replot") == 0) return {};
  for (const CLI::Option* option : app.get_options()) {
    const std::string name = option->get_name();
    if (option->count() == 0 || name == "--replot" || name == "--plot" || name == "--help") {
      continue;
    }
    return {ErrorCode::kInvalidArgument,
            "--replot only draws the plots of an earlier result file (with --plot); " + name +
                " would be ignored"};
  }
  return {};
}

Status check_bench_paths(const BenchPaths& p) {
  GS_TRY(tools::check_distinct_paths({{"--replot", p.replot, /*output=*/false},
                                      {"--json", p.json},
                                      {"--stats-json", p.stats_json}}));
  if (p.plot.empty()) return {};
  const std::filesystem::path plot(p.plot);
  const std::string dir = plot.parent_path().empty() ? "." : plot.parent_path().string();
  const std::string prefix = plot.stem().string() + "-", suffix = plot.extension().string();
  for (const tools::PathUse& use :
       {tools::PathUse{"--replot", p.replot, false}, tools::PathUse{"--json", p.json},
        tools::PathUse{"--stats-json", p.stats_json}}) {
    if (!tools::matches_written_name(use.path, dir, prefix, tools::NameMiddle::kWordChars,
                                     suffix)) {
      continue;
    }
    return {ErrorCode::kInvalidArgument,
            use.option + " " + use.path + " could be replaced by a plot: --plot " + p.plot +
                " writes " + prefix + "<workload>" + suffix + " beside it (nothing was written)"};
  }
  return {};
}

}  // namespace glyphstream::bench
