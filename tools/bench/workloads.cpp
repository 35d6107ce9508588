#include "workloads.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>
#include <thread>

#include "glyphstream/text_system.h"
#include "render_thread_loop.h"
#include "workload_summary.h"

namespace glyphstream::bench {

namespace {

using Clock = std::chrono::steady_clock;

struct FrameTime {
  Clock::time_point start;  // before begin_frame
  double cpu_ms = 0;        // begin_frame .. flush
};

double ms_since(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// 2,000 distinct CJK characters (each a new glyph), 40 to a line.
std::vector<std::string> burst_lines(int count) {
  std::vector<std::string> lines;
  std::string line;
  for (int i = 0; i < count; ++i) {
    const char32_t c = char32_t(0x4E00 + i * 7 % 0x51A5);
    line += char(0xe0 | (c >> 12));
    line += char(0x80 | ((c >> 6) & 0x3f));
    line += char(0x80 | (c & 0x3f));
    if ((i + 1) % 40 == 0) {
      lines.push_back(line);
      line.clear();
    }
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

TextStyle style(const std::string& font, const RenderingStyle& rendering = {}) {
  TextStyle s;
  s.font = font;
  s.rendering = rendering;
  s.color = Color{0.1f, 0.1f, 0.1f, 1};
  return s;
}

// One frame: the measured CPU part (begin_frame .. flush) and, outside the measurement, the
// throttling a swap chain does: at most two finished frames stay in flight on the GPU, so that
// uploads in sync mode meet textures that earlier draws still read, as they would in a game.
// With a busy GPU (W5), the application's own drawing replaces the clear: queued before the
// text, not waited for, and not part of the measurement.
template <typename DrawFn>
Status frame(tools::HeadlessTarget* target, TextSystem* ts, DrawFn&& draw, FrameTime* time,
             uint32_t busy_work = 0, double gap_ms = 0) {
  if (busy_work) {
    GS_TRY(target->draw_busy_scene(Color{1, 1, 1, 1}, busy_work));
  } else {
    GS_TRY(target->clear(Color{1, 1, 1, 1}));
  }
  time->start = Clock::now();
  GS_TRY(ts->begin_frame(target->width(), target->height()));
  GS_TRY(draw());
  GS_TRY(ts->commit());
  GS_TRY(ts->flush());
  time->cpu_ms = ms_since(time->start);
  GS_TRY(ts->throttle(2));
  if (gap_ms > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(gap_ms));
  return {};
}

// What one workload draws, and on how many text systems, as data: run_workload() runs them all
// with the same frame loop.
struct Scene {
  int width = 0, height = 0;
  std::vector<std::string> lines;
  bool clip = false;         // WorkloadSpec::clip
  RenderingStyle rendering;  // WorkloadSpec::rendering
};

// What a workload adds to the summary, from its run.
struct RunRecord {
  const WorkloadSpec& spec;
  const TextSystemDesc& desc;       // the desc before the workload's own changes
  std::vector<double> complete_ms;  // per measured frame, when the workload finishes each one
  // Busy GPU, fresh systems, where the device clock is known (Vulkan): per measured frame, the
  // busy scene before it and the frame's uploads.
  std::vector<std::pair<GpuSpan, GpuSpan>> scene_and_upload;
};

struct WorkloadDesc {
  std::string_view name;
  int frames = 0, quick_frames = 0;  // measured frames (fresh-system workloads: runs)
  int warmup = 0, quick_warmup = 0;  // unmeasured frames (runs) before them
  // A new TextSystem for every frame (a run), waited for on the GPU after that frame.
  bool fresh_system_per_frame = false;
  // Frames each fresh TextSystem draws with settle() before its measured frame.
  int settle_frames = 0;
  std::vector<std::string> (*lines)() = nullptr;
  void (*configure)(TextSystemDesc* desc) = nullptr;
  Status (*draw)(TextSystem& ts, const Scene& scene, int frame) = nullptr;
  Status (*settle)(TextSystem& ts, int frame) = nullptr;
  Status (*add_summary)(const RunRecord& run, WorkloadResult* r) = nullptr;
  // After the measured frames, on the shared system (the workload's desc in run.desc).
  Status (*after_run)(tools::HeadlessTarget* target, TextSystem& ts, const Scene& scene,
                      const RunRecord& run, WorkloadResult* r) = nullptr;
};

std::vector<std::string> mixed_screen_lines() { return split_lines(kMixedScreen); }
std::vector<std::string> cjk_document_lines() { return split_lines(kCjkDocument); }
std::vector<std::string> burst_glyph_lines() { return burst_lines(2000); }

// W1: an empty atlas renders one screen of mixed text at three sizes.
Status draw_cold(TextSystem& ts, const Scene& scene, int) {
  float y = 4;
  for (const char* font : {"Sans 14", "Sans 20", "Sans 28"}) {
    for (const auto& line : scene.lines) {
      GS_TRY(ts.draw_text(4, y, line, style(font, scene.rendering)));
      y += float(std::atoi(font + 5)) * 1.3f;
    }
  }
  return {};
}

// W2: a long CJK-heavy document scrolls one line per frame.
Status draw_scroll(TextSystem& ts, const Scene& scene, int frame) {
  const float line_h = 26;
  const int visible = int(float(scene.height) / line_h) + 1;
  for (int i = 0; i < visible; ++i) {
    const auto& line = scene.lines[size_t(frame + i) % scene.lines.size()];
    GS_TRY(ts.draw_text(4, 2 + line_h * float(i), line, style("Sans 20", scene.rendering)));
  }
  return {};
}

// W3: the font size changes by 0.25 px every frame.
double zoom_size(int frame) { return 12.0 + 0.25 * double(frame % 145); }

// W3 through draw_text_scaled: the layout stays at 12 px (cached), scaled to the frame's size.
Status draw_zoom_scaled(TextSystem& ts, const Scene& scene, int frame) {
  const float scale = float(zoom_size(frame) / 12.0);
  for (size_t i = 0; i < scene.lines.size(); ++i) {
    GS_TRY(ts.draw_text_scaled(4, 2 + float(i) * 12.0f * 1.35f * scale, scale, scene.lines[i],
                               style("Sans 12", scene.rendering)));
  }
  return {};
}

// W3 as it was first measured ("zoom-relayout", the baseline row): every frame lays the text
// out again at the new size, so almost every glyph is new.
Status draw_zoom(TextSystem& ts, const Scene& scene, int frame) {
  const double size = zoom_size(frame);
  char font[32];
  std::snprintf(font, sizeof font, "Sans %.2f", size);
  float y = 2;
  for (const auto& line : scene.lines) {
    GS_TRY(ts.draw_text(4, y, line, style(font, scene.rendering)));
    y += float(size) * 1.35f;
  }
  return {};
}

// W4: the same screen every frame with a warm atlas: 20,320 glyph quads with pixels queued (the
// target is 20k in 1 ms of CPU); at the default 1280 x 800 viewport 15,950 of them are on
// screen and drawn, the rest culled (glyphs_culled, 5,223 a frame with the spaces).
Status draw_steady(TextSystem& ts, const Scene& scene, int) {
  for (int block = 0; block < 32; ++block) {
    DrawParams params;
    if (scene.clip) {
      params.clip = RectF{2.0f + float(block % 2), 2.0f, float(scene.width) - 4.0f,
                          float(scene.height) - 4.0f};
    }
    for (size_t i = 0; i < scene.lines.size(); ++i) {
      GS_TRY(ts.draw_text(float(block % 2) * 8, float(block) * 32 + float(i) * 3, scene.lines[i],
                          style("Sans 11", scene.rendering), params));
    }
  }
  return {};
}

// 2,000 new 32 px glyphs in one frame (issue 4's upload benchmark).
Status draw_burst(TextSystem& ts, const Scene& scene, int) {
  for (size_t i = 0; i < scene.lines.size(); ++i) {
    GS_TRY(ts.draw_text(2, 2 + 16 * float(i), scene.lines[i], style("Sans 32", scene.rendering)));
  }
  return {};
}

constexpr int kStagingRingDepth = 3;  // the library's default, named here for the burst warm-up

// Pages start at full height here: page growth (a one-off in an application's life) would
// otherwise land in the burst frame's GPU upload time.
void configure_burst(TextSystemDesc* desc) {
  desc->page_initial_height = 1024;
  desc->staging_ring_depth = kStagingRingDepth;
}

// One warm-up frame per staging slot and one more, each with a new glyph: every slot has been
// written and read by the GPU once, as in an application that has run a few frames (a slot's
// first GPU use costs extra, page-table work a running application never pays).
Status settle_burst(TextSystem& ts, int frame) {
  return ts.draw_text(0, 0, "warm-up " + std::to_string(frame), style("Sans 32"));
}

// Where this frame's uploads ran against the busy scene queued before it (same device clock).
void record_overlap(tools::HeadlessTarget* target, const FrameStats& stats, RunRecord* run) {
  if (stats.gpu_upload_end_ns == 0) return;
  auto scene = target->last_busy_scene_span();
  if (!scene.ok()) return;
  run->scene_and_upload.emplace_back(scene.value(),
                                     GpuSpan{stats.gpu_upload_begin_ns, stats.gpu_upload_end_ns});
}

// The share of upload GPU time that ran while the busy scene did (on the copy engine, beside
// the application's drawing), and where the uploads started relative to the scene.
void summarize_overlap(const RunRecord& run, WorkloadResult* r) {
  if (run.scene_and_upload.empty()) return;
  std::vector<double> overlap, start_ms, scene_ms, upload_ms;
  for (const auto& [scene, upload] : run.scene_and_upload) {
    const double inside = double(std::min(scene.end_ns, upload.end_ns)) -
                          double(std::max(scene.begin_ns, upload.begin_ns));
    const double length = double(upload.end_ns - upload.begin_ns);
    overlap.push_back(length > 0 ? std::clamp(inside / length, 0.0, 1.0) : 0.0);
    start_ms.push_back((double(upload.begin_ns) - double(scene.begin_ns)) / 1e6);
    scene_ms.push_back(double(scene.end_ns - scene.begin_ns) / 1e6);
    upload_ms.push_back(length / 1e6);
  }
  auto& j = r->summary;
  j["upload_inside_scene_p50"] = percentile(overlap, 0.5);
  j["upload_inside_scene_min"] = percentile(overlap, 0.0);
  j["upload_start_after_scene_start_ms_p50"] = percentile(start_ms, 0.5);
  j["scene_gpu_ms_p50"] = percentile(scene_ms, 0.5);
  j["upload_span_ms_p50"] = percentile(upload_ms, 0.5);
}

Status summarize_cold(const RunRecord& run, WorkloadResult* r) {
  r->summary["time_to_complete_ms_p50"] = percentile(run.complete_ms, 0.5);
  r->summary["time_to_complete_ms_min"] = percentile(run.complete_ms, 0.0);
  return {};
}

Status summarize_burst(const RunRecord& run, WorkloadResult* r) {
  summarize_overlap(run, r);
  r->summary["time_to_complete_ms_p50"] = percentile(run.complete_ms, 0.5);
  std::vector<double> upload_us;
  for (const FrameStats& s : r->frames) upload_us.push_back(double(s.upload_cpu_ns) / 1e3);
  r->summary["upload_cpu_us_p50"] = percentile(upload_us, 0.5);
  r->summary["new_glyphs"] = 2000;
  // The host-to-device bandwidth of the same path (staging buffer -> texture), measured now:
  // the ideal GPU upload time is bytes / bandwidth.
  GS_ASSIGN_OR_RETURN(auto ts, TextSystem::create(run.desc));
  auto bandwidth = ts->measure_upload_bandwidth(run.spec.quick ? (8u << 20) : (64u << 20));
  if (bandwidth.ok()) {
    r->summary["h2d_bandwidth_gbps"] = bandwidth.value();
    const double bytes_per_frame =
        double(r->summary["bytes_uploaded"].get<uint64_t>()) / double(r->frames.size());
    r->summary["ideal_upload_ms"] = bytes_per_frame / (bandwidth.value() * 1e9) * 1e3;
  } else {
    r->summary["h2d_bandwidth_gbps"] = "unavailable: " + bandwidth.status().message();
  }
  return {};
}

// W3 scaled: after the last size change, the frame at the final scale is drawn again until no
// glyph is a stand-in (settle_frames: how many frames after the last change), then compared
// with a cold render of the same call by a fresh TextSystem (settled_identical).
Status settle_zoom(tools::HeadlessTarget* target, TextSystem& ts, const Scene& scene,
                   const RunRecord& run, WorkloadResult* r) {
  constexpr int kMaxSettleFrames = 60;
  const int last = int(r->frames.size()) - 1;
  int settle = 0;
  uint32_t stand_ins = r->frames.empty() ? 0 : r->frames.back().glyphs_stand_in;
  std::vector<double> settle_ms;
  FrameTime time;
  for (; stand_ins > 0 && settle < kMaxSettleFrames; ++settle) {
    GS_TRY(frame(
        target, &ts, [&] { return draw_zoom_scaled(ts, scene, last); }, &time));
    settle_ms.push_back(time.cpu_ms);
    stand_ins = ts.last_frame_stats().glyphs_stand_in;
  }
  // The first frame of W3 is a cold frame (nothing to stand in yet); the animation's worst
  // frame is the one after it.
  std::vector<double> after_first(r->frame_cpu_ms.begin() + (r->frame_cpu_ms.empty() ? 0 : 1),
                                  r->frame_cpu_ms.end());
  r->summary["frame_cpu_ms_max_after_first"] = percentile(after_first, 1.0);
  r->summary["settle_frames"] = stand_ins == 0 ? settle : -1;
  r->summary["settle_frame_cpu_ms_max"] = percentile(settle_ms, 1.0);
  std::vector<uint8_t> settled, cold;
  GS_TRY(target->read_pixels(&settled));
  GS_TRY(ts.finish());
  GS_ASSIGN_OR_RETURN(auto fresh, TextSystem::create(run.desc));
  GS_TRY(frame(
      target, fresh.get(), [&] { return draw_zoom_scaled(*fresh, scene, last); }, &time));
  GS_TRY(fresh->finish());
  GS_TRY(target->read_pixels(&cold));
  r->summary["settled_identical"] = settled == cold;
  size_t differing = 0;
  int max_diff = 0;
  for (size_t i = 0; i < settled.size() && i < cold.size(); i += 4) {
    int d = 0;
    for (size_t c = 0; c < 4; ++c)
      d = std::max(d, std::abs(int(settled[i + c]) - int(cold[i + c])));
    differing += d > 0;
    max_diff = std::max(max_diff, d);
  }
  r->summary["settled_differing_pixels"] = differing;
  r->summary["settled_max_channel_diff"] = max_diff;
  uint64_t stand_in_total = 0, refined = 0;
  for (const FrameStats& f : r->frames) {
    stand_in_total += f.glyphs_stand_in;
    refined += f.glyphs_refined;
  }
  r->summary["glyphs_stand_in"] = stand_in_total;
  r->summary["glyphs_refined"] = refined;
  return {};
}

void configure_zoom(TextSystemDesc* desc) { desc->atlas_budget_bytes = 8u << 20; }  // eviction

const WorkloadDesc kWorkloads[] = {
    // W1: time until the frame is complete on the GPU, each run from a new TextSystem.
    // Unmeasured runs first: the process's first runs load fonts, and on the shared GPU machine
    // its first few were up to 1.5x slower (rasterization 25 ms instead of 16 ms at one
    // thread), which made the median of the first row depend on being first.
    {.name = "cold",
     .frames = 7,
     .quick_frames = 2,
     .warmup = 3,
     .quick_warmup = 0,
     .fresh_system_per_frame = true,
     .lines = mixed_screen_lines,
     .draw = draw_cold,
     .add_summary = summarize_cold},
    {.name = "scroll",
     .frames = 400,
     .quick_frames = 20,
     .lines = cjk_document_lines,
     .draw = draw_scroll},
    {.name = "zoom",
     .frames = 200,
     .quick_frames = 10,
     .lines = mixed_screen_lines,
     .configure = configure_zoom,
     .draw = draw_zoom_scaled,
     .after_run = settle_zoom},
    {.name = "zoom-relayout",
     .frames = 200,
     .quick_frames = 10,
     .lines = mixed_screen_lines,
     .configure = configure_zoom,
     .draw = draw_zoom},
    {.name = "steady",
     .frames = 300,
     .quick_frames = 10,
     .warmup = 3,
     .quick_warmup = 3,
     .lines = mixed_screen_lines,
     .draw = draw_steady},
    // Repeated with fresh text systems for a median, after warm-up frames that create the page
    // textures and use every staging slot.
    {.name = "burst",
     .frames = 5,
     .quick_frames = 2,
     .fresh_system_per_frame = true,
     .settle_frames = kStagingRingDepth + 1,
     .lines = burst_glyph_lines,
     .configure = configure_burst,
     .draw = draw_burst,
     .settle = settle_burst,
     .add_summary = summarize_burst},
};

const WorkloadDesc* find_workload(std::string_view name) {
  for (const WorkloadDesc& w : kWorkloads) {
    if (w.name == name) return &w;
  }
  return nullptr;
}

}  // namespace

Result<WorkloadResult> run_workload(tools::HeadlessTarget* target, const WorkloadSpec& spec,
                                    const Progress& progress) {
  const WorkloadDesc* wl = find_workload(spec.workload);
  if (!wl) return Status(ErrorCode::kInvalidArgument, "unknown workload " + spec.workload);
  TextSystemDesc desc;
  desc.threads = spec.threads;
  desc.upload_mode_set = true;
  desc.upload_mode = spec.mode;
  target->configure(&desc);
  TextSystemDesc workload_desc = desc;
  if (wl->configure) wl->configure(&workload_desc);
  if (spec.zoom_background_glyphs > 0) {
    workload_desc.zoom_background_glyphs = spec.zoom_background_glyphs;
  }
  const Scene scene{target->width(), target->height(), wl->lines(), spec.clip, spec.rendering};
  const int measured = spec.frames ? spec.frames : (spec.quick ? wl->quick_frames : wl->frames);
  const int warmup = spec.quick ? wl->quick_warmup : wl->warmup;

  WorkloadResult r;
  RunRecord run{spec, desc, {}, {}};
  if (spec.render_thread) {
    if (wl->fresh_system_per_frame) {
      return Status(ErrorCode::kInvalidArgument, "--render-thread: " + spec.workload +
                                                     " makes a TextSystem per run; "
                                                     "use scroll, zoom, zoom-relayout or steady");
    }
    GS_ASSIGN_OR_RETURN(RenderThreadRun rt,
                        run_render_thread(
                            target, workload_desc, warmup + measured,
                            [&](TextSystem& ts, int i) { return wl->draw(ts, scene, i); },
                            spec.busy_work, spec.frame_gap_ms));
    for (int i = warmup; i < warmup + measured && size_t(i) < rt.frames.size(); ++i) {
      r.frame_cpu_ms.push_back(rt.build_ms[size_t(i)]);
      r.frames.push_back(rt.frames[size_t(i)]);
    }
    summarize(spec, &r);
    std::vector<double> submit_ms(rt.submit_ms.begin() + warmup, rt.submit_ms.end());
    r.summary["render_thread"] = true;
    r.summary["render_thread_submit_ms_p50"] = percentile(submit_ms, 0.5);
    r.summary["render_thread_submit_ms_p99"] = percentile(submit_ms, 0.99);
    if (progress) progress(warmup + measured, warmup + measured);
    return r;
  }
  std::unique_ptr<TextSystem> shared;
  if (!wl->fresh_system_per_frame) {
    GS_ASSIGN_OR_RETURN(shared, TextSystem::create(workload_desc));
  }
  for (int i = 0; i < warmup + measured; ++i) {
    std::unique_ptr<TextSystem> fresh;
    if (wl->fresh_system_per_frame) {
      GS_ASSIGN_OR_RETURN(fresh, TextSystem::create(workload_desc));
    }
    TextSystem* ts = fresh ? fresh.get() : shared.get();
    FrameTime time;
    for (int f = 0; f < wl->settle_frames; ++f) {
      GS_TRY(frame(
          target, ts, [&] { return wl->settle(*ts, f); }, &time, spec.busy_work,
          spec.frame_gap_ms));
    }
    GS_TRY(frame(
        target, ts, [&] { return wl->draw(*ts, scene, i); }, &time, spec.busy_work,
        spec.frame_gap_ms));
    // A fresh system's frame is measured until complete on the GPU; finish() also attaches its
    // GPU timings to its statistics.
    if (fresh) GS_TRY(fresh->finish());
    if (i >= warmup) {
      if (fresh) run.complete_ms.push_back(ms_since(time.start));
      if (fresh && spec.busy_work) record_overlap(target, ts->last_frame_stats(), &run);
      r.frame_cpu_ms.push_back(time.cpu_ms);
      r.frames.push_back(ts->last_frame_stats());
    }
    if (progress) progress(i + 1, warmup + measured);
  }
  summarize(spec, &r);
  if (wl->after_run && shared) {
    const RunRecord workload_run{spec, workload_desc, {}, {}};
    GS_TRY(wl->after_run(target, *shared, scene, workload_run, &r));
  }
  if (shared) GS_TRY(shared->finish());
  if (wl->add_summary) GS_TRY(wl->add_summary(run, &r));
  return r;
}

Status plot_frame_times(const std::string& path, const std::string& title,
                        const std::vector<std::pair<std::string, std::vector<double>>>& series) {
  FILE* gp = popen("gnuplot 2>/dev/null", "w");
  if (!gp) return {ErrorCode::kIoError, "cannot start gnuplot (install gnuplot-nox)"};
  std::fprintf(gp, "set terminal pngcairo size 900,420 noenhanced\n");
  std::fprintf(gp, "set output '%s'\n", path.c_str());
  std::fprintf(gp, "set title '%s'\nset xlabel 'frame'\nset ylabel 'frame CPU time (ms)'\n",
               title.c_str());
  std::fprintf(gp, "set key top right\nset grid\nset logscale y\n");
  std::fprintf(gp, "plot ");
  for (size_t i = 0; i < series.size(); ++i) {
    std::fprintf(gp, "%s'-' with lines lw 1.5 title '%s'", i ? ", " : "", series[i].first.c_str());
  }
  std::fprintf(gp, "\n");
  for (const auto& [name, values] : series) {
    for (size_t i = 0; i < values.size(); ++i) {
      std::fprintf(gp, "%zu %.6f\n", i, std::max(values[i], 1e-3));
    }
    std::fprintf(gp, "e\n");
  }
  const int rc = pclose(gp);
  if (rc != 0) return {ErrorCode::kIoError, "gnuplot failed writing " + path};
  return {};
}

}  // namespace glyphstream::bench
