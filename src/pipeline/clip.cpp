#include "pipeline/clip.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace glyphstream::pipeline {
namespace {

// The first pixel whose centre is at or right of `edge`, within [0, limit].
uint16_t first_pixel_at(double edge, int limit) {
  return uint16_t(std::clamp(std::ceil(edge - 0.5), 0.0, double(limit)));
}

}  // namespace

Status check_clip(const std::optional<RectF>& clip, const char* what) {
  if (!clip) return {};
  const RectF& r = *clip;
  if (!std::isfinite(r.x) || !std::isfinite(r.y) || !std::isfinite(r.w) || !std::isfinite(r.h)) {
    return {ErrorCode::kInvalidArgument,
            std::string(what) + ": DrawParams::clip must be finite (x, y, w and h)"};
  }
  if (r.w < 0 || r.h < 0) {
    return {ErrorCode::kInvalidArgument,
            std::string(what) + ": DrawParams::clip must have w >= 0 and h >= 0 (got " +
                std::to_string(r.w) + " x " + std::to_string(r.h) + ")"};
  }
  return {};
}

gpu::InstanceClip clip_pixels(const std::optional<RectF>& clip, int viewport_w, int viewport_h) {
  gpu::InstanceClip c;
  c.x0 = c.y0 = 0;
  c.x1 = uint16_t(std::clamp(viewport_w, 0, int(UINT16_MAX)));
  c.y1 = uint16_t(std::clamp(viewport_h, 0, int(UINT16_MAX)));
  if (!clip) return c;
  // In double: x + w of two large floats stays finite and exact enough.
  const double x = clip->x, y = clip->y, w = clip->w, h = clip->h;
  c.x0 = first_pixel_at(x, c.x1);
  c.y0 = first_pixel_at(y, c.y1);
  c.x1 = std::max(c.x0, first_pixel_at(x + w, c.x1));
  c.y1 = std::max(c.y0, first_pixel_at(y + h, c.y1));
  return c;
}

}  // namespace glyphstream::pipeline
