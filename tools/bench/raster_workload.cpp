#include "raster_workload.h"

#include <chrono>
#include <memory>

#include "baselines/freetype_baseline.h"
#include "core/thread_pool.h"
#include "text/font_registry.h"
#include "text/layout.h"
#include "text/rasterizer.h"
#include "text/rendering_options.h"

namespace glyphstream::bench {
namespace {

std::string latin_text() {
  std::string s;
  for (char c = 33; c < 127; ++c) s += c;
  s += " àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿ ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝß";
  return s;
}

std::string cjk_text(int count) {
  std::string s;
  for (int i = 0; i < count; ++i) {
    const char32_t c = char32_t(0x4E00 + i * 11 % 0x51A5);
    s += char(0xe0 | (c >> 12));
    s += char(0x80 | ((c >> 6) & 0x3f));
    s += char(0x80 | (c & 0x3f));
  }
  return s;
}

// Seconds one rasterizer (one thread) spends on `a` and on `b`, in alternating passes after a
// warm-up of `b`, so that their ratio is a same-run ratio.
std::pair<double, double> alternating_seconds(const text::FontRegistry& registry,
                                              const std::vector<text::RasterRequest>& a,
                                              const std::vector<text::RasterRequest>& b,
                                              int passes) {
  text::Rasterizer raster(&registry);
  for (const auto& r : b) (void)raster.rasterize(r);  // warm-up
  double a_s = 0, b_s = 0;
  for (int pass = 0; pass < passes; ++pass) {
    for (const auto* set_of : {&a, &b}) {
      const auto t0 = std::chrono::steady_clock::now();
      for (const auto& r : *set_of) (void)raster.rasterize(r);
      const double sec =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      (set_of == &a ? a_s : b_s) += sec;
    }
  }
  return {a_s, b_s};
}

}  // namespace

Result<nlohmann::ordered_json> run_raster_workload(const std::vector<int>& thread_counts,
                                                   bool quick) {
  text::FontRegistry registry;
  GS_ASSIGN_OR_RETURN(auto layouter, text::Layouter::create(&registry));
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  const double min_seconds = quick ? 0.1 : 0.5;
  for (const auto& [set, sample] :
       {std::pair<std::string, std::string>{"latin", latin_text()},
        std::pair<std::string, std::string>{"cjk", cjk_text(quick ? 200 : 1000)}}) {
    std::vector<text::RasterRequest> requests;
    for (int px = 16; px <= 32; px += 4) {
      text::LayoutParams params;
      params.font = "Sans " + std::to_string(px);
      GS_ASSIGN_OR_RETURN(auto layout, layouter->layout(sample, params));
      for (const text::ShapedGlyph& g : layout.glyphs) {
        for (uint8_t bin = 0; bin < 4; ++bin) {
          requests.push_back({g.face, g.glyph_id, g.size_26_6, bin});
        }
      }
    }
    const double bare = baseline::bare_freetype_rate(registry, requests, min_seconds);
    // Issue 22: the same glyphs turned by 30 degrees (FreeType's outline transform); issue 24:
    // LCD (FreeType's LCD render, cairo's filter, stored RGBA), beside bare FreeType's LCD below.
    std::vector<text::RasterRequest> turned = requests, lcd = requests;
    for (text::RasterRequest& r : turned) r.angle_bin = text::angle_bin(30);
    for (text::RasterRequest& r : lcd) r.render = text::render_mode::kLcd;
    const std::pair<double, double> upright_turned =
        alternating_seconds(registry, requests, turned, quick ? 1 : 3);
    const std::pair<double, double> gray_lcd =
        alternating_seconds(registry, requests, lcd, quick ? 1 : 3);
    const double upright_s = upright_turned.first, turned_s = upright_turned.second;
    const double gray_s = gray_lcd.first, lcd_s = gray_lcd.second;
    const double bare_lcd =
        baseline::bare_freetype_rate(registry, requests, min_seconds, /*lcd=*/true);
    double one_thread = 0;
    for (int threads : thread_counts) {
      ThreadPool pool(threads);
      std::vector<std::unique_ptr<text::Rasterizer>> rasterizers;
      for (int i = 0; i < pool.size(); ++i) {
        rasterizers.push_back(std::make_unique<text::Rasterizer>(&registry));
      }
      // Warm-up pass: faces opened, sizes set, caches filled, as in a running application.
      size_t errors = 0;
      pool.parallel_for(requests.size(), 64, [&](int w, size_t i) {
        if (!rasterizers[size_t(w)]->rasterize(requests[i]).ok()) ++errors;
      });
      const auto t0 = std::chrono::steady_clock::now();
      size_t n = 0;
      double seconds = 0;
      do {
        pool.parallel_for(requests.size(), 64, [&](int w, size_t i) {
          (void)rasterizers[size_t(w)]->rasterize(requests[i]);
        });
        n += requests.size();
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      } while (seconds < min_seconds);
      const double rate = double(n) / seconds;
      if (threads == 1) one_thread = rate;
      nlohmann::ordered_json row;
      row["workload"] = "raster";
      row["glyph_set"] = set;
      row["threads"] = threads;
      row["glyphs"] = requests.size();
      row["glyphs_per_s"] = rate;
      row["bare_freetype_glyphs_per_s"] = bare;
      row["vs_bare_freetype"] = bare > 0 ? rate / bare : 0.0;
      if (one_thread > 0) row["parallel_efficiency"] = rate / (one_thread * threads);
      if (threads == 1 && upright_s > 0) row["turned_30_over_upright_time"] = turned_s / upright_s;
      if (threads == 1 && gray_s > 0) {
        row["lcd_over_gray_time"] = lcd_s / gray_s;
        row["bare_lcd_over_gray_time"] = bare_lcd > 0 ? bare / bare_lcd : 0.0;
      }
      row["errors"] = errors;
      rows.push_back(row);
    }
  }
  return rows;
}

}  // namespace glyphstream::bench
