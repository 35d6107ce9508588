// glyphstream-bench as a user runs it: argument errors, a full disk, plot paths, the replot of
// untrusted JSON (never a command), and the bandwidth it reports.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "tool_command.h"

namespace glyphstream {
namespace {

// The command runner and the hostile cases (tool_command.h).
using namespace testing;  // NOLINT(google-build-using-namespace)

std::string bench_tool() {
  return std::string(GLYPHSTREAM_BINARY_DIR) + "/tools/bench/glyphstream-bench";
}

// --replot reads untrusted JSON: no field reaches gnuplot's command language, every field's type
// is checked (tests/data/hostile/replot/<case>.json + <case>.case).
TEST(BenchTool, ReplotCasesNeverRunCommandsAndCheckEveryType) {
  if (!std::filesystem::exists(bench_tool())) GTEST_SKIP() << "glyphstream-bench not built";
  const std::string marker = "/tmp/glyphstream-test-replot-pwned";
  const std::string tmp = temp_path("replot");
  std::filesystem::create_directories(tmp);
  const auto files = case_files("replot");
  ASSERT_GE(files.size(), 5u);
  for (const auto& file : files) {
    std::filesystem::remove(marker);
    const HostileCase c = read_case(file, tmp);
    std::filesystem::path json = file;
    json.replace_extension(".json");
    // Optional "env:" and "args:" lines as in the render cases (args may give their own --plot).
    const std::string plot =
        c.args.find("--plot") == std::string::npos ? " --plot " + tmp + "/" + c.name + ".png" : "";
    const CommandRun r = run((c.env.empty() ? "" : "env " + c.env + " ") + bench_tool() +
                             " --replot " + json.string() + plot + " " + c.args);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.name << "\n" << r.output;
    EXPECT_NE(r.output.find(c.expect), std::string::npos)
        << c.name << ": expected \"" << c.expect << "\" in:\n"
        << r.output;
    EXPECT_FALSE(std::filesystem::exists(marker)) << c.name << " ran a shell command";
  }
}

TEST(BenchTool, ArgumentErrorsExit1AndAFullDiskIsAnError) {
  if (!std::filesystem::exists(bench_tool())) GTEST_SKIP() << "glyphstream-bench not built";
  CommandRun r = run(bench_tool() + " --workload nonsense");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  r = run(bench_tool() + " --frames 0");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  // Issue 23: contradictions are refused as the render tool refuses them (the bench ran sync),
  // and a value that is not an integer says so.
  r = run(bench_tool() + " --sync-uploads --upload-mode async --workload packing --quick");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("--sync-uploads contradicts --upload-mode async"), std::string::npos)
      << r.output;
  r = run(bench_tool() + " --frames 2.5");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("2.5 is not an integer"), std::string::npos) << r.output;
  EXPECT_EQ(run(bench_tool() + " --help").exit_code, 0);
  // The packing workload needs no GPU: its JSON goes to a full device.
  r = run(bench_tool() + " --workload packing --quick --json /dev/full");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("cannot write /dev/full"), std::string::npos) << r.output;
}

// --plot DIR/NAME puts the workload into NAME, not at the first dot of the whole path
// ("my.dir/plot" wrote "my-scroll.dir/plot"), and a missing folder is named as such (it blamed
// gnuplot's installation).
TEST(BenchTool, PlotPathsKeepTheirFolderAndErrorsNameTheCause) {
  if (!std::filesystem::exists(bench_tool())) GTEST_SKIP() << "glyphstream-bench not built";
  const std::filesystem::path tmp = temp_path("plot-paths-" + std::to_string(getpid()));
  std::filesystem::remove_all(tmp);
  std::filesystem::create_directories(tmp / "my.dir");
  const std::string json = std::string(GLYPHSTREAM_SOURCE_DIR) +
                           "/tests/data/hostile/replot/machine-runs-a-shell-command.json";
  CommandRun r =
      run(bench_tool() + " --replot " + json + " --plot " + (tmp / "my.dir/plot").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(std::filesystem::exists(tmp / "my.dir/plot-scroll")) << r.output;
  EXPECT_FALSE(std::filesystem::exists(tmp / "my-scroll.dir")) << r.output;

  r = run(bench_tool() + " --replot " + json + " --plot " + (tmp / "missing/plot.png").string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("missing does not exist"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("gnuplot-nox"), std::string::npos) << r.output;
  std::filesystem::remove_all(tmp);
}

// Without a temporary folder (TMPDIR missing) the plots cannot be drawn: the run says so and
// keeps its JSON, exit 0 (it aborted with an uncaught std::filesystem_error, exit 134).
TEST(BenchTool, MissingTmpdirLosesThePlotsOnlyWithAMessage) {
  if (!std::filesystem::exists(bench_tool())) GTEST_SKIP() << "glyphstream-bench not built";
  const std::string json = temp_path("tmpdir-" + std::to_string(getpid()) + ".json");
  const std::string plot = temp_path("tmpdir-" + std::to_string(getpid()) + ".png");
  const CommandRun r = run("TMPDIR=/nonexistent-glyphstream-tmpdir " + bench_tool() +
                           " --workload steady --upload-mode async --frames 2 --threads 2 --json " +
                           json + " --plot " + plot + " </dev/null");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("no plots: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("TMPDIR=/nonexistent-glyphstream-tmpdir is not a folder"),
            std::string::npos)
      << r.output;
  EXPECT_TRUE(std::filesystem::exists(json));
  std::filesystem::remove(json);
}

// The burst's bandwidth probe: a number is one a host-to-device copy can reach (at most 10,000
// GB/s), or the field says "unavailable (...)". llvmpipe's timer queries do not see its lazy
// copy: it printed 3.3 PB/s before the check.
TEST(BenchTool, BandwidthIsBelievableOrUnavailable) {
  if (!std::filesystem::exists(bench_tool())) GTEST_SKIP() << "glyphstream-bench not built";
  const std::string json = (std::filesystem::temp_directory_path() /
                            ("gs-bandwidth-" + std::to_string(getpid()) + ".json"))
                               .string();
  const CommandRun r =
      run(bench_tool() + " --workload burst --upload-mode async --frames 1 --threads 2 --json " +
          json + " </dev/null");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  std::ifstream in(json);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(json);
  const std::string key = "\"h2d_bandwidth_gbps\":";
  const size_t at = text.find(key);
  ASSERT_NE(at, std::string::npos) << text;
  size_t v = at + key.size();
  while (v < text.size() && text[v] == ' ') ++v;
  if (text[v] == '"') {
    EXPECT_EQ(text.compare(v + 1, 11, "unavailable"), 0) << text.substr(at, 200);
  } else {
    const double gbps = std::strtod(text.c_str() + v, nullptr);
    EXPECT_GT(gbps, 0.0) << text.substr(at, 200);
    EXPECT_LE(gbps, 10000.0) << text.substr(at, 200);
  }
}

}  // namespace
}  // namespace glyphstream
