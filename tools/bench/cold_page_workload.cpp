#include "cold_page_workload.h"

#include <sys/resource.h>
#include <time.h>

#include <chrono>
#include <cstdint>
#include <vector>

#include "glyphstream/text_system.h"
#include "headless_target.h"
#include "texts/bench_texts.h"
#include "workloads.h"

namespace glyphstream::bench {
namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

constexpr int kSizes[] = {14, 20, 32};
constexpr int kWidth = 2560, kHeight = 2048;

// This thread's CPU time: on a shared machine, the caller's own work without the time it
// waited for a core (with one thread, layout, rasterization and packing all run here).
double thread_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// The calling thread's involuntary context switches so far (preemptions).
long involuntary_switches() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_nivcsw;
}

struct Parts {
  double create_ms = 0, complete_ms = 0, frame_cpu_ms = 0;
  double draw_thread_cpu_ms = 0, commit_thread_cpu_ms = 0;  // the caller's CPU time
  // Times the caller was preempted during commit(): its wall-clock parts (pack_ms) include the
  // time it waited for a core, where workers and driver threads outnumber the cores.
  double commit_involuntary_switches = 0;
  double layout_ms[3] = {};      // draw_text per size (the layout and the glyphs' queueing)
  double layout_cpu_ms[3] = {};  // the same, the caller's CPU time
  double layouts_wall_ms = 0;    // prefetch_layout() calls (if any) and the three draw_text()
  FrameStats stats;
};

Result<Parts> run_once(tools::HeadlessTarget* target, const TextSystemDesc& desc,
                       const std::string& text, const RenderingStyle& rendering,
                       bool prefetch_layout) {
  Parts p;
  auto t = Clock::now();
  GS_ASSIGN_OR_RETURN(auto ts, TextSystem::create(desc));
  p.create_ms = ms_since(t);
  GS_TRY(target->clear(Color{1, 1, 1, 1}));
  TextStyle styles[3];
  for (int i = 0; i < 3; ++i) {
    styles[i].font = "Sans " + std::to_string(kSizes[i]);
    styles[i].color = Color{0.1f, 0.1f, 0.1f, 1};
    styles[i].wrap_width = float(kWidth - 8);
    styles[i].rendering = rendering;
  }
  const auto start = Clock::now();
  const double cpu0 = thread_cpu_ms();
  if (prefetch_layout) {
    for (const TextStyle& style : styles) GS_TRY(ts->prefetch_layout(text, style));
  }
  GS_TRY(ts->begin_frame(target->width(), target->height()));
  float y = 4;
  for (int i = 0; i < 3; ++i) {
    const TextStyle& style = styles[i];
    t = Clock::now();
    const double cpu = thread_cpu_ms();
    GS_TRY(ts->draw_text(4, y, text, style));
    p.layout_ms[i] = ms_since(t);
    p.layout_cpu_ms[i] = thread_cpu_ms() - cpu;
    y += 2 + float(kSizes[i]) * 1.4f * float(text.size() / 3 * kSizes[i] / (kWidth - 8) + 2);
  }
  p.layouts_wall_ms = ms_since(start);
  const double cpu1 = thread_cpu_ms();
  const long switches = involuntary_switches();
  GS_TRY(ts->commit());
  p.draw_thread_cpu_ms = cpu1 - cpu0;
  p.commit_thread_cpu_ms = thread_cpu_ms() - cpu1;
  p.commit_involuntary_switches = double(involuntary_switches() - switches);
  GS_TRY(ts->flush());
  p.frame_cpu_ms = ms_since(start);
  GS_TRY(ts->finish());
  p.complete_ms = ms_since(start);
  p.stats = ts->last_frame_stats();
  return p;
}

