#include "text/polygon_fill.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace glyphstream::text {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Twice the signed area of a polygon.
double twice_area(const Polygon& p) {
  double a = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    const auto& [x0, y0] = p[i];
    const auto& [x1, y1] = p[(i + 1) % p.size()];
    a += x0 * y1 - x1 * y0;
  }
  return a;
}

// `poly` clipped to the half-plane where sign * (coordinate `axis` - edge) >= 0.
Polygon clip(const Polygon& poly, int axis, double edge, double sign) {
  Polygon out;
  const auto inside = [&](const std::pair<double, double>& v) {
    return sign * ((axis == 0 ? v.first : v.second) - edge) >= 0;
  };
  for (size_t i = 0; i < poly.size(); ++i) {
    const auto& a = poly[i];
    const auto& b = poly[(i + 1) % poly.size()];
    if (inside(a)) out.push_back(a);
    if (inside(a) != inside(b)) {
      const double ca = axis == 0 ? a.first : a.second, cb = axis == 0 ? b.first : b.second;
      const double t = (edge - ca) / (cb - ca);
      out.emplace_back(a.first + t * (b.first - a.first), a.second + t * (b.second - a.second));
    }
  }
  return out;
}

double area_in_pixel(const Polygon& poly, int px, int py) {
  const Polygon cell =
      clip(clip(clip(clip(poly, 0, px, 1), 0, px + 1, -1), 1, py, 1), 1, py + 1, -1);
  return cell.size() < 3 ? 0 : std::fabs(twice_area(cell)) / 2;
}

}  // namespace

GlyphBitmap fill_polygons(const std::vector<Polygon>& polygons, const std::vector<double>& signs) {
  double min_x = 1e300, max_x = -1e300, min_y = 1e300, max_y = -1e300;
  for (const Polygon& p : polygons) {
    for (const auto& [x, y] : p) {
      min_x = std::min(min_x, x), max_x = std::max(max_x, x);
      min_y = std::min(min_y, y), max_y = std::max(max_y, y);
    }
  }
  GlyphBitmap out;
  if (!(max_x > min_x && max_y > min_y) || max_x - min_x > 0x7FFF || max_y - min_y > 0x7FFF) {
    return out;
  }
  const int x0 = int(std::floor(min_x)), x1 = int(std::ceil(max_x));
  const int y0 = int(std::floor(min_y)), y1 = int(std::ceil(max_y));
  out.width = x1 - x0, out.height = y1 - y0, out.left = x0, out.top = -y0;
  out.format = PixelFormat::kCoverage8;
  out.pixels.resize(size_t(out.width) * size_t(out.height));
  for (int py = y0; py < y1; ++py) {
    for (int px = x0; px < x1; ++px) {
      double a = 0;
      for (size_t i = 0; i < polygons.size(); ++i) {
        a += signs[i] * area_in_pixel(polygons[i], px, py);
      }
      out.pixels[size_t(py - y0) * size_t(out.width) + size_t(px - x0)] =
          uint8_t(std::lround(std::clamp(a, 0.0, 1.0) * 255));
    }
  }
  return out;
}

Polygon turned(const Polygon& p, double degrees_ccw, double dx) {
  const double r = degrees_ccw * kPi / 180.0, c = std::cos(r), s = std::sin(r);
  Polygon out;
  out.reserve(p.size());
  for (const auto& [x, y] : p) out.emplace_back(c * x + s * y + dx, -s * x + c * y);
  return out;
}

GlyphBitmap turn_color_bitmap(const GlyphBitmap& in, double degrees_ccw, double dx) {
  if (in.width == 0 || in.height == 0) return in;
  const double r = degrees_ccw * kPi / 180.0, c = std::cos(r), s = std::sin(r);
  // The source's corners (px from the pen, y down) turned: the destination's bounds.
  const double sx0 = in.left, sy0 = -in.top, sx1 = sx0 + in.width, sy1 = sy0 + in.height;
  double min_x = 1e300, max_x = -1e300, min_y = 1e300, max_y = -1e300;
  for (const double x : {sx0, sx1}) {
    for (const double y : {sy0, sy1}) {
      const double tx = c * x + s * y + dx, ty = -s * x + c * y;
      min_x = std::min(min_x, tx), max_x = std::max(max_x, tx);
      min_y = std::min(min_y, ty), max_y = std::max(max_y, ty);
    }
  }
  GlyphBitmap out;
  const int x0 = int(std::floor(min_x)), x1 = int(std::ceil(max_x));
  const int y0 = int(std::floor(min_y)), y1 = int(std::ceil(max_y));
  out.width = x1 - x0, out.height = y1 - y0, out.left = x0, out.top = -y0;
  out.format = PixelFormat::kColor32;
  out.pixels.assign(size_t(out.width) * size_t(out.height) * 4, 0);
  const auto texel = [&](int x, int y, int ch) -> double {
    if (x < 0 || y < 0 || x >= in.width || y >= in.height) return 0;
    return in.pixels[(size_t(y) * size_t(in.width) + size_t(x)) * 4 + size_t(ch)];
  };
  for (int py = y0; py < y1; ++py) {
    for (int px = x0; px < x1; ++px) {
      // The pixel centre turned back into the source (the inverse rotation), in texels.
      const double ux = px + 0.5 - dx, uy = py + 0.5;
      const double sx = c * ux - s * uy - sx0 - 0.5, sy = s * ux + c * uy - sy0 - 0.5;
      const int ix = int(std::floor(sx)), iy = int(std::floor(sy));
      const double fx = sx - ix, fy = sy - iy;
      uint8_t* o = &out.pixels[(size_t(py - y0) * size_t(out.width) + size_t(px - x0)) * 4];
      for (int ch = 0; ch < 4; ++ch) {
        const double v = (1 - fy) * ((1 - fx) * texel(ix, iy, ch) + fx * texel(ix + 1, iy, ch)) +
                         fy * ((1 - fx) * texel(ix, iy + 1, ch) + fx * texel(ix + 1, iy + 1, ch));
        o[ch] = uint8_t(std::lround(std::clamp(v, 0.0, 255.0)));
      }
    }
  }
  return out;
}

}  // namespace glyphstream::text
