#include "run_clip.h"

#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace glyphstream::oracle {
namespace {

// One run as pango_renderer_draw_layout() (Pango 1.50) hands it to pangocairo's
// show_text_glyphs(): the layout's line at its logical x and baseline, runs side by side
// (start_x_offset before a run, end_x_offset after it), the run's baseline shift (y_offset)
// subtracted; pangocairo adds the cairo current point in pixels ("base" below, device pixels
// under an identity matrix).
struct PlacedRun {
  PangoLayoutRun* run = nullptr;
  double base_x = 0, base_y = 0;
  bool centered_baseline = false;  // vertical text: Pango centres it further (not mirrored)
};

Result<std::vector<PlacedRun>> place_runs(PangoLayout* layout, double origin_x, double origin_y) {
  const PangoMatrix* matrix = pango_context_get_matrix(pango_layout_get_context(layout));
  if (matrix != nullptr && (matrix->xx != 1 || matrix->xy != 0 || matrix->yx != 0 ||
                            matrix->yy != 1 || matrix->x0 != 0 || matrix->y0 != 0)) {
    return Status(ErrorCode::kInvalidArgument, "run clips: rotated layouts are not handled");
  }
  std::vector<PlacedRun> placed;
  PangoLayoutIter* iter = pango_layout_get_iter(layout);
  do {
    PangoLayoutLine* line = pango_layout_iter_get_line_readonly(iter);
    PangoRectangle logical;
    pango_layout_iter_get_line_extents(iter, nullptr, &logical);
    const int x = logical.x, y = pango_layout_iter_get_baseline(iter);
    int x_off = 0;
    for (GSList* l = line->runs; l != nullptr; l = l->next) {
      auto* run = static_cast<PangoLayoutRun*>(l->data);
      x_off += run->start_x_offset;
      PlacedRun p;
      p.run = run;
      p.base_x = origin_x + double(x + x_off) / PANGO_SCALE;
      p.base_y = origin_y + double(y - run->y_offset) / PANGO_SCALE;
      p.centered_baseline = (run->item->analysis.flags & PANGO_ANALYSIS_FLAG_CENTERED_BASELINE);
      placed.push_back(p);
      x_off += pango_glyph_string_get_width(run->glyphs) + run->end_x_offset;
    }
  } while (pango_layout_iter_next_line(iter));
  pango_layout_iter_free(iter);
  return placed;
}

// What pangocairo hands to cairo_show_glyphs: not empty glyphs, not unknown ones (hex boxes,
// drawn apart).
bool reaches_cairo(PangoGlyph glyph) {
  return glyph != PANGO_GLYPH_EMPTY && (glyph & PANGO_GLYPH_UNKNOWN_FLAG) == 0;
}

cairo_scaled_font_t* scaled_font(PangoLayoutRun* run) {
  return pango_cairo_font_get_scaled_font(PANGO_CAIRO_FONT(run->item->analysis.font));
}

// cairo's _cairo_fixed_from_double: 24.8 fixed point, rounded to nearest (ties to even).
int64_t fixed(double v) { return int64_t(std::nearbyint(v * 256.0)); }
int floor_px(int64_t f) { return int(f >= 0 ? f / 256 : -((-f + 255) / 256)); }
int ceil_px(int64_t f) { return -floor_px(-f); }

bool inkless(cairo_scaled_font_t* font, PangoGlyph glyph) {
  cairo_glyph_t g{glyph, 0, 0};
  cairo_text_extents_t e;
  cairo_scaled_font_glyph_extents(font, &g, 1, &e);
  return cairo_scaled_font_status(font) == CAIRO_STATUS_SUCCESS && (e.width == 0 || e.height == 0);
}

}  // namespace

