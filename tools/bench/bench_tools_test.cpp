// glyphstream-bench's input and output handling without a GPU (issue 23): the bounded result-file
// parse, plot data and paths, plot errors, option checks and W5 row names.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "bench_checks.h"
#include "gpu_load.h"
#include "plot.h"
#include "result_file.h"

namespace glyphstream::bench {
namespace {

namespace fs = std::filesystem;

std::string repeat(const std::string& s, size_t n) {
  std::string out;
  out.reserve(s.size() * n);
  for (size_t i = 0; i < n; ++i) out += s;
  return out;
}

std::string row_with_series(const std::string& series) {
  return R"({"workload": "scroll", "upload_mode": "async", "threads": 2, "frame_cpu_ms_series": )" +
         series + "}";
}

// A 64 MiB file of tiny or nested arrays took 2.5 GB and 20 s before it was refused: the parse
// now stops at the first bound passed.
TEST(ResultFile, NestingAndElementCountAreBoundedDuringTheParse) {
  auto deep = parse_result_file(repeat("[", 100000) + repeat("]", 100000), "deep.json");
  ASSERT_FALSE(deep.ok());
  EXPECT_NE(deep.status().message().find("deeper than 16 levels"), std::string::npos)
      << deep.status().to_string();

  // 60 MB of "[]," (20 million arrays).
  const std::string tiny = "[" + repeat("[],", 20'000'000) + "[]]";
  auto arrays = parse_result_file(tiny, "tiny.json");
  ASSERT_FALSE(arrays.ok());
  EXPECT_NE(arrays.status().message().find("more than 100000 arrays and objects"),
            std::string::npos)
      << arrays.status().to_string();

  const std::string numbers = "[" + repeat("0,", 5'000'000) + "0]";
  auto values = parse_result_file(numbers, "numbers.json");
  ASSERT_FALSE(values.ok());
  EXPECT_NE(values.status().message().find("more than 4000000 values"), std::string::npos)
      << values.status().to_string();

  // What the bench itself may write stays inside: the longest series the reader accepts.
  const std::string longest =
      "[" + row_with_series("[" + repeat("1.5,", kMaxSeriesLength - 1) + "1.5]") + "]";
  auto accepted = parse_result_file(longest, "longest.json");
  ASSERT_TRUE(accepted.ok()) << accepted.status().to_string();
  ASSERT_EQ(accepted.value().series.size(), 1u);
  EXPECT_EQ(accepted.value().series[0].frame_cpu_ms.size(), kMaxSeriesLength);

  // The bounds are parameters (the fuzzer uses small ones).
  ResultFileLimits small;
  small.max_depth = 3;
  EXPECT_TRUE(parse_result_file("[" + row_with_series("[1]") + "]", "x", small).ok());
  EXPECT_FALSE(parse_result_file("[[" + row_with_series("[1]") + "]]", "x", small).ok());
  EXPECT_FALSE(parse_result_file("[1, 2", "x").ok());  // still not JSON
  // nlohmann-json stops at a NUL byte: what follows it would pass unread (result_file_fuzzer).
  auto nul = parse_result_file(std::string_view("[]\0[[[[[[", 10), "nul.json");
  ASSERT_FALSE(nul.ok());
  EXPECT_NE(nul.status().message().find("a NUL byte at offset 2"), std::string::npos)
      << nul.status().to_string();
}

TEST(ResultFile, SeriesWithoutFramesIsRefused) {
  auto empty = parse_result_file("[" + row_with_series("[]") + "]", "empty.json");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.status().message().find("\"frame_cpu_ms_series\" has no frames"),
            std::string::npos)
      << empty.status().to_string();
  // No series at all is a valid result file (raster and packing rows have none).
  auto none = parse_result_file("[]", "none.json");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none.value().series.empty());
}

