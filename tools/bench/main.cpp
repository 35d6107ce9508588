// glyphstream-bench: the workloads that prove what the pipeline buys.
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "bench_checks.h"
#include "cli_common.h"
#include "cold_page_workload.h"
#include "gpu_load.h"
#include "headless_target.h"
#include "packing_workload.h"
#include "plot.h"
#include "raster_workload.h"
#include "rendering_flags.h"
#include "result_file.h"
#include "rotate_workload.h"
#include "workloads.h"

namespace gs = glyphstream;

namespace {

struct Options {
  std::string workload = "scroll";
  std::vector<std::string> modes;
  int threads = 0;
  int frames = 0;
  std::string json_path;
  std::string plot_path;
  std::string replot;
  std::string stats_json;
  bool all = false;
  bool quick = false;
  bool clip = false;                          // W4 draws with DrawParams::clip
  bool render_thread = false;                 // frames built on a second thread (TextRenderer)
  bool prefetch_layout = false;               // cold-page: TextSystem::prefetch_layout first
  gs::tools::RenderingFlags rendering_flags;  // --antialias, --hinting, ... of every draw
  gs::RenderingStyle rendering;
  int page_size = 1024;
  int width = 1280, height = 800;
  gs::GpuApi backend = gs::GpuApi::kGl;
  std::vector<double> gpu_load_ms;   // W5: the busy scene's GPU time per frame
  std::vector<double> frame_gap_ms;  // W5's control: CPU idle after each frame, no GPU load
  std::vector<int> zoom_background;  // TextSystemDesc::zoom_background_glyphs sweep
};

void progress_line(const std::string& label, int done, int total) {
  static const bool tty = isatty(STDERR_FILENO);
  if (!tty) return;
  std::fprintf(stderr, "\r  %-36s %5d / %-5d", label.c_str(), done, total);
  if (done == total) std::fprintf(stderr, "\r%72s\r", "");
  std::fflush(stderr);
}

void print_row(const nlohmann::ordered_json& j) {
  auto num = [&](const char* key) -> std::string {
    if (!j.contains(key)) return "-";
    if (j[key].is_string()) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f", j[key].get<double>());
    return buf;
  };
  std::printf(
      "%-6s %-8s %-10s thr %-3d frames %-4d cpu p50 %8s p99 %8s max %8s ms | commit p50 %9s us"
      " | %10llu B %6llu copies | stalls %s ms | gpu up %s dr %s ms\n",
      j.value("backend", std::string("gl")).c_str(), j["workload"].get<std::string>().c_str(),
      j["upload_mode"].get<std::string>().c_str(), j["threads"].get<int>(),
      int(j["frames"].get<size_t>()), num("frame_cpu_ms_p50").c_str(),
      num("frame_cpu_ms_p99").c_str(), num("frame_cpu_ms_max").c_str(),
      num("commit_cpu_us_p50").c_str(),
      static_cast<unsigned long long>(j["bytes_uploaded"].get<uint64_t>()),
      static_cast<unsigned long long>(j["copy_commands"].get<uint64_t>()), num("stall_ms").c_str(),
      num("gpu_upload_ms").c_str(), num("gpu_draw_ms").c_str());
  // Render-thread mode: the render thread's submit() per frame, beside the building thread's.
  if (j.contains("render_thread_submit_ms_p50")) {
    std::printf("       render thread submit p50 %s p99 %s ms\n",
                num("render_thread_submit_ms_p50").c_str(),
                num("render_thread_submit_ms_p99").c_str());
  }
  // What the hand-off moves (single-thread mode) and what it costs (render-thread mode).
  if (j.contains("movable_ms_p50")) {
    std::printf("       movable p50 %s p99 %s ms | floor p99(frame - movable)/p99(frame) %s\n",
                num("movable_ms_p50").c_str(), num("movable_ms_p99").c_str(),
                num("handoff_floor").c_str());
  }
  if (j.contains("handoff_ms_p50")) {
    std::printf(
        "       handoff p50 %s p99 %s ms | queue wait p50 %s p99 %s ms | lock wait p50 %s"
        " p99 %s ms\n",
        num("handoff_ms_p50").c_str(), num("handoff_ms_p99").c_str(),
        num("queue_wait_ms_p50").c_str(), num("queue_wait_ms_p99").c_str(),
        num("lock_wait_ms_p50").c_str(), num("lock_wait_ms_p99").c_str());
  }
}

// One PNG per workload from validated result rows (each row carries its frame_cpu_ms_series).
gs::Status write_plots(const gs::bench::ResultFile& results, const std::string& plot_path,
                       const std::string& machine) {
  std::map<std::string, std::vector<gs::bench::NamedSeries>> by_workload;
  for (const auto& row : results.series) {
    by_workload[row.workload].emplace_back(row.name, row.frame_cpu_ms);
  }
  if (by_workload.empty()) {
    return {gs::ErrorCode::kInvalidArgument, "no row has a frame_cpu_ms_series: nothing to plot"};
  }
  for (const auto& [workload, series] : by_workload) {
    const std::string path = gs::bench::plot_path_for(plot_path, workload);
    GS_TRY(gs::bench::plot_frame_times_safely(path, "glyphstream " + workload + " on " + machine,
                                              series));
    std::printf("wrote %s\n", path.c_str());
  }
  return {};
}

// No copy from host memory beats 10 TB/s today (HBM3e is about 5): a faster "measurement" is a
// timer that did not see the copy (llvmpipe reported 3.3 PB/s), so it is reported as
// unavailable, and the ideal upload time derived from it is dropped.
constexpr double kMaxBelievableGbps = 10'000;
void drop_impossible_bandwidth(nlohmann::ordered_json* summary) {
  auto it = summary->find("h2d_bandwidth_gbps");
  if (it == summary->end() || !it->is_number()) return;
  const double gbps = it->get<double>();
  if (std::isfinite(gbps) && gbps > 0 && gbps <= kMaxBelievableGbps) return;
  char why[160];
  std::snprintf(why, sizeof why,
                "unavailable (measured %.3g GB/s, above the %.0f GB/s any copy can reach: the "
                "timer did not see the copy)",
                gbps, kMaxBelievableGbps);
  *it = why;
  summary->erase("ideal_upload_ms");
}

gs::Status write_json(const std::string& path, const nlohmann::ordered_json& results) {
  std::ofstream out(path);
  if (!out) return {gs::ErrorCode::kIoError, "cannot open " + path + " for writing"};
  out << results.dump(2) << '\n';
  out.close();  // flushes: a full disk shows up only here
  if (!out) return {gs::ErrorCode::kIoError, "cannot write " + path};
  return {};
}

// W5: calibrates the busy scene to `load_ms` of GPU time per frame (none for 0).
gs::Status apply_gpu_load(gs::tools::HeadlessTarget* target, double load_ms,
                          gs::bench::WorkloadSpec* spec) {
  if (load_ms <= 0) return {};
  GS_ASSIGN_OR_RETURN(const gs::bench::GpuLoad load,
                      gs::bench::calibrate_gpu_load(target, load_ms));
  std::printf("# GPU load %.3g ms: busy scene work %u, measured %.3f ms%s\n", load_ms, load.work,
              load.measured_ms,
              load.wall_clock ? " (wall clock: the GPU timer missed the pass)" : "");
  if (const std::string warning = gs::bench::gpu_load_warning(load); !warning.empty()) {
    std::fprintf(stderr, "glyphstream-bench: warning: %s\n", warning.c_str());
  }
  spec->busy_work = load.work;
  spec->gpu_load_ms = load.requested_ms;
  spec->gpu_load_measured_ms = load.measured_ms;
  spec->gpu_load_wall_clock = load.wall_clock;
  return {};
}

// One row per upload mode of `base`.
gs::Status run_modes(gs::tools::HeadlessTarget* target, const gs::bench::WorkloadSpec& base,
                     const std::vector<std::string>& modes, nlohmann::ordered_json* results,
                     std::vector<gs::FrameStats>* all_frames) {
  for (const std::string& mode_name : modes) {
    gs::bench::WorkloadSpec spec = base;
    gs::parse_upload_mode(mode_name, &spec.mode);
    const std::string label = spec.workload + " " + mode_name + " x" + std::to_string(spec.threads);
    GS_ASSIGN_OR_RETURN(auto r, gs::bench::run_workload(target, spec, [&](int d, int t) {
                          progress_line(label, d, t);
                        }));
    if (spec.busy_work) {
      r.summary["workload"] = gs::bench::busy_row_name(spec.workload, spec.gpu_load_measured_ms);
    }
    drop_impossible_bandwidth(&r.summary);
    print_row(r.summary);
    r.summary["machine"] = target->description();
    results->push_back(r.summary);
    all_frames->insert(all_frames->end(), r.frames.begin(), r.frames.end());
  }
  return {};
}

gs::Status run(const Options& o) {
  if (!o.replot.empty()) {
    GS_ASSIGN_OR_RETURN(gs::bench::ResultFile results, gs::bench::read_result_file(o.replot));
    return write_plots(results, o.plot_path, results.machine);
  }
  nlohmann::ordered_json results = nlohmann::ordered_json::array();
  std::vector<gs::FrameStats> all_frames;

  std::vector<std::string> workloads = {o.workload};
  std::vector<std::string> modes = o.modes;
  if (modes.empty()) modes = {"async", "sync", "whole-page"};
  const int hw = int(std::max(1u, std::thread::hardware_concurrency()));
  std::vector<int> thread_counts = {o.threads ? o.threads : hw};
  if (o.all || o.quick)
    workloads = {"cold",  "scroll", "zoom",    "zoom-relayout", "steady",
                 "burst", "raster", "packing", "rotate"};
  // W5: scroll and the burst under the application's GPU load (default 1, 4 and 8 ms).
  std::vector<double> loads = o.gpu_load_ms;
  if (o.workload == "busy" && !o.all) {
    workloads = {"scroll", "burst"};
    if (loads.empty()) loads = {1, 4, 8};
  }
  if (loads.empty()) loads = {0};
  std::vector<double> gaps = o.frame_gap_ms;
  if (gaps.empty()) gaps = {0};
  std::vector<int> zooms = o.zoom_background;
  if (zooms.empty()) zooms = {0};
  if (o.all) {
    thread_counts.clear();
    for (int t = 1; t <= hw; t *= 2) thread_counts.push_back(t);
    if (thread_counts.back() != hw) thread_counts.push_back(hw);
  }

  std::unique_ptr<gs::tools::HeadlessTarget> target;
  for (const std::string& workload : workloads) {
    if (o.render_thread && workload != "scroll" && workload != "zoom" &&
        workload != "zoom-relayout" && workload != "steady") {
      std::printf("# %s: no render-thread mode (a TextSystem per run, or no frames): skipped\n",
                  workload.c_str());
      continue;
    }
    if (workload == "raster") {
      std::vector<int> counts = thread_counts;
      if (counts.front() != 1) counts.insert(counts.begin(), 1);
      GS_ASSIGN_OR_RETURN(auto rows, gs::bench::run_raster_workload(counts, o.quick));
      for (auto& row : rows) {
        std::printf("raster   %s\n", row.dump().c_str());
        results.push_back(row);
      }
      continue;
    }
    if (workload == "cold-page") {  // issue 26: one cold page per process, part by part
      for (const std::string& mode_name : modes) {
        gs::bench::ColdPageOptions co;
        co.backend = o.backend;
        co.threads = thread_counts.back();
        gs::parse_upload_mode(mode_name, &co.mode);
        co.runs = o.frames;
        co.rendering = o.rendering;
        co.linear_light = o.rendering_flags.linear_light;
        co.prefetch_layout = o.prefetch_layout;
        GS_ASSIGN_OR_RETURN(auto row, gs::bench::run_cold_page_workload(co));
        std::printf("cold-page %s\n", row.dump().c_str());
        results.push_back(row);
      }
      continue;
    }
    if (workload == "packing") {
      gs::bench::PackingOptions po;
      po.page_size = o.page_size;
      po.quick = o.quick;
      GS_ASSIGN_OR_RETURN(auto rows, gs::bench::run_packing_workload(po));
      for (auto& row : rows) {
        std::printf("packing  %s\n", row.dump().c_str());
        results.push_back(nlohmann::ordered_json::parse(row.dump()));
      }
      continue;
    }
    if (!target) {
      GS_ASSIGN_OR_RETURN(target, gs::tools::HeadlessTarget::create(
                                      {o.backend, o.width, o.height,
                                       /*validation=*/false, o.rendering_flags.linear_light}));
      std::printf("# %s, %d hardware threads\n", target->description().c_str(), hw);
    }
    if (workload == "rotate") {  // issue 22: a cold page at a new angle against upright
      for (const std::string& mode_name : modes) {
        gs::bench::RotateOptions ro;
        ro.threads = thread_counts.back();
        gs::parse_upload_mode(mode_name, &ro.mode);
        ro.runs = o.frames;
        ro.quick = o.quick;
        GS_ASSIGN_OR_RETURN(auto row, gs::bench::run_rotate_workload(target.get(), ro));
        std::printf("rotate   %s\n", row.dump().c_str());
        results.push_back(row);
      }
      continue;
    }
    // The thread sweep matters where rasterization does: the cold page (W1) and the burst.
    const bool sweep = workload == "cold" || workload == "burst";
    for (const double load_ms : loads) {
      for (int threads : sweep ? thread_counts : std::vector<int>{thread_counts.back()}) {
        gs::bench::WorkloadSpec base;
        base.workload = workload;
        base.threads = threads;
        base.frames = o.frames;
        base.quick = o.quick;
        base.clip = o.clip;
        base.render_thread = o.render_thread;
        base.rendering = o.rendering;
        GS_TRY(apply_gpu_load(target.get(), load_ms, &base));
        for (const double gap_ms : gaps) {
          for (const int zoom_background : zooms) {
            base.frame_gap_ms = gap_ms;
            base.zoom_background_glyphs = zoom_background;
            GS_TRY(run_modes(target.get(), base, modes, &results, &all_frames));
          }
        }
      }
    }
  }
  // Under GLYPHSTREAM_VK_VALIDATION=1 a run with any validation message fails.
  if (target) GS_TRY(gs::tools::check_validation(target.get()));
  if (!o.json_path.empty()) GS_TRY(write_json(o.json_path, results));
  if (!o.stats_json.empty()) GS_TRY(gs::tools::write_stats_jsonl(o.stats_json, all_frames));
  if (!o.plot_path.empty()) {
    // Plots are a convenience: a machine without gnuplot still gets its JSON.
    gs::Status plotted;
    auto rows = gs::bench::parse_result_file(results.dump(), "the results");
    if (!rows.ok()) plotted = rows.status();
    if (plotted.ok())
      plotted = write_plots(rows.value(), o.plot_path, target ? target->description() : "");
    if (!plotted.ok())
      std::fprintf(stderr, "glyphstream-bench: no plots: %s\n", plotted.to_string().c_str());
  }
  return gs::tools::flush_stdout();
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // rows appear as they are measured, even in a file
  Options o;
  CLI::App app{"glyphstream-bench: glyph atlas and upload pipeline benchmarks"};
  app.add_option(
         "--workload", o.workload,
         "cold (W1), scroll (W2), zoom (W3, draw_text_scaled), zoom-relayout (W3 laid out again "
         "every frame: the baseline), steady (W4), burst (2,000 new glyphs), busy (W5: scroll "
         "and burst under --gpu-load-ms, default 1, 4 and 8), raster, packing, rotate (a cold "
         "page turned by a new angle against the same page upright; --frames: pairs of runs), "
         "cold-page (6,630 distinct CJK and Cyrillic glyphs at 14, 20 and 32 px, part by part; "
         "--frames: fresh text systems, the first one cold)")
      ->check(CLI::IsMember({"cold", "scroll", "zoom", "zoom-relayout", "steady", "burst", "busy",
                             "raster", "packing", "rotate", "cold-page"}))
      ->capture_default_str();
  app.add_option("--gpu-load-ms", o.gpu_load_ms,
                 "GPU time of the application's own drawing before the text, every frame "
                 "(a calibrated full-screen shader; repeatable; W5)")
      ->check(gs::tools::number_range(0.05, 100.0));
  app.add_option("--frame-gap-ms", o.frame_gap_ms,
                 "CPU idle after every frame, outside the measurement (W5's control: the idle "
                 "time a GPU load causes, without the load; repeatable)")
      ->check(gs::tools::number_range(0.0, 100.0));
  app.add_option("--zoom-background-glyphs", o.zoom_background,
                 "TextSystemDesc::zoom_background_glyphs for every run (repeatable: a sweep)")
      ->check(gs::tools::int_range(1, 100000));
  app.add_option("--upload-mode", o.modes,
                 "async, sync, whole-page (repeatable; default all three)")
      ->check(CLI::IsMember({"async", "sync", "whole-page"}));
  std::string backend;
  app.add_option("--backend", backend,
                 "Graphics API: gl (default) or vulkan (default: GLYPHSTREAM_BACKEND, else gl)")
      ->check(CLI::IsMember({"gl", "vulkan"}));
  bool sync_uploads = false;
  app.add_flag("--sync-uploads", sync_uploads, "= --upload-mode sync");
  app.add_option("--threads", o.threads, "Rasterizer threads (default: all cores)")
      ->check(gs::tools::int_range(1, 256));
  app.add_option("--frames", o.frames, "Frames (or runs, for cold and burst)")
      ->check(gs::tools::int_range(1, 100000));
  app.add_option("--json", o.json_path, "Write one JSON object per workload and mode (an array)");
  app.add_option(
      "--plot", o.plot_path,
      "Write PNG plots of frame CPU time per frame and mode (gnuplot; one per workload)");
  app.add_option(
      "--replot", o.replot,
      "Draw the --plot files from an earlier --json result instead of running (no other option "
      "applies)");
  app.add_option("--stats-json", o.stats_json,
                 "Write every measured frame's statistics as JSON lines");
  app.add_option("--page-size", o.page_size, "Atlas page size for packing")
      ->check(gs::tools::int_range(64, 8192));
  app.add_option("--size", o.width, "Viewport width")->check(gs::tools::int_range(64, 8192));
  app.add_option("--height", o.height,
                 "Viewport height (default 800; W4 culls nothing from 1100: the quads of "
                 "builds without culling)")
      ->check(gs::tools::int_range(64, 8192));
  app.add_flag("--all", o.all, "Every workload and mode, with a thread sweep");
  app.add_flag("--clip", o.clip, "steady (W4): every draw with a DrawParams::clip");
  app.add_flag("--render-thread", o.render_thread,
               "Frames built on a second thread and submitted on the GPU context's thread "
               "(TextRenderer; scroll, zoom, zoom-relayout, steady, busy)");
  app.add_flag("--prefetch-layout", o.prefetch_layout,
               "cold-page: the paragraphs handed to TextSystem::prefetch_layout before the frame");
  app.add_flag("--quick", o.quick, "A few frames of every workload and mode (for CI)");
  gs::tools::add_rendering_flags(app, &o.rendering_flags);
  if (auto exit_code = gs::tools::parse_command_line(
          app, std::vector<std::string>(argv + 1, argv + argc), std::cout, std::cerr)) {
    return *exit_code;
  }
  if (!o.replot.empty() && o.plot_path.empty()) o.plot_path = "plot.png";
  gs::Status checked = gs::bench::check_upload_modes(sync_uploads, o.modes);
  if (checked.ok()) checked = gs::bench::check_replot_alone(app);
  if (checked.ok()) {
    auto rendering = gs::tools::rendering_style(o.rendering_flags);
    checked = rendering.status();
    if (rendering.ok()) o.rendering = *rendering;
  }
  if (checked.ok()) {
    checked = gs::bench::check_bench_paths({o.json_path, o.stats_json, o.plot_path, o.replot});
  }
  if (!checked.ok()) {
    std::fprintf(stderr, "glyphstream-bench: %s\n", checked.to_string().c_str());
    return gs::tools::kExitError;
  }
  if (sync_uploads) o.modes = {"sync"};
  const gs::tools::EnvironmentOptions env = gs::tools::read_environment(std::getenv);
  gs::tools::print_environment_warnings("glyphstream-bench", env.warnings);
  o.backend = env.backend.value_or(gs::GpuApi::kGl);
  if (!backend.empty()) gs::parse_gpu_api(backend, &o.backend);
  gs::Status status;
  try {
    status = run(o);
  } catch (const std::exception& e) {  // a bug: still a message and exit 1, not an abort
    status = {gs::ErrorCode::kInternal, std::string("unexpected exception: ") + e.what()};
  }
  if (!status.ok()) {
    std::fprintf(stderr, "glyphstream-bench: %s\n", status.to_string().c_str());
    return gs::tools::kExitError;
  }
  return gs::tools::kExitOk;
}
