#include "decoration_painter.h"

#include <algorithm>
#include <cmath>

namespace glyphstream::oracle {
namespace {

struct Point {
  double x, y;
};

struct Canvas {
  std::vector<uint8_t>& rgba;
  int width, height;
  // Source-over of a straight RGBA8 colour at `coverage` (0..1) onto premultiplied pixels.
  void blend(int x, int y, uint32_t rgba8, double coverage) {
    if (x < 0 || y < 0 || x >= width || y >= height || coverage <= 0) return;
    const double a = (rgba8 & 0xff) / 255.0 * std::min(coverage, 1.0);
    uint8_t* p = &rgba[(size_t(y) * size_t(width) + size_t(x)) * 4];
    for (int c = 0; c < 4; ++c) {
      const double src = c < 3 ? ((rgba8 >> (24 - 8 * c)) & 0xff) * a : 255.0 * a;
      p[c] = uint8_t(std::lround(src + p[c] * (1 - a)));
    }
  }
};

double overlap(double a0, double a1, double b0, double b1) {
  return std::max(0.0, std::min(a1, b1) - std::max(a0, b0));
}

void fill_rect(Canvas& canvas, const text::Decoration& d, double dx, double dy, uint32_t color) {
  const double x0 = d.x + dx, y0 = d.y + dy, x1 = x0 + d.w, y1 = y0 + d.h;
  for (int y = int(std::floor(y0)); y < int(std::ceil(y1)); ++y) {
    for (int x = int(std::floor(x0)); x < int(std::ceil(x1)); ++x) {
      canvas.blend(x, y, color, overlap(x0, x1, x, x + 1) * overlap(y0, y1, y, y + 1));
    }
  }
}

// pango-cairo's error underline (pangocairo-render.c): a zigzag band of whole units across
// the box, filled. Built here from its description: units of 1.5 "squares" (height / 2.5).
std::vector<Point> squiggle_path(double x, double y, double width, double height) {
  const double square = height / 2.5, unit = 1.5 * square;
  const int units = int((width + unit / 2) / unit);
  x += (width - units * unit) / 2;
  const double top = y, bottom = y + height;
  std::vector<Point> path{{x - square / 2, top + square / 2}};
  int i = 0;
  for (; i < units; i += 2) {
    path.push_back({x + (i + 1) * unit, bottom});
    if (i + 1 == units) continue;
    if (i + 2 == units) {
      path.push_back({x + (i + 2) * unit + square / 2, top + square / 2});
    } else {
      path.push_back({x + (i + 2) * unit, top + square});
    }
  }
  for (i -= 2; i >= 0; i -= 2) {
    if (i + 1 == units) {
      path.push_back({x + (i + 1) * unit + square / 2, bottom - square / 2});
    } else {
      if (i + 2 == units) path.push_back({x + (i + 2) * unit, top});
      path.push_back({x + (i + 1) * unit, bottom - square});
    }
    path.push_back({x + i * unit, top});
  }
  return path;
}

// Non-zero winding, as cairo fills.
bool inside(const std::vector<Point>& poly, double px, double py) {
  int winding = 0;
  for (size_t i = 0; i < poly.size(); ++i) {
    const Point a = poly[i], b = poly[(i + 1) % poly.size()];
    const double cross = (b.x - a.x) * (py - a.y) - (px - a.x) * (b.y - a.y);
    if (a.y <= py && b.y > py && cross > 0) ++winding;
    if (a.y > py && b.y <= py && cross < 0) --winding;
  }
  return winding != 0;
}

void fill_polygon(Canvas& canvas, const std::vector<Point>& poly, uint32_t color) {
  constexpr int kSamples = 8;  // 8 x 8 samples per pixel
  double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
  for (const Point& p : poly) {
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  for (int y = int(std::floor(y0)); y < int(std::ceil(y1)); ++y) {
    for (int x = int(std::floor(x0)); x < int(std::ceil(x1)); ++x) {
      int hits = 0;
      for (int sy = 0; sy < kSamples; ++sy) {
        for (int sx = 0; sx < kSamples; ++sx) {
          hits += inside(poly, x + (sx + 0.5) / kSamples, y + (sy + 0.5) / kSamples);
        }
      }
      canvas.blend(x, y, color, hits / double(kSamples * kSamples));
    }
  }
}

}  // namespace

std::vector<uint8_t> paint_with_decorations(const std::vector<uint8_t>& glyph_layer, int width,
                                            int height, uint32_t background_rgba,
                                            uint32_t style_rgba,
                                            const std::vector<text::Decoration>& decorations,
                                            float dx, float dy) {
  std::vector<uint8_t> image(size_t(width) * size_t(height) * 4, 0);
  Canvas canvas{image, width, height};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) canvas.blend(x, y, background_rgba, 1.0);
  }
  const auto paint = [&](text::DecorationLayer layer) {
    for (const text::Decoration& d : decorations) {
      if (d.layer != layer) continue;
      const uint32_t color = d.has_color ? d.color_rgba : style_rgba;
      if (d.kind == text::DecorationKind::kErrorSquiggle) {
        fill_polygon(canvas, squiggle_path(d.x + dx, d.y + dy, d.w, d.h), color);
      } else {
        fill_rect(canvas, d, dx, dy, color);
      }
    }
  };
  paint(text::DecorationLayer::kBelowGlyphs);
  for (size_t i = 0; i + 3 < image.size(); i += 4) {  // premultiplied glyphs over
    const double a = glyph_layer[i + 3] / 255.0;
    for (int c = 0; c < 4; ++c) {
      image[i + c] =
          uint8_t(std::min(255L, std::lround(glyph_layer[i + c] + image[i + c] * (1 - a))));
    }
  }
  paint(text::DecorationLayer::kAboveGlyphs);
  return image;
}

}  // namespace glyphstream::oracle