// Values of 1e50 and above overflowed a 64-byte line: frame 0 became 1e61 and frame 1 was lost.
TEST(Plot, DataHasOneLinePerFrameWhateverTheValue) {
  const std::vector<double> ms = {1e50, 2.5, 1e300, 1.7976931348623157e308, 0, 12345678.125};
  std::istringstream data(frame_time_data(ms));
  std::string line;
  size_t frame = 0;
  while (std::getline(data, line)) {
    ASSERT_LT(frame, ms.size()) << line;
    std::istringstream fields(line);
    size_t f = 0;
    double v = 0;
    ASSERT_TRUE(fields >> f >> v) << line;
    EXPECT_EQ(f, frame);
    const double want = std::max(ms[frame], 1e-3);
    EXPECT_NEAR(v / want, 1.0, 1e-8) << line;
    ++frame;
  }
  EXPECT_EQ(frame, ms.size());
}

// The workload went in at the first dot of the whole path: "my.dir/plot" -> "my-scroll.dir/plot".
TEST(Plot, PathForAWorkloadChangesTheFileNameOnly) {
  EXPECT_EQ(plot_path_for("my.dir/plot", "scroll"), "my.dir/plot-scroll");
  EXPECT_EQ(plot_path_for("out/a.b/plot.png", "burst"), "out/a.b/plot-burst.png");
  EXPECT_EQ(plot_path_for("plot.png", "cold"), "plot-cold.png");
  EXPECT_EQ(plot_path_for("/tmp/x.tar.png", "zoom"), "/tmp/x.tar-zoom.png");
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Each failure says what failed: TMPDIR (threw std::filesystem_error: abort), a missing folder
// and an empty series ("is gnuplot-nox installed?"), gnuplot missing.
TEST(Plot, ErrorsSayWhatIsWrong) {
  const fs::path tmp = fs::temp_directory_path() / ("gs-plot-test-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  const std::vector<NamedSeries> series = {{"async x2", {1.0, 2.0}}};
  const std::string png = (tmp / "p.png").string();
  {
    ScopedEnv env("TMPDIR", (tmp / "missing").string());
    const Status s = plot_frame_times_safely(png, "t", series);
    EXPECT_EQ(s.code(), ErrorCode::kIoError);
    EXPECT_NE(s.message().find("TMPDIR="), std::string::npos) << s.to_string();
  }
  {
    std::ofstream(tmp / "a-file") << "x";
    ScopedEnv env("TMPDIR", (tmp / "a-file").string());
    const Status s = plot_frame_times_safely(png, "t", series);
    EXPECT_NE(s.message().find("is not a folder"), std::string::npos) << s.to_string();
  }
  Status s = plot_frame_times_safely((tmp / "no-such-folder/p.png").string(), "t", series);
  EXPECT_NE(s.message().find("no-such-folder does not exist"), std::string::npos) << s.to_string();
  EXPECT_EQ(s.message().find("gnuplot"), std::string::npos) << s.to_string();
  s = plot_frame_times_safely(png, "t", {{"async x2", {}}});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("has no frames"), std::string::npos) << s.to_string();
  s = plot_frame_times_safely(png, "t", {});
  EXPECT_NE(s.message().find("nothing to plot"), std::string::npos) << s.to_string();
  {
    ScopedEnv env("PATH", (tmp / "no-bin").string());
    s = plot_frame_times_safely(png, "t", series);
    EXPECT_NE(s.message().find("gnuplot was not found"), std::string::npos) << s.to_string();
  }
  fs::remove_all(tmp);
}

TEST(BenchChecks, SyncUploadsContradictingAnUploadModeIsRefused) {
  EXPECT_TRUE(check_upload_modes(false, {"async", "whole-page"}).ok());
  EXPECT_TRUE(check_upload_modes(true, {}).ok());
  EXPECT_TRUE(check_upload_modes(true, {"sync"}).ok());
  const Status s = check_upload_modes(true, {"sync", "async"});
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(s.message().find("--sync-uploads contradicts --upload-mode async"), std::string::npos)
      << s.to_string();
}

Status replot_check(const std::vector<std::string>& args) {
  CLI::App app;
  std::string replot, plot, json, workload = "scroll";
  bool quick = false;
  app.add_option("--replot", replot);
  app.add_option("--plot", plot);
  app.add_option("--json", json);
  app.add_option("--workload", workload)->capture_default_str();
  app.add_flag("--quick", quick);
  std::vector<std::string> reversed(args.rbegin(), args.rend());
  app.parse(reversed);
  return check_replot_alone(app);
}

// --replot ran nothing and ignored --json and --workload without a word.
TEST(BenchChecks, ReplotRefusesTheOptionsItWouldIgnore) {
  EXPECT_TRUE(replot_check({"--replot", "r.json", "--plot", "p.png"}).ok());
  EXPECT_TRUE(replot_check({"--json", "r.json", "--workload", "cold"}).ok());
  for (const char* option : {"--json", "--workload"}) {
    const Status s = replot_check({"--replot", "r.json", option, "x"});
    EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(s.message().find(std::string(option) + " would be ignored"), std::string::npos)
        << s.to_string();
  }
  EXPECT_FALSE(replot_check({"--replot", "r.json", "--quick"}).ok());
}

TEST(BenchChecks, OutputsMayNotReplaceTheInputOrEachOther) {
  const fs::path tmp = fs::temp_directory_path() / ("gs-paths-test-" + std::to_string(getpid()));
  fs::create_directories(tmp);
  const std::string results = (tmp / "results.json").string();
  std::ofstream(results) << "[]";
  fs::create_hard_link(results, tmp / "hard-link.json");

  EXPECT_TRUE(check_bench_paths({(tmp / "a.json").string(), (tmp / "a.jsonl").string(),
                                 (tmp / "plot.png").string(), results})
                  .ok());
  // The input, by another spelling and by a hard link.
  Status s = check_bench_paths({(tmp / "." / "results.json").string(), "", "", results});
  EXPECT_NE(s.message().find("--json"), std::string::npos) << s.to_string();
  EXPECT_NE(s.message().find("destroy the input"), std::string::npos) << s.to_string();
  s = check_bench_paths({"", (tmp / "hard-link.json").string(), "", results});
  EXPECT_NE(s.message().find("--stats-json"), std::string::npos) << s.to_string();
  // Two outputs, neither existing yet.
  s = check_bench_paths({(tmp / "out.json").string(), (tmp / "sub/../out.json").string(), "", ""});
  EXPECT_NE(s.message().find("one would replace the other"), std::string::npos) << s.to_string();
  // A plot beside them: --plot DIR/p.png writes DIR/p-<workload>.png.
  s = check_bench_paths({(tmp / "p-scroll.png").string(), "", (tmp / "p.png").string(), ""});
  EXPECT_NE(s.message().find("could be replaced by a plot"), std::string::npos) << s.to_string();
  EXPECT_TRUE(
      check_bench_paths({(tmp / "p-data.json").string(), "", (tmp / "p.png").string(), ""}).ok());
  // Devices take any number of writers.
  EXPECT_TRUE(check_bench_paths({"/dev/null", "/dev/null", "", ""}).ok());
  fs::remove_all(tmp);
}

// W5 rows were named after the load asked for (0.05 ms asked, 0.5..1.9 ms run), silently.
TEST(GpuLoad, RowsAreNamedByTheLoadReachedAndAFarMissWarns) {
  EXPECT_EQ(busy_row_name("scroll", 4.02), "busy-scroll-4ms");
  EXPECT_EQ(busy_row_name("burst", 0.5), "busy-burst-0_5ms");
  EXPECT_EQ(busy_row_name("scroll", 1.93), "busy-scroll-1_9ms");
  EXPECT_EQ(busy_row_name("scroll", 12.4), "busy-scroll-12ms");
  GpuLoad load;
  load.requested_ms = 0.05;
  load.measured_ms = 1.2;
  load.work = 1;
  const std::string warning = gpu_load_warning(load);
  EXPECT_NE(warning.find("0.05 ms asked, 1.2 ms reached"), std::string::npos) << warning;
  EXPECT_NE(warning.find("the least this GPU can do"), std::string::npos) << warning;
  load.measured_ms = 0.009;  // below the request: more work would do, the hint does not apply
  EXPECT_EQ(gpu_load_warning(load).find("the least"), std::string::npos);
  load.requested_ms = 4;
  load.measured_ms = 4.5;
  load.work = 100;
  EXPECT_EQ(gpu_load_warning(load), "");
  load.measured_ms = 2.9;
  EXPECT_NE(gpu_load_warning(load), "");
}

}  // namespace
}  // namespace glyphstream::bench
