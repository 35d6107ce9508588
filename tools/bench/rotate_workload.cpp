#include "rotate_workload.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "glyphstream/text_system.h"
#include "texts/bench_texts.h"
#include "workloads.h"

namespace glyphstream::bench {
namespace {

using Clock = std::chrono::steady_clock;

double median(const std::vector<double>& v) { return percentile(v, 0.5); }

struct Run {
  double complete_ms = 0, layout_ms = 0, rasterize_ms = 0;
  uint32_t rasterized = 0, culled = 0;
  uint64_t glyph_bytes = 0;
};

// W1's page in a fresh text system, every line turned by `degrees` (0: upright).
Result<Run> cold_page(tools::HeadlessTarget* target, const TextSystemDesc& desc,
                      const std::vector<std::string>& lines, float degrees) {
  GS_ASSIGN_OR_RETURN(auto ts, TextSystem::create(desc));
  GS_TRY(target->clear(Color{1, 1, 1, 1}));
  const auto start = Clock::now();
  GS_TRY(ts->begin_frame(target->width(), target->height()));
  float y = 4;
  for (const char* font : {"Sans 14", "Sans 20", "Sans 28"}) {
    TextStyle style;
    style.font = font;
    style.color = Color{0.1f, 0.1f, 0.1f, 1};
    style.paragraph.rotate = degrees;
    for (const std::string& line : lines) {
      GS_TRY(ts->draw_text(4, y, line, style));
      y += float(std::atoi(font + 5)) * 1.3f;
    }
  }
  GS_TRY(ts->commit());
  GS_TRY(ts->flush());
  GS_TRY(ts->finish());
  Run run;
  run.complete_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  const FrameStats& stats = ts->last_frame_stats();
  run.rasterized = stats.glyphs_rasterized;
  run.culled = stats.glyphs_culled;
  run.layout_ms = double(stats.layout_ns) / 1e6;
  run.rasterize_ms = double(stats.rasterize_ns) / 1e6;
  run.glyph_bytes = stats.glyph_bytes;
  return run;
}

}  // namespace

Result<nlohmann::ordered_json> run_rotate_workload(tools::HeadlessTarget* target,
                                                   const RotateOptions& o) {
  TextSystemDesc desc;
  desc.threads = o.threads;
  desc.upload_mode_set = true;
  desc.upload_mode = o.mode;
  target->configure(&desc);
  const std::vector<std::string> lines = split_lines(kMixedScreen);
  const int pairs = o.runs > 0 ? o.runs : (o.quick ? 2 : 7);
  // One unmeasured pair first: the process's first runs load fonts (see W1).
  std::vector<double> upright_ms, rotated_ms, upright_per_glyph, rotated_per_glyph;
  std::vector<double> layout[2], raster[2], bytes[2];
  uint32_t upright_glyphs = 0, rotated_glyphs = 0, rotated_culled = 0;
  for (int i = -1; i < pairs; ++i) {
    // A new angle every run, never a multiple of 90 degrees: 7.3, 14.6, ... within (0, 45).
    const float angle = 7.3f * float(i + 2) - 45.f * std::floor(7.3f * float(i + 2) / 45.f);
    GS_ASSIGN_OR_RETURN(const Run upright, cold_page(target, desc, lines, 0));
    GS_ASSIGN_OR_RETURN(const Run turned, cold_page(target, desc, lines, angle));
    if (i < 0) continue;
    upright_ms.push_back(upright.complete_ms);
    rotated_ms.push_back(turned.complete_ms);
    upright_per_glyph.push_back(upright.complete_ms / std::max(1u, upright.rasterized));
    rotated_per_glyph.push_back(turned.complete_ms / std::max(1u, turned.rasterized));
    for (int k = 0; k < 2; ++k) {
      const Run& r = k == 0 ? upright : turned;
      layout[k].push_back(r.layout_ms);
      raster[k].push_back(r.rasterize_ms);
      bytes[k].push_back(double(r.glyph_bytes));
    }
    upright_glyphs = upright.rasterized;
    rotated_glyphs = turned.rasterized;
    rotated_culled = turned.culled;
  }
  nlohmann::ordered_json row;
  row["workload"] = "rotate";
  row["upload_mode"] = upload_mode_name(o.mode);
  row["threads"] = o.threads;
  row["runs"] = pairs;
  row["upright_complete_ms_p50"] = median(upright_ms);
  row["rotated_complete_ms_p50"] = median(rotated_ms);
  row["upright_glyphs_rasterized"] = upright_glyphs;
  row["rotated_glyphs_rasterized"] = rotated_glyphs;
  row["rotated_glyphs_culled"] = rotated_culled;
  // Where the time goes (p50 of each part): Pango's layout, FreeType (all threads' wall time)
  // and the atlas bytes written (a turned glyph's box is larger).
  row["upright_layout_ms_p50"] = median(layout[0]);
  row["rotated_layout_ms_p50"] = median(layout[1]);
  row["upright_rasterize_ms_p50"] = median(raster[0]);
  row["rotated_rasterize_ms_p50"] = median(raster[1]);
  row["upright_glyph_bytes"] = median(bytes[0]);
  row["rotated_glyph_bytes"] = median(bytes[1]);
  row["rotated_over_upright"] = median(rotated_ms) / std::max(1e-9, median(upright_ms));
  row["rotated_over_upright_per_glyph"] =
      median(rotated_per_glyph) / std::max(1e-12, median(upright_per_glyph));
  row["machine"] = target->description();
  return row;
}

}  // namespace glyphstream::bench
