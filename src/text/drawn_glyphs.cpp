#include "text/drawn_glyphs.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "text/polygon_fill.h"
#include "text/rotation.h"

namespace glyphstream::text {
namespace {

// Area of [a0, a1) inside [b0, b1).
double overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

}  // namespace

// The frame of a hex box: a rectangle path stroked with mitred corners, i.e. the outer
// rectangle minus the inner one, each pixel covered by its exact area (cairo's grey
// antialiasing of axis-aligned edges).
GlyphBitmap render_hex_frame(const RasterRequest& r) {
  double w = 0, lw = 0;
  hex_frame_geometry(r.glyph_id, r.size_26_6, &w, &lw);
  const double h = r.size_26_6 / 64.0, shift = r.subpixel_bin / 4.0, half = lw / 2;
  if (r.angle_bin != 0) {  // rotated text: the two rectangles turned, the inner one a hole
    const auto rect = [](double x0, double y0, double x1, double y1) {
      return Polygon{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}};
    };
    const double degrees = angle_degrees(r.angle_bin);
    std::vector<Polygon> shapes{turned(rect(-half, -half, w + half, h + half), degrees, shift)};
    if (w > lw && h > lw) {
      shapes.push_back(turned(rect(half, half, w - half, h - half), degrees, shift));
    }
    return fill_polygons(shapes, {1.0, -1.0});
  }
  const double ox0 = shift - half, ox1 = shift + w + half, oy0 = -half, oy1 = h + half;
  const double ix0 = shift + half, ix1 = shift + w - half, iy0 = half, iy1 = h - half;
  GlyphBitmap out;
  const int x0 = int(std::floor(ox0)), x1 = int(std::ceil(ox1));
  const int y0 = int(std::floor(oy0)), y1 = int(std::ceil(oy1));
  if (x1 <= x0 || y1 <= y0) return out;
  out.width = x1 - x0, out.height = y1 - y0, out.left = x0, out.top = -y0;
  out.format = PixelFormat::kCoverage8;
  out.pixels.resize(size_t(out.width) * size_t(out.height));
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      double a = overlap(ox0, ox1, x, x + 1) * overlap(oy0, oy1, y, y + 1);
      if (ix1 > ix0 && iy1 > iy0) a -= overlap(ix0, ix1, x, x + 1) * overlap(iy0, iy1, y, y + 1);
      out.pixels[size_t(y - y0) * size_t(out.width) + size_t(x - x0)] =
          uint8_t(std::lround(std::clamp(a, 0.0, 1.0) * 255));
    }
  }
  return out;
}

// The line-break arrow (pangocairo-render.c, draw_unknown_glyph for \n, U+2028, U+2029),
// filled with each pixel covered by its exact area (the polygon clipped to the pixel).
GlyphBitmap render_line_break_arrow(const RasterRequest& r) {
  const double al = r.size_26_6 / 64.0;
  const double tl = al * ((r.glyph_id >> 14) & 0x3FFF) / 4096.0;
  const double lw = al * (r.glyph_id & 0x3FFF) / 4096.0;
  const double ah = al - 0.5 * tl, tw2 = 2.5 * lw, lw2 = 0.5 * lw;
  if (!(al > 0)) return {};
  const Polygon arrow = {{0, 0},           {tl, -tw2},      {tl, -lw2},
                         {al - lw2, -lw2}, {al - lw2, -ah}, {al + lw2, -ah},
                         {al + lw2, lw2},  {tl, lw2},       {tl, tw2}};
  return fill_polygons({turned(arrow, angle_degrees(r.angle_bin), r.subpixel_bin / 4.0)}, {1.0});
}

// A decoration of rotated text (kRotatedRectGlyphFlag): its rectangle turned about the pen.
GlyphBitmap render_rotated_rect(const RasterRequest& r) {
  const double length = r.size_26_6 / 64.0;
  const double h = length * double(r.glyph_id & 0xFFFFFF) / double(1 << 24), w = length - h;
  const Polygon rect = {{0, 0}, {w, 0}, {w, h}, {0, h}};
  return fill_polygons({turned(rect, angle_degrees(r.angle_bin), r.subpixel_bin / 4.0)}, {1.0});
}

uint32_t line_break_arrow_glyph_id(double length_px, double tip_length_px, double line_width_px) {
  const auto fraction = [length_px](double v) {
    return uint32_t(length_px > 0 ? std::clamp(std::lround(v / length_px * 4096), 0L, 0x3FFFL) : 0);
  };
  return kLineBreakArrowGlyphFlag | (fraction(tip_length_px) << 14) | fraction(line_width_px);
}

void rotated_rect_glyph(double w, double h, uint32_t* glyph_id, uint32_t* size_26_6) {
  w = std::max(0.0, w), h = std::max(0.0, h);
  const double length = std::min(w + h, 4096.0);
  const double ratio = w + h > 0 ? h / (w + h) : 0;
  *size_26_6 = uint32_t(std::clamp(std::lround(length * 64), 1L, long(kMaxRasterSize26_6)));
  *glyph_id = kRotatedRectGlyphFlag |
              uint32_t(std::clamp(std::lround(ratio * (1 << 24)), 0L, long(0xFFFFFF)));
}

uint32_t hex_frame_glyph_id(double width_px, double line_width_px, double height_px) {
  const auto fraction = [&](double v, double unit, long max) {
    return height_px > 0 ? uint32_t(std::clamp(std::lround(v / height_px * unit), 0L, max)) : 0u;
  };
  return kHexFrameGlyphFlag | (fraction(width_px, 1024, 0xFFFF) << 12) |
         fraction(line_width_px, 4096, 0xFFF);
}

void hex_frame_geometry(uint32_t glyph_id, uint32_t size_26_6, double* width_px,
                        double* line_width_px) {
  const double h = size_26_6 / 64.0;
  *width_px = h * double((glyph_id >> 12) & 0xFFFF) / 1024.0;
  *line_width_px = h * double(glyph_id & 0xFFF) / 4096.0;
}

}  // namespace glyphstream::text