void put_parts(const std::vector<Parts>& runs, const std::string& prefix, bool p50,
               nlohmann::ordered_json* row) {
  const auto value = [&](auto get) {
    std::vector<double> v;
    for (const Parts& p : runs) v.push_back(get(p));
    return p50 ? percentile(v, 0.5) : v.front();
  };
  auto& j = *row;
  const auto ms = [](uint64_t ns) { return double(ns) / 1e6; };
  j[prefix + "create_ms"] = value([](const Parts& p) { return p.create_ms; });
  for (int i = 0; i < 3; ++i) {
    j[prefix + "layout_" + std::to_string(kSizes[i]) + "px_ms"] =
        value([i](const Parts& p) { return p.layout_ms[i]; });
    j[prefix + "layout_" + std::to_string(kSizes[i]) + "px_thread_cpu_ms"] =
        value([i](const Parts& p) { return p.layout_cpu_ms[i]; });
  }
  j[prefix + "layouts_wall_ms"] = value([](const Parts& p) { return p.layouts_wall_ms; });
  j[prefix + "layout_ms"] = value([&](const Parts& p) { return ms(p.stats.layout_ns); });
  j[prefix + "rasterize_ms"] = value([&](const Parts& p) { return ms(p.stats.rasterize_ns); });
  j[prefix + "pack_ms"] = value([&](const Parts& p) { return ms(p.stats.pack_ns); });
  j[prefix + "pack_bookkeeping_ms"] =
      value([&](const Parts& p) { return ms(p.stats.pack_ns - p.stats.pixel_write_ns); });
  j[prefix + "pixel_write_ms"] = value([&](const Parts& p) { return ms(p.stats.pixel_write_ns); });
  j[prefix + "upload_ms"] = value([&](const Parts& p) { return ms(p.stats.upload_cpu_ns); });
  j[prefix + "commit_ms"] = value([&](const Parts& p) { return ms(p.stats.commit_cpu_ns); });
  j[prefix + "draw_ms"] = value([&](const Parts& p) { return ms(p.stats.draw_cpu_ns); });
  j[prefix + "draw_thread_cpu_ms"] = value([](const Parts& p) { return p.draw_thread_cpu_ms; });
  j[prefix + "commit_thread_cpu_ms"] = value([](const Parts& p) { return p.commit_thread_cpu_ms; });
  j[prefix + "commit_involuntary_switches"] =
      value([](const Parts& p) { return p.commit_involuntary_switches; });
  j[prefix + "frame_cpu_ms"] = value([](const Parts& p) { return p.frame_cpu_ms; });
  j[prefix + "complete_ms"] = value([](const Parts& p) { return p.complete_ms; });
  j[prefix + "growths"] = value([](const Parts& p) { return double(p.stats.growths); });
}

}  // namespace

Result<nlohmann::ordered_json> run_cold_page_workload(const ColdPageOptions& o) {
  GS_ASSIGN_OR_RETURN(auto target, tools::HeadlessTarget::create(
                                       {o.backend, kWidth, kHeight, false, o.linear_light}));
  TextSystemDesc desc;
  desc.threads = o.threads;
  desc.upload_mode_set = true;
  desc.upload_mode = o.mode;
  target->configure(&desc);
  const std::string text = cold_page_text();
  std::vector<Parts> runs;
  for (int i = 0; i < (o.runs > 0 ? o.runs : 1); ++i) {
    GS_ASSIGN_OR_RETURN(Parts p,
                        run_once(target.get(), desc, text, o.rendering, o.prefetch_layout));
    runs.push_back(p);
  }
  nlohmann::ordered_json row;
  row["workload"] = "cold-page";
  row["upload_mode"] = upload_mode_name(o.mode);
  row["threads"] = o.threads;
  row["prefetch_layout"] = o.prefetch_layout;
  row["runs"] = runs.size();
  const FrameStats& s = runs.front().stats;
  row["glyphs_rasterized"] = s.glyphs_rasterized;
  row["glyphs_culled"] = s.glyphs_culled;
  row["raster_errors"] = s.raster_errors;
  row["glyph_bytes"] = s.glyph_bytes;
  row["pages"] = s.pages;
  if (o.rendering != RenderingStyle{}) {
    row["antialias"] = int(o.rendering.antialias);
    row["subpixel_order"] = int(o.rendering.subpixel_order);
    row["hinting"] = int(o.rendering.hinting);
    row["lcd_text"] = s.lcd_text;
  }
  put_parts({runs.front()}, "cold_", false, &row);
  if (runs.size() > 1) {
    put_parts(std::vector<Parts>(runs.begin() + 1, runs.end()), "warm_p50_", true, &row);
  }
  row["machine"] = target->description();
  return row;
}

}  // namespace glyphstream::bench