Result<std::vector<PixelBox>> run_clip_boxes(PangoLayout* layout, double origin_x,
                                             double origin_y) {
  GS_ASSIGN_OR_RETURN(std::vector<PlacedRun> runs, place_runs(layout, origin_x, origin_y));
  std::vector<PixelBox> boxes;
  for (const PlacedRun& p : runs) {
    if (p.centered_baseline) {
      return Status(ErrorCode::kInvalidArgument, "run clips: vertical runs are not handled");
    }
    cairo_scaled_font_t* font = scaled_font(p.run);
    const PangoGlyphString* glyphs = p.run->glyphs;
    // _cairo_scaled_font_glyph_device_extents: every glyph, inkless ones as a point.
    int64_t x1 = INT64_MAX, y1 = INT64_MAX, x2 = INT64_MIN, y2 = INT64_MIN;
    int x_position = 0;
    for (int i = 0; i < glyphs->num_glyphs; ++i) {
      const PangoGlyphInfo& gi = glyphs->glyphs[i];
      if (reaches_cairo(gi.glyph)) {
        const double cx = p.base_x + double(x_position + gi.geometry.x_offset) / PANGO_SCALE;
        const double cy = gi.geometry.y_offset == 0
                              ? p.base_y
                              : p.base_y + double(gi.geometry.y_offset) / PANGO_SCALE;
        // At whole pixels: the image surface's font options round glyph positions, and cairo
        // merges them into the scaled font it draws with (_cairo_gstate_ensure_scaled_font).
        const double rx = std::floor(cx + 0.5), ry = std::floor(cy + 0.5);  // _cairo_lround
        cairo_glyph_t g{gi.glyph, 0, 0};
        cairo_text_extents_t e;  // the glyph's ink box from its metrics, zero when it has none
        cairo_scaled_font_glyph_extents(font, &g, 1, &e);
        x1 = std::min(x1, fixed(rx) + fixed(e.x_bearing));
        x2 = std::max(x2, fixed(rx) + fixed(e.x_bearing + e.width));
        y1 = std::min(y1, fixed(ry) + fixed(e.y_bearing));
        y2 = std::max(y2, fixed(ry) + fixed(e.y_bearing + e.height));
      }
      x_position += gi.geometry.width;
    }
    if (x1 >= x2) continue;  // no glyph reached cairo, or none with extent
    boxes.push_back({floor_px(x1), floor_px(y1), ceil_px(x2), ceil_px(y2)});
  }
  return boxes;
}

Status widen_run_clips(PangoLayout* layout, double origin_x, double origin_y, int width,
                       int height) {
  GS_ASSIGN_OR_RETURN(std::vector<PlacedRun> runs, place_runs(layout, origin_x, origin_y));
  constexpr double kOutside = 8;  // px beyond the surface; cairo keeps up to 10 font sizes
  for (const PlacedRun& p : runs) {
    PangoGlyphString* glyphs = p.run->glyphs;
    const int n = glyphs->num_glyphs;
    if (n == 0) continue;
    cairo_scaled_font_t* font = scaled_font(p.run);
    PangoGlyph blank = PANGO_GLYPH_EMPTY;
    for (int i = 0; i < n && blank == PANGO_GLYPH_EMPTY; ++i) {
      if (reaches_cairo(glyphs->glyphs[i].glyph) && inkless(font, glyphs->glyphs[i].glyph)) {
        blank = glyphs->glyphs[i].glyph;
      }
    }
    hb_codepoint_t space = 0;
    if (blank == PANGO_GLYPH_EMPTY &&
        hb_font_get_nominal_glyph(pango_font_get_hb_font(p.run->item->analysis.font), 0x20,
                                  &space) &&
        inkless(font, space)) {
      blank = space;
    }
    if (blank == PANGO_GLYPH_EMPTY) {
      return Status(ErrorCode::kInternal, "run clips: no inkless glyph in a run's font");
    }
    const int end = pango_glyph_string_get_width(glyphs);
    pango_glyph_string_set_size(glyphs, n + 2);
    const double corners[2][2] = {{-kOutside, -kOutside}, {width + kOutside, height + kOutside}};
    for (int k = 0; k < 2; ++k) {
      PangoGlyphInfo& gi = glyphs->glyphs[n + k];
      gi = PangoGlyphInfo{};
      gi.glyph = blank;
      gi.geometry.width = 0;
      gi.geometry.x_offset = int(std::lround((corners[k][0] - p.base_x) * PANGO_SCALE)) - end;
      gi.geometry.y_offset = int(std::lround((corners[k][1] - p.base_y) * PANGO_SCALE));
      glyphs->log_clusters[n + k] = glyphs->log_clusters[n - 1];
    }
  }
  return {};
}

}  // namespace glyphstream::oracle
