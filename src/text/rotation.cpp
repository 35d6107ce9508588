#include "text/rotation.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "text/rasterizer.h"

namespace glyphstream::text {
namespace {

constexpr double kPi = 3.14159265358979323846;

int16_t clamp16(double v) { return int16_t(std::clamp(v, -32767.0, 32766.0)); }

// PANGO_PIXELS for 64-bit Pango units (round half up, as the macro).
int64_t pixels(int64_t units) { return (units + 512) >> 10; }
// PANGO_PIXELS_CEIL: pango_layout_get_pixel_extents rounds a logical rectangle out
// (pango_extents_to_pixels' inclusive rounding).
int64_t pixels_ceil(int64_t units) { return (units + 1023) >> 10; }

}  // namespace

uint16_t angle_bin(double degrees_ccw) {
  if (!std::isfinite(degrees_ccw)) return 0;
  const double bins = std::round(degrees_ccw * kAngleBinsPerDegree);
  double wrapped = std::fmod(bins, double(kAngleBins));
  if (wrapped < 0) wrapped += kAngleBins;
  return uint16_t(uint32_t(wrapped) % kAngleBins);
}

double angle_degrees(uint16_t bin) { return double(bin % kAngleBins) / kAngleBinsPerDegree; }

double gravity_degrees(PangoGravity gravity) {
  // pango_gravity_to_rotation is in radians in the y-down sense of a cairo matrix (positive
  // turns clockwise on screen): east, whose glyph bottoms point right, is -pi/2.
  return -pango_gravity_to_rotation(gravity) * 180.0 / kPi;
}

InkBox rotate_ink(const InkBox& box, double degrees_ccw) {
  if (!box.known() || angle_bin(degrees_ccw) == 0) return box;
  const double r = degrees_ccw * kPi / 180.0, c = std::cos(r), s = std::sin(r);
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const double x : {double(box.x0), double(box.x1)}) {
    for (const double y : {double(box.y0), double(box.y1)}) {
      // Counter-clockwise on screen with y down: pango_matrix_rotate's matrix.
      const double rx = c * x + s * y, ry = -s * x + c * y;
      x0 = std::min(x0, rx), x1 = std::max(x1, rx), y0 = std::min(y0, ry), y1 = std::max(y1, ry);
    }
  }
  InkBox out;
  out.x0 = clamp16(std::floor(x0) - 1);
  out.y0 = clamp16(std::floor(y0) - 1);
  out.x1 = clamp16(std::ceil(x1) + 1);
  out.y1 = clamp16(std::ceil(y1) + 1);
  return out;
}

PangoRectangle rotated_canvas(const PangoMatrix& m, int64_t right_units, int64_t width_units,
                              int64_t bottom_units, int height_units) {
  // output_body(): MAX(logical right, PANGO_PIXELS(layout width)) and the same for the height.
  const int64_t w = std::max(pixels_ceil(right_units), width_units > 0 ? pixels(width_units) : 0);
  const int64_t h = std::max(pixels_ceil(bottom_units), int64_t(PANGO_PIXELS(height_units)));
  PangoRectangle rect{0, 0, int(std::clamp<int64_t>(w, 0, INT32_MAX / 2)),
                      int(std::clamp<int64_t>(h, 0, INT32_MAX / 2))};
  pango_matrix_transform_pixel_rectangle(&m, &rect);
  return rect;
}

void rotate_result(LayoutResult* result, double degrees, const PangoRectangle& canvas) {
  PangoMatrix m = PANGO_MATRIX_INIT;
  pango_matrix_rotate(&m, degrees);
  // do_output(): the matrix's translation puts the canvas' top-left corner at the origin.
  m.x0 = -canvas.x;
  m.y0 = -canvas.y;
  for (ShapedGlyph& g : result->glyphs) {
    double x = g.x, y = g.y;
    pango_matrix_transform_point(&m, &x, &y);
    g.x = float(x), g.y = float(y);
  }
  const bool right_angle = std::fmod(degrees, 90.0) == 0;
  std::vector<ShapedGlyph> below, above;  // decorations turned into rotated-rectangle glyphs
  std::vector<Decoration> kept;
  for (Decoration& d : result->decorations) {
    double x0 = d.x, y0 = d.y, x1 = double(d.x) + d.w, y1 = double(d.y) + d.h;
    if (right_angle && d.kind != DecorationKind::kErrorSquiggle) {
      // Axis-aligned after the turn: the rectangle between two opposite corners.
      pango_matrix_transform_point(&m, &x0, &y0);
      pango_matrix_transform_point(&m, &x1, &y1);
      d.x = float(std::min(x0, x1)), d.y = float(std::min(y0, y1));
      d.w = float(std::fabs(x1 - x0)), d.h = float(std::fabs(y1 - y0));
      kept.push_back(d);
      continue;
    }
    // Any other angle: the rectangle rasterized turned (rasterizer.h, kRotatedRectGlyphFlag)
    // and drawn as a glyph, so that clipping, culling and zoom treat it as they treat glyphs.
    // A squiggle becomes its band's middle 40% (no zigzag at an angle).
    if (d.kind == DecorationKind::kErrorSquiggle) y0 += 0.3 * d.h;
    const double h = d.kind == DecorationKind::kErrorSquiggle ? 0.4 * d.h : d.h;
    pango_matrix_transform_point(&m, &x0, &y0);
    ShapedGlyph g;
    rotated_rect_glyph(d.w, h, &g.glyph_id, &g.size_26_6);
    g.x = float(x0), g.y = float(y0);
    g.color_rgba = d.color_rgba, g.has_color = d.has_color, g.has_alpha = d.has_alpha;
    g.angle_bin = angle_bin(degrees);
    g.ink = rotate_ink(flagged_glyph_ink(g.glyph_id, g.size_26_6), angle_degrees(g.angle_bin));
    (d.layer == DecorationLayer::kBelowGlyphs ? below : above).push_back(g);
  }
  result->decorations = std::move(kept);
  if (!below.empty()) result->glyphs.insert(result->glyphs.begin(), below.begin(), below.end());
  result->glyphs.insert(result->glyphs.end(), above.begin(), above.end());
  const double matrix[6] = {m.xx, m.xy, m.yx, m.yy, m.x0, m.y0};
  std::copy(matrix, matrix + 6, result->matrix);
  result->width = float(canvas.width);
  result->height = float(canvas.height);
}

}  // namespace glyphstream::text
