// glyphstream-bench: the workloads that prove what the pipeline buys.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

#include "packing_workload.h"

namespace gs = glyphstream;

int main(int argc, char** argv) {
  CLI::App app{"glyphstream-bench: glyph atlas and upload pipeline benchmarks"};
  std::string workload = "packing";
  std::string json_path;
  bool quick = false;
  int page_size = 1024;
  app.add_option("--workload", workload, "packing")->check(CLI::IsMember({"packing"}));
  app.add_option("--json", json_path, "Write the results as a JSON array");
  app.add_option("--page-size", page_size, "Atlas page size for packing")->check(CLI::Range(64, 8192));
  app.add_flag("--quick", quick, "A short run (for CI)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  gs::bench::PackingOptions po;
  po.page_size = page_size;
  po.quick = quick;
  auto result = gs::bench::run_packing_workload(po);
  if (!result.ok()) {
    std::fprintf(stderr, "glyphstream-bench: %s\n", result.status().to_string().c_str());
    return 1;
  }
  for (const auto& row : result.value()) std::printf("%s\n", row.dump().c_str());
  if (!json_path.empty()) {
    std::ofstream out(json_path);
    out << result.value().dump(2) << '\n';
    if (!out) {
      std::fprintf(stderr, "glyphstream-bench: cannot write %s\n", json_path.c_str());
      return 1;
    }
  }
  return 0;
}
